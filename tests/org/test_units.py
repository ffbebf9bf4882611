"""The administrators' pages for organisation units and the rules of the hierarchy."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.auth.roles import Role
from hai.org.models import OrgUnit, UnitKind


def field_error(html: str, field_id: str) -> str | None:
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S
    )
    return match.group(1) if match else None


def unit(db_session, code: str) -> OrgUnit:
    found = db_session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    assert found is not None, code
    return found


def unit_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(OrgUnit))


def events(db_session, action: str) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def unit_data(**overrides) -> dict:
    data = {
        "code": "KANWIL-BALI",
        "name": "Kantor Wilayah DJPb Provinsi Bali",
        "short_name": "Kanwil Bali",
        "kind": "kanwil",
        "parent_id": "",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def edit_data(u: OrgUnit, **overrides) -> dict:
    data = {
        "code": u.code,
        "name": u.name,
        "short_name": u.short_name,
        "kind": u.kind.value,
        "parent_id": str(u.parent_id or ""),
        "is_active": "y" if u.is_active else None,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def admin_browser(admin, login_as):
    return login_as(admin)


def test_list_shows_the_seeded_hierarchy_in_tree_order(admin_browser):
    response = admin_browser.get("/admin/units")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    names = [
        "Kantor Pusat Direktorat Jenderal Perbendaharaan",
        "Kantor Wilayah DJPb Provinsi DKI Jakarta",
        "KPPN Jakarta I",
        "KPPN Jakarta II",
        "KPPN Jakarta III",
        "Kantor Wilayah DJPb Provinsi Jawa Barat",
        "KPPN Bandung I",
    ]
    positions = [html.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions), "parents come before their children"
    # Depth shows as indentation: Kantor Pusat at 0, Kanwil at 1, KPPN at 2.
    assert re.search(r'class="indent-0"><a [^>]+>Kantor Pusat Direktorat', html)
    assert re.search(r'class="indent-1"><a [^>]+>Kantor Wilayah DJPb Provinsi DKI', html)
    assert re.search(r'class="indent-2"><a [^>]+>KPPN Jakarta I<', html)
    assert "Kantor Wilayah (Kanwil)" in html and "<code>KPPN-JKT1</code>" in html


def test_admin_creates_a_kanwil_and_a_kppn_under_it(admin, admin_browser, db_session):
    pusat = unit(db_session, "KP-DJPB")
    admin_browser.get("/admin/units/new")
    response = admin_browser.post("/admin/units/new", unit_data(parent_id=str(pusat.id)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/units")
    kanwil = unit(db_session, "KANWIL-BALI")
    assert kanwil.kind is UnitKind.KANWIL and kanwil.parent_id == pusat.id

    response = admin_browser.post(
        "/admin/units/new",
        unit_data(
            code="kppn-dps",  # stored upper-case
            name="KPPN Denpasar",
            short_name="",
            kind="kppn",
            parent_id=str(kanwil.id),
        ),
    )
    assert response.status_code == 302
    kppn = unit(db_session, "KPPN-DPS")
    assert kppn.kind is UnitKind.KPPN and kppn.parent_id == kanwil.id
    assert kppn.ancestors() == [kanwil, pusat]

    listing = admin_browser.get("/admin/units").get_data(as_text=True)
    assert "Unit KPPN Denpasar disimpan." in listing
    assert listing.index(">Kantor Wilayah DJPb Provinsi Bali</a>") < listing.index(
        ">KPPN Denpasar</a>"
    )
    created = events(db_session, "org.unit_created")
    assert [e.target_id for e in created] == [str(kanwil.id), str(kppn.id)]
    assert all(e.actor_id == admin.id for e in created)
    assert created[1].details["changes"]["parent_id"] == {"from": None, "to": kanwil.id}
    # The new units are offered as parents and as units of users at once.
    form = admin_browser.get("/admin/users/new").get_data(as_text=True)
    assert f'value="{kppn.id}">\u00a0\u00a0\u00a0\u00a0KPPN Denpasar</option>' in form


@pytest.mark.parametrize(
    ("kind", "parent_code", "message"),
    [
        ("kppn", None, "Unit jenis KPPN harus berinduk: Kantor Wilayah (Kanwil)."),
        ("kppn", "KP-DJPB", "Unit jenis KPPN harus berinduk: Kantor Wilayah (Kanwil)."),
        (
            "kanwil",
            "KANWIL-DKI",
            "Unit jenis Kantor Wilayah (Kanwil) harus berinduk: Kantor Pusat.",
        ),
        ("kantor_pusat", "KP-DJPB", "Unit jenis Kantor Pusat harus berinduk: tanpa induk."),
    ],
    ids=["kppn-without-parent", "kppn-under-pusat", "kanwil-under-kanwil", "pusat-with-parent"],
)
def test_wrong_parent_is_refused_beside_the_parent_field(
    kind, parent_code, message, admin_browser, db_session
):
    before = unit_count(db_session)
    parent_id = str(unit(db_session, parent_code).id) if parent_code else ""
    admin_browser.get("/admin/units/new")
    response = admin_browser.post(
        "/admin/units/new",
        unit_data(code="BARU-1", name="Unit Baru", kind=kind, parent_id=parent_id),
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "parent_id") == message
    assert unit_count(db_session) == before
    assert events(db_session, "org.unit_created") == []


def test_duplicate_code_is_refused(admin_browser, db_session):
    before = unit_count(db_session)
    kanwil = unit(db_session, "KANWIL-DKI")
    admin_browser.get("/admin/units/new")
    response = admin_browser.post(
        "/admin/units/new",
        unit_data(code="kppn-jkt1", name="KPPN Kembar", kind="kppn", parent_id=str(kanwil.id)),
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "code") == "Kode unit sudah dipakai."
    assert unit_count(db_session) == before


def test_renaming_to_another_units_code_is_refused(admin_browser, db_session):
    jkt2 = unit(db_session, "KPPN-JKT2")
    admin_browser.get(f"/admin/units/{jkt2.id}")
    response = admin_browser.post(f"/admin/units/{jkt2.id}", edit_data(jkt2, code="KPPN-JKT1"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "code") == "Kode unit sudah dipakai."
    db_session.refresh(jkt2)
    assert jkt2.code == "KPPN-JKT2"


def test_bad_code_characters_are_refused(admin_browser, db_session):
    admin_browser.get("/admin/units/new")
    response = admin_browser.post("/admin/units/new", unit_data(code="KANWIL BALI"))
    assert response.status_code == 422
    assert "Hanya huruf, angka, titik dan tanda hubung." in field_error(
        response.get_data(as_text=True), "code"
    )


@pytest.mark.parametrize(
    "new_parent_code", ["KANWIL-DKI", "KP-DJPB"], ids=["under-own-child", "under-itself"]
)
def test_a_unit_cannot_be_moved_under_itself_or_its_descendants(
    new_parent_code, admin_browser, db_session
):
    """The Kantor Pusat turned into a "lainnya" unit (which may sit under a Kanwil or
    the Kantor Pusat) would otherwise close a cycle."""
    pusat = unit(db_session, "KP-DJPB")
    new_parent = unit(db_session, new_parent_code)
    admin_browser.get(f"/admin/units/{pusat.id}")
    response = admin_browser.post(
        f"/admin/units/{pusat.id}",
        edit_data(pusat, kind="lainnya", parent_id=str(new_parent.id)),
    )
    assert response.status_code == 422
    assert (
        field_error(response.get_data(as_text=True), "parent_id")
        == "Induk tidak boleh unit itu sendiri atau bawahannya."
    )
    db_session.refresh(pusat)
    assert pusat.parent_id is None and pusat.kind is UnitKind.KANTOR_PUSAT
    assert events(db_session, "org.unit_updated") == []


def test_edit_is_audited_with_the_changes(admin, admin_browser, db_session):
    jkt3 = unit(db_session, "KPPN-JKT3")
    jabar = unit(db_session, "KANWIL-JABAR")
    dki = unit(db_session, "KANWIL-DKI")
    page = admin_browser.get(f"/admin/units/{jkt3.id}")
    assert page.status_code == 200
    assert 'value="KPPN Jakarta III"' in page.get_data(as_text=True)
    response = admin_browser.post(
        f"/admin/units/{jkt3.id}",
        edit_data(jkt3, name="KPPN Jakarta III (Bekasi)", parent_id=str(jabar.id), is_active=None),
    )
    assert response.status_code == 302
    db_session.refresh(jkt3)
    assert (jkt3.name, jkt3.parent_id, jkt3.is_active) == (
        "KPPN Jakarta III (Bekasi)",
        jabar.id,
        False,
    )
    (event,) = events(db_session, "org.unit_updated")
    assert event.actor_id == admin.id and event.target_id == str(jkt3.id)
    assert event.details["changes"] == {
        "name": {"from": "KPPN Jakarta III", "to": "KPPN Jakarta III (Bekasi)"},
        "parent_id": {"from": dki.id, "to": jabar.id},
        "is_active": {"from": True, "to": False},
    }
    listing = admin_browser.get("/admin/units").get_data(as_text=True)
    row = listing[listing.index(">KPPN Jakarta III (Bekasi)</a>") :]
    assert row.index("Nonaktif") < row.index("</tr>")


def test_unit_pages_are_for_administrators_only(make_user, login_as):
    browser = login_as(make_user(Role.KOORDINATOR))
    assert browser.get("/admin/units").status_code == 403
    assert browser.post("/admin/units/new", unit_data()).status_code == 403


def test_a_kppn_under_a_deactivated_kanwil_can_still_be_edited(admin_browser, db_session):
    dki = unit(db_session, "KANWIL-DKI")
    admin_browser.get(f"/admin/units/{dki.id}")
    assert (
        admin_browser.post(f"/admin/units/{dki.id}", edit_data(dki, is_active=None)).status_code
        == 302
    )
    jkt1 = unit(db_session, "KPPN-JKT1")
    page = admin_browser.get(f"/admin/units/{jkt1.id}").get_data(as_text=True)
    assert f'<option selected value="{dki.id}">' in page, "the current parent is shown"
    response = admin_browser.post(
        f"/admin/units/{jkt1.id}", edit_data(jkt1, name="KPPN Jakarta I (Gambir)")
    )
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "parent_id")
    db_session.refresh(jkt1)
    assert jkt1.name == "KPPN Jakarta I (Gambir)" and jkt1.parent_id == dki.id
