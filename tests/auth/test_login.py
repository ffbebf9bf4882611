"""Login, logout, throttling, password change, server-side session end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hai.audit.models import AuditEvent
from hai.auth.models import UserSession
from hai.auth.roles import Role
from tests.factories import PASSWORD


def actions(db_session) -> list[str]:
    return [e.action for e in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_login_page_is_indonesian(browser):
    response = browser.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Masuk ke HAI" in html
    assert 'lang="id"' in html


def test_login_success_reaches_home(browser, make_user, db_session):
    user = make_user(Role.AGEN_L1, name="Andi Uji")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    home = browser.get("/home")
    assert home.status_code == 200
    assert "Selamat datang, Andi Uji" in home.get_data(as_text=True)
    assert "auth.login" in actions(db_session)


def test_wrong_password_is_refused_with_generic_message(browser, make_user, db_session):
    user = make_user()
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": "wrong-password-1"})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Email atau kata sandi salah." in html
    unknown = browser.post("/login", {"email": "nobody@test.hai", "password": "wrong-password-1"})
    assert "Email atau kata sandi salah." in unknown.get_data(as_text=True)
    assert browser.get("/home").status_code == 302  # still anonymous
    assert actions(db_session).count("auth.login_failed") == 2


def test_empty_login_form_shows_field_errors(browser):
    browser.get("/login")
    response = browser.post("/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Wajib diisi.") == 2


def test_login_without_csrf_token_is_rejected(browser, make_user):
    user = make_user()
    response = browser.post("/login", {"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert browser.get("/home").status_code == 302


def test_login_throttled_after_five_failures_even_with_right_password(
    browser, make_user, db_session
):
    user = make_user()
    browser.get("/login")
    for _ in range(5):
        assert (
            browser.post("/login", {"email": user.email, "password": "nope-nope-1"}).status_code
            == 401
        )
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert "auth.login_throttled" in actions(db_session)


def test_throttle_window_passes(app, make_user, db_session):
    from hai.auth.throttle import ThrottlePolicy, is_throttled, record_attempt
    from hai.db_types import utcnow

    user = make_user()
    policy = ThrottlePolicy(max_per_account=3, max_per_address=100, window=timedelta(minutes=15))
    start = utcnow()
    for i in range(3):
        record_attempt(user.email, "10.0.0.1", now=start + timedelta(seconds=i), succeeded=False)
    assert is_throttled(user.email, "10.0.0.9", now=start + timedelta(minutes=1), policy=policy)
    assert not is_throttled(
        user.email, "10.0.0.9", now=start + timedelta(minutes=16), policy=policy
    )


def test_throttle_per_address_covers_many_accounts(app, db_session):
    from hai.auth.throttle import ThrottlePolicy, is_throttled, record_attempt
    from hai.db_types import utcnow

    policy = ThrottlePolicy(max_per_account=5, max_per_address=4, window=timedelta(minutes=15))
    now = utcnow()
    for i in range(4):
        record_attempt(f"victim{i}@test.hai", "10.9.9.9", now=now, succeeded=False)
    assert is_throttled("fresh@test.hai", "10.9.9.9", now=now, policy=policy)
    assert not is_throttled("fresh@test.hai", "10.9.9.8", now=now, policy=policy)


def test_logout_ends_the_session_on_the_server(login_as, make_user, client, db_session):
    user = make_user()
    browser = login_as(user)
    # Keep a copy of the session cookie as an attacker would.
    stolen = client.get_cookie("hai_session").value
    assert browser.post("/logout").status_code == 302
    assert browser.get("/home").status_code == 302
    client.set_cookie("hai_session", stolen, domain="localhost")
    replay = client.get("/home")
    assert replay.status_code == 302, "a copied cookie must not outlive logout"
    row = db_session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.ended_at is not None and row.end_reason == "logout"


def test_password_change_ends_every_session(app, login_as, make_user, client, db_session):
    user = make_user()
    browser = login_as(user)
    other = app.test_client()
    from tests.conftest import Browser

    second = Browser(other)
    second.get("/login")
    assert second.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert second.get("/home").status_code == 200

    browser.get("/account")
    response = browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a much better passphrase",
            "confirm_password": "a much better passphrase",
        },
    )
    assert response.status_code == 302
    assert browser.get("/home").status_code == 302
    assert second.get("/home").status_code == 302, "other sessions end too"
    fresh = Browser(app.test_client())
    fresh.get("/login")
    assert fresh.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    assert (
        fresh.post(
            "/login", {"email": user.email, "password": "a much better passphrase"}
        ).status_code
        == 302
    )


def test_password_change_errors_are_beside_the_fields(login_as, make_user):
    user = make_user()
    browser = login_as(user)
    browser.get("/account")
    wrong = browser.post(
        "/account/password",
        {
            "current_password": "not-it-at-all",
            "new_password": "another fine passphrase",
            "confirm_password": "another fine passphrase",
        },
    )
    assert wrong.status_code == 422
    assert "Kata sandi saat ini salah." in wrong.get_data(as_text=True)
    common = browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "password123",
            "confirm_password": "password123",
        },
    )
    assert "terlalu umum" in common.get_data(as_text=True)
    short = browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert "minimal 8 karakter" in short.get_data(as_text=True)
    mismatch = browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "first long phrase",
            "confirm_password": "second long phrase",
        },
    )
    assert "tidak sama" in mismatch.get_data(as_text=True)
    assert browser.get("/home").status_code == 200, "failed changes keep the session"


def test_idle_session_expires(app, login_as, make_user, db_session):
    user = make_user()
    browser = login_as(user)
    row = db_session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at = row.last_seen_at - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    db_session.commit()
    assert browser.get("/home").status_code == 302
    db_session.refresh(row)
    assert row.end_reason == "idle_timeout"


def test_disabled_user_cannot_log_in(browser, make_user, db_session):
    user = make_user()
    user.is_active = False
    db_session.commit()
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert "tidak aktif" in response.get_data(as_text=True)


def test_open_redirect_is_refused(browser, make_user):
    user = make_user()
    browser.get("/login")
    response = browser.post(
        "/login?next=//evil.example/x", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/home")


def test_demo_users_refused_in_production(app, make_user, browser, db_session):
    user = make_user(is_demo=True)
    app.config["ALLOW_DEMO_USERS"] = False
    try:
        browser.get("/login")
        response = browser.post("/login", {"email": user.email, "password": PASSWORD})
        assert "Akun demo tidak dapat dipakai" in response.get_data(as_text=True)
    finally:
        app.config["ALLOW_DEMO_USERS"] = True
