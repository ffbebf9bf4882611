"""Sessions (idle and absolute limits, ended on the server by password changes) and the
security headers of every kind of response, in development and in production."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hai import create_app
from hai.auth.models import UserSession
from hai.auth.roles import Role
from hai.config import ProductionConfig, TestingConfig
from tests.factories import PASSWORD

# --- sessions ---------------------------------------------------------------------------


def test_session_limits_come_from_the_environment():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        HAI_SESSION_IDLE_MINUTES="45",
        HAI_SESSION_MAX_HOURS="8",
        HAI_PASSWORD_RESET_MINUTES="20",
    )
    code = (
        "from hai.config import BaseConfig as c; "
        "print(c.SESSION_IDLE_TIMEOUT.seconds, c.SESSION_ABSOLUTE_TIMEOUT.seconds, "
        "c.PASSWORD_RESET_LIFETIME.seconds)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["2700", "28800", "1200"], out.stderr
    assert timedelta(minutes=30) == TestingConfig.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=10) == TestingConfig.SESSION_ABSOLUTE_TIMEOUT


def _session_row(db_session, user) -> UserSession:
    return db_session.scalar(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id.desc())
    )


def test_an_active_session_still_ends_at_the_absolute_limit(app, signed_in, make_user, db_session):
    user = make_user()
    browser = signed_in(user)
    row = _session_row(db_session, user)
    # Busy all day: seen a moment ago, but started longer ago than the absolute limit.
    row.created_at = row.created_at - app.config["SESSION_ABSOLUTE_TIMEOUT"] - timedelta(minutes=1)
    db_session.commit()
    assert browser.get("/home").status_code == 302
    db_session.refresh(row)
    assert row.end_reason == "absolute_timeout"


def test_a_session_used_within_the_idle_limit_lives_on(app, signed_in, make_user, db_session):
    user = make_user()
    browser = signed_in(user)
    row = _session_row(db_session, user)
    row.last_seen_at = row.last_seen_at - app.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=2)
    db_session.commit()
    assert browser.get("/home").status_code == 200
    db_session.refresh(row)
    assert row.ended_at is None


@pytest.mark.parametrize("how", ["own_change", "admin_reset"])
def test_a_password_change_ends_every_session_of_the_user(how, signed_in, make_user, db_session):
    user = make_user()
    devices = [signed_in(user), signed_in(user)]
    if how == "own_change":
        devices[0].get("/account")
        response = devices[0].post(
            "/account/password",
            {
                "current_password": PASSWORD,
                "new_password": "frasa sandi yang baru",
                "confirm_password": "frasa sandi yang baru",
            },
        )
    else:
        admin = signed_in(make_user(Role.ADMIN))
        admin.get(f"/admin/users/{user.id}")
        response = admin.post(
            f"/admin/users/{user.id}/password", {"password": "frasa sandi yang baru"}
        )
        assert admin.get("/home").status_code == 200, "the administrator's session stays"
    assert response.status_code == 302
    assert [d.get("/home").status_code for d in devices] == [302, 302]
    rows = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert rows and all(r.ended_at is not None for r in rows)


def test_a_new_session_id_on_login(app, client, make_user, login_as):
    """No session fixation: what was in the cookie before login is not kept."""
    user = make_user()
    with client.session_transaction() as before:
        before["planted"] = "x"
    login_as(user)
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("sid")


# --- headers ----------------------------------------------------------------------------

EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def assert_headers(response, *, production: bool):
    csp = response.headers["Content-Security-Policy"]
    assert {d.strip() for d in csp.split(";")} == EXPECTED_CSP
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    hsts = response.headers.get("Strict-Transport-Security")
    if production:
        assert hsts == "max-age=31536000; includeSubDomains"
    else:
        assert hsts is None


@pytest.fixture
def production_client(app, monkeypatch):
    """The same database under the production configuration (demo users refused)."""
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 40)
    prod = create_app(
        ProductionConfig,
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": app.config["INSTANCE_PATH"],
            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "PASSWORD_HASH_FAST": True,
        },
    )
    yield prod.test_client()
    from hai.auth.passwords import use_fast_hashing

    use_fast_hashing(True)
    with prod.app_context():
        from hai.extensions import db

        db.engine.dispose()


def _responses(client, api_secret: str) -> dict:
    responses = {
        "page": client.get("/login"),
        "static": client.get("/static/js/hai.js"),
        "error": client.get("/halaman-yang-tidak-ada"),
        "api": client.get("/api/v1/catalog", headers={"Authorization": f"Bearer {api_secret}"}),
        "api_error": client.get("/api/v1/catalog"),
    }
    for response in responses.values():
        response.close()
    return responses


def _token(db_session) -> str:
    from hai.api.tokens import issue_token
    from hai.db_types import utcnow

    _, secret = issue_token("Uji header", now=utcnow())
    db_session.commit()
    return secret


def test_headers_on_a_page_a_static_file_the_api_and_an_error_page(client, db_session):
    responses = _responses(client, _token(db_session))
    assert [r.status_code for r in responses.values()] == [200, 200, 404, 200, 401]
    for response in responses.values():
        assert_headers(response, production=False)
    assert responses["api"].is_json and responses["api_error"].is_json
    assert responses["page"].headers["Cache-Control"] == "no-store"
    assert responses["api"].headers["Cache-Control"] == "no-store"
    assert "no-store" not in responses["static"].headers.get("Cache-Control", "")


def test_production_adds_hsts_and_secure_cookies(production_client, db_session, make_user):
    responses = _responses(production_client, _token(db_session))
    assert [r.status_code for r in responses.values()] == [200, 200, 404, 200, 401]
    for response in responses.values():
        assert_headers(response, production=True)
    user = make_user()
    page = production_client.get("/login", base_url="https://localhost")
    from tests.conftest import csrf_from

    response = production_client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "hai_session=" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookies_are_http_only_and_lax_but_not_secure(client, make_user, login_as):
    user = make_user()
    client.get("/login")
    browser = login_as(user)
    assert browser.get("/home").status_code == 200
    cookie = client.get_cookie("hai_session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
