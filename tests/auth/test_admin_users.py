"""The administrators' user pages: create, edit, disable, reset password, list."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.auth.models import User, UserSession
from hai.auth.roles import Role
from hai.org.models import OrgUnit
from tests.conftest import Browser
from tests.factories import PASSWORD

NEW_PASSWORD = "kuda-baterai-benar-42"
VERSION_RE = re.compile(r'<input id="version" name="version" type="hidden" value="(\d+)">')


# --- helpers -----------------------------------------------------------------


def field_error(html: str, field_id: str) -> str | None:
    """The message shown beside one field (macros/forms.html), or None."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S
    )
    return match.group(1) if match else None


def unit_id(db_session, code: str) -> int:
    return db_session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def events(db_session, action: str) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def created_by(db_session, actor: User) -> list[AuditEvent]:
    return [e for e in events(db_session, "user.created") if e.actor_id == actor.id]


def rows_of(html: str) -> str:
    """The user table only (the top bar names the logged-in administrator)."""
    start = html.index('<table class="table">')
    return html[start : html.index("</table>", start)]


def user_count(db_session, email: str) -> int:
    return db_session.scalar(select(func.count()).select_from(User).where(User.email == email))


def new_user_data(**overrides) -> dict:
    data = {
        "email": "siti.baru@test.hai",
        "name": "Siti Baru",
        "position": "Pelaksana",
        "phone": "021-3449230",
        "unit_id": "",
        "user_type": "",
        "roles": ["agen_l1"],
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def edit_data(user: User, **overrides) -> dict:
    """The edit form as the page fills it for ``user``, with changes."""
    data = {
        "name": user.name,
        "position": user.position,
        "phone": user.phone,
        "unit_id": str(user.unit_id or ""),
        "user_type": str(user.user_type or ""),
        "roles": [r.value for r in user.sorted_roles()],
        "is_active": "y",
        "version": str(user.version),
    }
    data.update(overrides)
    if data.get("is_active") is None:
        del data["is_active"]  # an unchecked checkbox is not sent
    return data


def second_browser(app, user: User, password: str = PASSWORD) -> Browser:
    other = Browser(app.test_client())
    other.get("/login")
    response = other.post("/login", {"email": user.email, "password": password})
    assert response.status_code == 302
    assert other.get("/home").status_code == 200
    return other


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, name="Admin Utama")


@pytest.fixture
def admin_browser(admin, login_as):
    return login_as(admin)


# --- creating ----------------------------------------------------------------


def test_admin_creates_user_with_roles_and_audit(admin, admin_browser, db_session):
    kppn = unit_id(db_session, "KPPN-JKT1")
    page = admin_browser.get("/admin/users/new")
    assert page.status_code == 200
    response = admin_browser.post(
        "/admin/users/new",
        new_user_data(unit_id=str(kppn), roles=["agen_l2", "qa"]),
    )
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.email == "siti.baru@test.hai"))
    assert user is not None
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
    assert user.roles == {Role.AGEN_L2, Role.QA}
    assert (user.name, user.position, user.phone, user.unit_id) == (
        "Siti Baru",
        "Pelaksana",
        "021-3449230",
        kppn,
    )
    assert user.user_type is None and user.is_active
    (event,) = created_by(db_session, admin)
    assert event.target_id == str(user.id)
    assert event.details["roles"] == ["agen_l2", "qa"]
    assert NEW_PASSWORD not in str(event.details)
    follow = admin_browser.get(response.headers["Location"])
    assert "Pengguna siti.baru@test.hai telah dibuat." in follow.get_data(as_text=True)


def test_created_user_can_log_in(app, admin_browser, db_session):
    admin_browser.get("/admin/users/new")
    admin_browser.post("/admin/users/new", new_user_data(roles=["pengguna"], user_type="4"))
    user = db_session.scalar(select(User).where(User.email == "siti.baru@test.hai"))
    assert user.user_type == 4 and user.roles == {Role.PENGGUNA}
    second_browser(app, user, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"roles": []}, "roles", "Pilih minimal satu peran."),
        (
            {"roles": ["pengguna"], "user_type": ""},
            "user_type",
            "Pengguna layanan wajib memiliki jenis pengguna (1–11).",
        ),
        ({"password": "password123"}, "password", "terlalu umum"),
        ({"password": "pendek"}, "password", "minimal 8 karakter"),
        ({"password": "siti.baru"}, "password", "tidak boleh sama dengan alamat email"),
        ({"password": ""}, "password", "Kata sandi awal wajib diisi."),
        ({"email": "bukan-alamat-email"}, "email", "Alamat email tidak valid."),
        ({"name": ""}, "name", "Wajib diisi."),
    ],
    ids=[
        "no-roles",
        "pengguna-without-type",
        "common-password",
        "short-password",
        "password-is-email",
        "no-password",
        "invalid-email",
        "no-name",
    ],
)
def test_bad_input_is_shown_beside_the_field_and_creates_nothing(
    overrides, field, message, admin, admin_browser, db_session
):
    admin_browser.get("/admin/users/new")
    data = new_user_data(**overrides)
    response = admin_browser.post("/admin/users/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html  # the whole form page again
    error = field_error(html, field)
    assert error is not None and message in error, error
    assert user_count(db_session, data["email"].lower()) == 0
    assert created_by(db_session, admin) == []


def test_duplicate_email_is_refused_whatever_the_case(admin, admin_browser, make_user, db_session):
    make_user(email="dupe@test.hai")
    admin_browser.get("/admin/users/new")
    response = admin_browser.post("/admin/users/new", new_user_data(email="DUPE@Test.hai"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "email") == "Alamat email sudah terdaftar."
    assert user_count(db_session, "dupe@test.hai") == 1
    assert created_by(db_session, admin) == []


# --- editing -----------------------------------------------------------------


def test_admin_changes_roles_and_the_change_is_audited(admin, admin_browser, make_user, db_session):
    agent = make_user(Role.AGEN_L1)
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(
        f"/admin/users/{agent.id}", edit_data(agent, roles=["agen_l2", "cso"])
    )
    assert response.status_code == 302
    db_session.refresh(agent)
    assert agent.roles == {Role.AGEN_L2, Role.CSO}
    (event,) = events(db_session, "user.updated")
    assert event.actor_id == admin.id and event.target_id == str(agent.id)
    assert event.details["changes"]["roles"] == {"from": ["agen_l1"], "to": ["agen_l2", "cso"]}
    assert "Perubahan disimpan." in admin_browser.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_saving_without_changes_writes_no_audit_row(admin_browser, make_user, db_session):
    agent = make_user(Role.AGEN_L1)
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(f"/admin/users/{agent.id}", edit_data(agent))
    assert response.status_code == 302
    assert events(db_session, "user.updated") == []


def test_admin_cannot_remove_own_admin_role(admin, admin_browser, db_session):
    admin_browser.get(f"/admin/users/{admin.id}")
    response = admin_browser.post(f"/admin/users/{admin.id}", edit_data(admin, roles=["qa"]))
    assert response.status_code == 422
    assert "tidak dapat mencabut peran Administrator milik sendiri" in field_error(
        response.get_data(as_text=True), "roles"
    )
    db_session.refresh(admin)
    assert Role.ADMIN in admin.roles
    assert admin_browser.get("/admin/users").status_code == 200


def test_admin_cannot_disable_themselves(admin, admin_browser, db_session):
    admin_browser.get(f"/admin/users/{admin.id}")
    response = admin_browser.post(f"/admin/users/{admin.id}", edit_data(admin, is_active=None))
    assert response.status_code == 422
    assert "tidak dapat menonaktifkan akun sendiri" in field_error(
        response.get_data(as_text=True), "is_active"
    )
    db_session.refresh(admin)
    assert admin.is_active
    assert admin_browser.get("/admin/users").status_code == 200


def test_last_active_admin_cannot_lose_the_role(make_user, db_session):
    """Through the pages an administrator always edits another administrator (their own
    role is protected by the rule above), so the service is exercised directly."""
    from hai.auth.services import AccountError, update_user
    from hai.db_types import utcnow

    sole = make_user(Role.ADMIN)
    actor = make_user(Role.KOORDINATOR)
    inactive_admin = make_user(Role.ADMIN)
    inactive_admin.is_active = False
    db_session.commit()

    def change(user, roles, is_active=True):
        return update_user(
            user,
            name=user.name,
            roles=roles,
            unit_id=None,
            user_type=None,
            phone="",
            position="",
            is_active=is_active,
            now=utcnow(),
            actor=actor,
        )

    for roles, is_active in (([Role.QA], True), ([Role.ADMIN], False)):
        with pytest.raises(AccountError) as refused:
            change(sole, roles, is_active)
        assert refused.value.message == "Harus tetap ada minimal satu Administrator aktif."
        db_session.rollback()
    db_session.refresh(sole)
    assert sole.roles == {Role.ADMIN} and sole.is_active

    make_user(Role.ADMIN)  # a second active administrator
    change(sole, [Role.QA])
    db_session.commit()
    assert sole.roles == {Role.QA}


def test_disabling_a_user_ends_their_live_sessions(app, admin_browser, make_user, db_session):
    agent = make_user(Role.AGEN_L1)
    agent_browser = second_browser(app, agent)
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(f"/admin/users/{agent.id}", edit_data(agent, is_active=None))
    assert response.status_code == 302
    assert agent_browser.get("/home").status_code == 302, "the disabled user is logged out"
    rows = list(db_session.scalars(select(UserSession).where(UserSession.user_id == agent.id)))
    assert rows and all(r.end_reason == "account_disabled" for r in rows)
    (event,) = events(db_session, "user.updated")
    assert event.details["changes"]["is_active"] == {"from": True, "to": False}
    login = Browser(app.test_client())
    login.get("/login")
    refused = login.post("/login", {"email": agent.email, "password": PASSWORD})
    assert "Akun Anda tidak aktif" in refused.get_data(as_text=True)


def test_stale_form_gives_409_and_overwrites_nothing(
    app, admin, admin_browser, make_user, db_session
):
    agent = make_user(Role.AGEN_L1, name="Nama Awal")
    page = admin_browser.get(f"/admin/users/{agent.id}").get_data(as_text=True)
    opened_version = VERSION_RE.search(page).group(1)
    assert opened_version == str(agent.version)

    other_admin = make_user(Role.ADMIN)
    other = second_browser(app, other_admin)
    other.get(f"/admin/users/{agent.id}")
    assert (
        other.post(
            f"/admin/users/{agent.id}", edit_data(agent, name="Nama Dari Admin Lain")
        ).status_code
        == 302
    )
    db_session.refresh(agent)
    assert agent.version > int(opened_version)

    stale = edit_data(agent, name="Nama Basi", roles=["qa"], version=opened_version)
    response = admin_browser.post(f"/admin/users/{agent.id}", stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "telah diubah oleh orang lain sejak Anda membukanya" in html
    db_session.refresh(agent)
    assert agent.name == "Nama Dari Admin Lain"
    assert agent.roles == {Role.AGEN_L1}
    assert len(events(db_session, "user.updated")) == 1


def test_stale_form_after_a_role_only_change_is_refused(app, admin_browser, make_user, db_session):
    agent = make_user(Role.AGEN_L1)
    page = admin_browser.get(f"/admin/users/{agent.id}").get_data(as_text=True)
    opened_version = VERSION_RE.search(page).group(1)

    other = second_browser(app, make_user(Role.ADMIN))
    other.get(f"/admin/users/{agent.id}")
    response = other.post(f"/admin/users/{agent.id}", edit_data(agent, roles=["agen_l3"]))
    assert response.status_code == 302
    db_session.refresh(agent)
    assert agent.roles == {Role.AGEN_L3}

    stale = edit_data(agent, roles=["agen_l1"], name="Ubah Nama", version=opened_version)
    response = admin_browser.post(f"/admin/users/{agent.id}", stale)
    db_session.refresh(agent)
    assert agent.roles == {Role.AGEN_L3}, "the other administrator's role change was lost"
    assert response.status_code == 409


def test_demo_user_can_be_edited(admin_browser, make_user, db_session):
    demo = make_user(Role.AGEN_L1, email="agen1@demo.hai.test", is_demo=True)
    admin_browser.get(f"/admin/users/{demo.id}")
    response = admin_browser.post(f"/admin/users/{demo.id}", edit_data(demo, is_active=None))
    assert response.status_code == 302
    db_session.refresh(demo)
    assert not demo.is_active


# --- password reset ----------------------------------------------------------


def test_admin_reset_password_ends_sessions_and_new_password_works(
    app, admin, admin_browser, make_user, db_session
):
    agent = make_user(Role.AGEN_L1)
    agent_browser = second_browser(app, agent)
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(
        f"/admin/users/{agent.id}/password", {"password": "sandi-baru-dari-admin"}
    )
    assert response.status_code == 302
    assert agent_browser.get("/home").status_code == 302
    rows = list(db_session.scalars(select(UserSession).where(UserSession.user_id == agent.id)))
    assert rows and all(r.end_reason == "password_reset" for r in rows)
    (event,) = events(db_session, "user.password_reset")
    assert event.actor_id == admin.id and event.target_id == str(agent.id)
    assert "sandi-baru-dari-admin" not in str(event.details)

    fresh = Browser(app.test_client())
    fresh.get("/login")
    assert fresh.post("/login", {"email": agent.email, "password": PASSWORD}).status_code == 401
    second_browser(app, agent, "sandi-baru-dari-admin")


def test_admin_reset_password_refuses_weak_password(admin_browser, make_user, db_session):
    agent = make_user(Role.AGEN_L1)
    hash_before = agent.password_hash
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(f"/admin/users/{agent.id}/password", {"password": "12345678"})
    assert response.status_code == 422
    assert "terlalu umum" in response.get_data(as_text=True)
    db_session.refresh(agent)
    assert agent.password_hash == hash_before
    assert events(db_session, "user.password_reset") == []


# --- the list ----------------------------------------------------------------


@pytest.fixture
def listed_users(make_user):
    return {
        "budi": make_user(Role.AGEN_L1, name="Budi Santoso", email="budi@test.hai"),
        "siti": make_user(Role.QA, name="Siti Rahma", email="siti.rahma@test.hai"),
        "joko": make_user(Role.PENGGUNA, name="Joko Satker", email="joko@satker.test.hai"),
    }


def test_user_list_filters_by_text(admin_browser, listed_users):
    html = rows_of(admin_browser.get("/admin/users?q=santoso").get_data(as_text=True))
    assert "Budi Santoso" in html
    assert "Siti Rahma" not in html and "Joko Satker" not in html
    by_email = rows_of(admin_browser.get("/admin/users?q=SATKER.test").get_data(as_text=True))
    assert "Joko Satker" in by_email and "Budi Santoso" not in by_email
    none = rows_of(admin_browser.get("/admin/users?q=tidak-ada-yang-cocok").get_data(as_text=True))
    assert "Tidak ada pengguna yang cocok." in none


def test_user_list_filters_by_role(admin_browser, listed_users):
    page = admin_browser.get("/admin/users?role=qa").get_data(as_text=True)
    assert "1 pengguna" in page
    html = rows_of(page)
    assert "Siti Rahma" in html
    assert "Budi Santoso" not in html and "Admin Utama" not in html
    admins = rows_of(admin_browser.get("/admin/users?role=admin").get_data(as_text=True))
    assert "Admin Utama" in admins and "Siti Rahma" not in admins
    assert admin_browser.get("/admin/users?role=bukan-peran").status_code == 400


def test_user_list_htmx_request_gets_only_the_rows(admin_browser, listed_users):
    response = admin_browser.htmx_get("/admin/users?q=budi&role=agen_l1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "sidenav" not in html and "<form" not in html
    assert "<table" in html and "Budi Santoso" in html and "Siti Rahma" not in html
    assert "HX-Request" in response.headers["Vary"]
    full = admin_browser.get("/admin/users?q=budi")
    assert "<html" in full.get_data(as_text=True)


# --- roles take effect at once ------------------------------------------------


def test_role_change_applies_on_the_users_next_request(app, admin, make_user, login_as, db_session):
    agent = make_user(Role.AGEN_L1)
    agent_browser = login_as(agent)
    assert agent_browser.get("/admin/users").status_code == 403

    admin_browser = second_browser(app, admin)
    admin_browser.get(f"/admin/users/{agent.id}")
    response = admin_browser.post(
        f"/admin/users/{agent.id}", edit_data(agent, roles=["agen_l1", "admin"])
    )
    assert response.status_code == 302

    assert agent_browser.get("/admin/users").status_code == 200, "no new login needed"
    response = admin_browser.post(f"/admin/users/{agent.id}", edit_data(agent, roles=["agen_l1"]))
    assert response.status_code == 302
    assert agent_browser.get("/admin/users").status_code == 403


def test_users_own_login_does_not_make_the_admins_form_stale(
    app, admin_browser, make_user, db_session
):
    agent = make_user(Role.AGEN_L1)
    page = admin_browser.get(f"/admin/users/{agent.id}").get_data(as_text=True)
    opened_version = VERSION_RE.search(page).group(1)
    second_browser(app, agent)  # the agent logs in meanwhile
    response = admin_browser.post(
        f"/admin/users/{agent.id}", edit_data(agent, name="Nama Baru", version=opened_version)
    )
    assert response.status_code == 302
    db_session.refresh(agent)
    assert agent.name == "Nama Baru"
    assert agent.last_login_at is not None


def test_a_staff_member_cannot_carry_a_requester_user_type(db_session):
    from hai.auth.services import AccountError, create_user
    from hai.db_types import utcnow

    with pytest.raises(AccountError) as exc:
        create_user(
            email="staf@test.hai",
            name="Staf",
            password="a long passphrase",
            roles=[Role.AGEN_L1],
            user_type=3,
            now=utcnow(),
            actor=None,
        )
    assert exc.value.field == "user_type"
