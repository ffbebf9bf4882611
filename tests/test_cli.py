"""The `flask hai …` commands. They commit; the db_session fixture turns the commits
into savepoints, so everything still rolls back at the end of each test."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.catalog.models import CatalogVersion, Channel
from hai.org.models import OrgUnit

STRONG = "kata-sandi-admin-yang-panjang"


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


@pytest.fixture
def create_user(runner, monkeypatch):
    """Run `hai create-user` with HAI_NEW_PASSWORD set."""

    def run(*args: str, password: str = STRONG):
        monkeypatch.setenv("HAI_NEW_PASSWORD", password)
        return runner.invoke(args=["hai", "create-user", *args])

    return run


def find_user(db_session, email: str) -> User | None:
    return db_session.scalar(select(User).where(User.email == email))


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_create_user_with_two_roles(create_user, db_session):
    result = create_user(
        "--email", "Admin.Pertama@Test.hai", "--name", "Admin Pertama",
        "--role", "admin", "--role", "qa", "--unit", "dit-sitp",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created user admin.pertama@test.hai with roles qa, admin" in result.output
    user = find_user(db_session, "admin.pertama@test.hai")
    assert user is not None
    assert user.roles == {Role.ADMIN, Role.QA}
    assert user.unit.code == "DIT-SITP"
    assert not user.is_demo and user.is_active
    event = db_session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.created", AuditEvent.target_id == str(user.id)
        )
    )
    assert event.actor_label == "cli" and event.actor_id is None


def test_created_user_can_log_in(create_user, db_session, browser):
    assert (
        create_user("--email", "cli@test.hai", "--name", "Dari CLI", "--role", "admin").exit_code
        == 0
    )
    browser.get("/login")
    assert browser.post("/login", {"email": "cli@test.hai", "password": STRONG}).status_code == 302
    assert browser.get("/admin/users").status_code == 200


def test_unknown_role_lists_the_known_codes(create_user, db_session):
    result = create_user("--email", "x@test.hai", "--name", "X", "--role", "superuser")
    assert result.exit_code != 0
    assert "unknown role 'superuser'" in result.output
    for role in Role:
        assert role.value in result.output
    assert find_user(db_session, "x@test.hai") is None


def test_unknown_unit_is_refused(create_user, db_session):
    result = create_user("--email", "x@test.hai", "--name", "X", "--role", "qa", "--unit", "NOPE")
    assert result.exit_code != 0
    assert "unknown unit code 'NOPE'" in result.output
    assert find_user(db_session, "x@test.hai") is None


@pytest.mark.parametrize(
    ("password", "message"),
    [("password123", "terlalu umum"), ("pendek", "minimal 8 karakter")],
    ids=["common", "short"],
)
def test_weak_password_fails_and_creates_nobody(password, message, create_user, db_session):
    users_before = count(db_session, User)
    result = create_user(
        "--email", "lemah@test.hai", "--name", "Sandi Lemah", "--role", "admin", password=password
    )
    assert result.exit_code != 0
    assert "password: " in result.output and message in result.output
    assert find_user(db_session, "lemah@test.hai") is None
    assert count(db_session, User) == users_before


def test_pengguna_needs_a_user_type(create_user, db_session):
    result = create_user("--email", "satker@test.hai", "--name", "Operator", "--role", "pengguna")
    assert result.exit_code != 0
    assert "user_type" in result.output and "jenis pengguna" in result.output
    assert find_user(db_session, "satker@test.hai") is None

    result = create_user(
        "--email", "satker@test.hai", "--name", "Operator", "--role", "pengguna",
        "--user-type", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = find_user(db_session, "satker@test.hai")
    assert user.roles == {Role.PENGGUNA} and user.user_type == 1


def test_user_type_out_of_range_is_refused(create_user, db_session):
    result = create_user(
        "--email", "satker@test.hai", "--name", "Operator", "--role", "pengguna",
        "--user-type", "12",
    )  # fmt: skip
    assert result.exit_code == 2
    assert find_user(db_session, "satker@test.hai") is None


def test_duplicate_email_is_refused(create_user, make_user, db_session):
    make_user(email="ada@test.hai")
    result = create_user("--email", "ADA@test.hai", "--name", "Kembar", "--role", "qa")
    assert result.exit_code != 0
    assert "Alamat email sudah terdaftar." in result.output
    assert count_users_with_email(db_session, "ada@test.hai") == 1


def count_users_with_email(db_session, email: str) -> int:
    return db_session.scalar(select(func.count()).select_from(User).where(User.email == email))


def test_without_password_and_terminal_it_asks_for_the_variable(runner, monkeypatch, db_session):
    monkeypatch.delenv("HAI_NEW_PASSWORD", raising=False)
    result = runner.invoke(
        args=["hai", "create-user", "--email", "x@test.hai", "--name", "X", "--role", "qa"]
    )
    assert result.exit_code != 0
    assert "HAI_NEW_PASSWORD" in result.output
    assert find_user(db_session, "x@test.hai") is None


def test_seed_is_idempotent(runner, db_session):
    before = (
        count(db_session, OrgUnit),
        count(db_session, Channel),
        count(db_session, CatalogVersion),
    )
    first = runner.invoke(args=["hai", "seed"])
    second = runner.invoke(args=["hai", "seed"])
    for result in (first, second):
        assert result.exit_code == 0, result.output
        assert (
            "units added: 0; channels added: 0; catalog versions loaded: none (already there)"
            in result.output
        )
    after = (
        count(db_session, OrgUnit),
        count(db_session, Channel),
        count(db_session, CatalogVersion),
    )
    assert after == before


def test_seed_adds_a_missing_unit_back(runner, db_session):
    """Delete one seeded leaf unit: `hai seed` adds exactly that one again."""
    unit = db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))
    parent_id = unit.parent_id
    db_session.delete(unit)
    db_session.commit()
    result = runner.invoke(args=["hai", "seed"])
    assert result.exit_code == 0, result.output
    assert "units added: 1;" in result.output
    again = db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))
    assert again is not None and again.parent_id == parent_id


def test_demo_creates_one_user_per_role_and_prints_the_password(runner, db_session):
    from hai.demo import DEMO_PASSWORD

    result = runner.invoke(args=["hai", "demo"])
    assert result.exit_code == 0, result.output
    # One per role, and a second requester: a directorate that may ask for broadcasts.
    assert f"demo users created: {len(Role) + 1}" in result.output
    assert DEMO_PASSWORD in result.output
    demo_users = list(db_session.scalars(select(User).where(User.is_demo.is_(True))))
    assert len(demo_users) == len(Role) + 1 == 15
    for role in Role:
        holders = [u for u in demo_users if u.roles == {role}]
        assert len(holders) == (2 if role is Role.PENGGUNA else 1), f"demo users: {role.value}"
        assert all(h.email in result.output for h in holders)
    pengguna = next(u for u in demo_users if Role.PENGGUNA in u.roles)
    assert pengguna.user_type is not None
    # Past tickets, and reports in every state computed from them.
    assert "past tickets (history) created: 60" in result.output
    assert "demo reports created: 5" in result.output
    from hai.reports.models import Report, ReportStatus

    states = {(r.kind.value, r.status) for r in db_session.scalars(select(Report))}
    assert ("quarterly", ReportStatus.DELIVERED) in states
    assert ("monthly", ReportStatus.DRAFT) in states
    assert ("problem", ReportStatus.ANSWERED) in states
    assert "demo change requests created: 5" in result.output
    from hai.changes.models import ChangeRequest

    assert len({c.status for c in db_session.scalars(select(ChangeRequest))}) == 5

    again = runner.invoke(args=["hai", "demo"])
    assert again.exit_code == 0
    assert "demo users created: 0" in again.output
    assert "past tickets (history) created: 0" in again.output
    assert "demo reports created: 0" in again.output
    assert "demo change requests created: 0" in again.output
    assert db_session.scalar(select(func.count()).select_from(User).where(User.is_demo)) == len(
        demo_users
    )


def test_demo_users_can_log_in_outside_production(runner, db_session, browser):
    from hai.demo import DEMO_PASSWORD

    assert runner.invoke(args=["hai", "demo"]).exit_code == 0
    browser.get("/login")
    response = browser.post("/login", {"email": "admin@demo.hai.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_refused_when_demo_users_are_not_allowed(app, runner, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_DEMO_USERS", False)  # restored afterwards
    before = (count(db_session, User), count(db_session, UserRole))
    result = runner.invoke(args=["hai", "demo"])
    assert result.exit_code != 0
    assert "demo users are refused" in result.output
    assert (count(db_session, User), count(db_session, UserRole)) == before
    assert db_session.scalar(select(func.count()).select_from(User).where(User.is_demo)) == 0
