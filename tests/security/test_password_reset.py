"""'Lupa kata sandi': the same answer for every address, links by email from
HAI_PUBLIC_URL, single-use and short-lived, the password policy, rate limits, every
session ended, an audit trail, and no link in any log."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.auth import resets
from hai.auth.models import PasswordReset, UserSession
from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.mail.models import OutboxMessage
from tests.conftest import Browser
from tests.factories import PASSWORD

LINK_RE = re.compile(r"http://localhost:5000(/lupa-sandi/[A-Za-z0-9_\-]+)")
NEW = "kuda-baterai-staples-benar"
SAME_ANSWER = "Jika alamat itu terdaftar pada akun yang aktif"


def links_to(db_session, email: str) -> list[str]:
    rows = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == email).order_by(OutboxMessage.id)
    )
    return [m for row in rows for m in LINK_RE.findall(row.body)]


def ask(browser, email: str):
    browser.get("/lupa-sandi")
    return browser.post("/lupa-sandi", {"email": email})


def choose(browser, link: str, password: str = NEW, confirm: str | None = None):
    browser.get(link)
    return browser.post(link, {"password": password, "confirm_password": confirm or password})


def can_log_in(app, email: str, password: str) -> bool:
    fresh = Browser(app.test_client())
    fresh.get("/login")
    return fresh.post("/login", {"email": email, "password": password}).status_code == 302


def test_login_page_offers_it(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert 'href="/lupa-sandi"' in page and "Lupa kata sandi?" in page
    form = browser.get("/lupa-sandi").get_data(as_text=True)
    assert "Lupa kata sandi" in form and "Kirim tautan" in form


def test_the_answer_is_the_same_whether_or_not_the_account_exists(browser, make_user, db_session):
    user = make_user()
    disabled = make_user()
    disabled.is_active = False
    db_session.commit()
    answers = []
    for email in (user.email, "tidak-ada@test.hai", disabled.email):
        response = ask(browser, email)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/login")
        answers.append(browser.get("/login").get_data(as_text=True))
    assert all(SAME_ANSWER in a for a in answers)
    assert len(links_to(db_session, user.email)) == 1
    assert links_to(db_session, "tidak-ada@test.hai") == []
    assert links_to(db_session, disabled.email) == [], "a disabled account gets no link"


def test_the_link_comes_from_the_configured_address_not_the_host_header(
    app, browser, make_user, db_session
):
    user = make_user()
    forged = {"Host": "penyerang.example"}
    browser.get("/lupa-sandi", headers=forged)
    assert browser.post("/lupa-sandi", {"email": user.email}, headers=forged).status_code == 302
    [message] = db_session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    assert "penyerang.example" not in message.body
    assert "http://localhost:5000/lupa-sandi/" in message.body
    assert "berlaku 30 menit" in message.body and message.subject == "Atur ulang kata sandi HAI"
    app.config["HAI_PUBLIC_URL"] = "https://hai.kemenkeu.go.id"
    try:
        resets_sent = resets.request_reset(
            user.email,
            now=utcnow() + timedelta(seconds=1),
            ip="10.0.0.9",
            policy=resets.ResetPolicy(timedelta(minutes=30), 3, 10),
        )
        assert resets_sent is not None
        with app.test_request_context():
            from hai.surveys.jobs import public_url

            link = public_url("auth.reset_password", token=resets_sent[1])
        assert link.startswith("https://hai.kemenkeu.go.id/lupa-sandi/")
    finally:
        app.config["HAI_PUBLIC_URL"] = ""


def test_the_link_sets_a_new_password_once_and_ends_every_session(
    app, browser, make_user, signed_in, db_session
):
    user = make_user()
    elsewhere = signed_in(user)  # a session on another device
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)

    page = browser.get(link)
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)
    # Opening the link (a GET, as mail scanners do) spends nothing.
    assert browser.get(link).status_code == 200

    response = choose(browser, link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert can_log_in(app, user.email, NEW)
    assert not can_log_in(app, user.email, PASSWORD)
    assert elsewhere.get("/home").status_code == 302, "other sessions end"
    ended = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert any(s.end_reason == "password_reset_by_email" for s in ended)

    again = browser.get(link)
    assert again.status_code == 400
    assert "sudah dipakai" in again.get_data(as_text=True)
    assert choose(browser, link, "yet-another-good-phrase").status_code == 400
    assert can_log_in(app, user.email, NEW)

    actions = set(
        db_session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("auth.password_reset%"))
        )
    )
    assert {
        "auth.password_reset_requested",
        "auth.password_reset_sent",
        "auth.password_reset_completed",
        "auth.password_reset_refused",
    } <= actions


def test_only_the_hash_of_the_token_is_stored(browser, make_user, db_session):
    user = make_user()
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)
    token = link.rsplit("/", 1)[1]
    row = db_session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert row.token_hash != token and len(row.token_hash) == 64
    assert token not in str(db_session.scalars(select(AuditEvent.details)).all()), (
        "the token is in no audit row"
    )


def test_the_link_expires(app, browser, make_user, db_session):
    user = make_user()
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)
    token = link.rsplit("/", 1)[1]
    lifetime = app.config["PASSWORD_RESET_LIFETIME"]
    assert lifetime == timedelta(minutes=30)
    assert resets.link_for(token, now=utcnow() + lifetime - timedelta(minutes=1))
    with pytest.raises(resets.ResetError, match="kedaluwarsa"):
        resets.complete_reset(token, NEW, now=utcnow() + lifetime, ip="")
    row = db_session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    page = browser.get(link)
    assert page.status_code == 400 and "kedaluwarsa" in page.get_data(as_text=True)


def test_a_newer_link_or_a_password_change_spends_the_older_one(
    app, browser, make_user, db_session
):
    user = make_user()
    policy = resets.ResetPolicy(timedelta(minutes=30), 3, 10)
    now = utcnow()
    _, first = resets.request_reset(user.email, now=now, ip="10.1.1.1", policy=policy)
    _, second = resets.request_reset(
        user.email, now=now + timedelta(seconds=1), ip="10.1.1.1", policy=policy
    )
    db_session.commit()
    with pytest.raises(resets.ResetError, match="sudah dipakai"):
        resets.link_for(first, now=now + timedelta(seconds=2))
    assert resets.link_for(second, now=now + timedelta(seconds=2))
    # The user changes the password while signed in: the open link stops working.
    user.password_changed_at = now + timedelta(seconds=3)
    db_session.commit()
    with pytest.raises(resets.ResetError):
        resets.link_for(second, now=now + timedelta(seconds=4))


def test_the_new_password_obeys_the_policy(browser, make_user, db_session):
    user = make_user(name="Budi Santoso")
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)
    for password, message in [
        ("pendek", "minimal 8 karakter"),
        ("password123", "terlalu umum"),
        (user.email, "tidak boleh sama dengan alamat email"),
        ("x" * 129, "Maksimal 128 karakter"),
    ]:
        response = choose(browser, link, password)
        assert response.status_code == 422, password
        assert message in response.get_data(as_text=True), password
    mismatch = choose(browser, link, NEW, NEW + "!")
    assert mismatch.status_code == 422 and "tidak sama" in mismatch.get_data(as_text=True)
    assert choose(browser, link).status_code == 302, "the link survives refused attempts"


def test_requests_are_limited_per_account_silently(browser, make_user, db_session):
    user = make_user()
    for _ in range(5):
        response = ask(browser, user.email)
        assert response.status_code == 302
    assert len(links_to(db_session, user.email)) == 3
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "auth.password_reset_throttled")
        )
        == 2
    )


def test_requests_are_limited_per_network_address(browser, make_user, db_session):
    for n in range(10):
        assert ask(browser, f"orang{n}@test.hai").status_code == 302
    user = make_user()
    refused = ask(browser, user.email)
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert links_to(db_session, user.email) == []
    other_address = Browser(browser.client.application.test_client())
    other_address.get("/lupa-sandi")
    response = other_address.post(
        "/lupa-sandi", {"email": user.email}, environ_base={"REMOTE_ADDR": "10.2.2.2"}
    )
    assert response.status_code == 302
    assert len(links_to(db_session, user.email)) == 1


def test_a_reset_lifts_the_login_throttle_of_the_account(app, browser, make_user, db_session):
    user = make_user()
    fresh = Browser(app.test_client())
    fresh.get("/login")
    for _ in range(5):
        fresh.post("/login", {"email": user.email, "password": "salah-salah-salah"})
    assert fresh.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)
    assert choose(browser, link).status_code == 302
    assert can_log_in(app, user.email, NEW)


def test_unactivated_and_demo_accounts_in_production_get_no_link(
    app, browser, make_user, db_session
):
    pending = make_user(Role.PENGGUNA)
    pending.activation_pending = True
    demo = make_user(is_demo=True)
    db_session.commit()
    app.config["ALLOW_DEMO_USERS"] = False
    try:
        ask(browser, pending.email)
        ask(browser, demo.email)
    finally:
        app.config["ALLOW_DEMO_USERS"] = True
    assert links_to(db_session, pending.email) == [] and links_to(db_session, demo.email) == []


def test_forms_need_csrf_and_unknown_links_are_refused(browser, make_user, db_session):
    user = make_user()
    browser.get("/lupa-sandi")
    assert browser.post("/lupa-sandi", {"email": user.email}, csrf=False).status_code == 400
    assert links_to(db_session, user.email) == []
    ask(browser, user.email)
    [link] = links_to(db_session, user.email)
    browser.get(link)
    refused = browser.post(link, {"password": NEW, "confirm_password": NEW}, csrf=False)
    assert refused.status_code == 400
    assert browser.get("/lupa-sandi/sembarang").status_code == 400
    assert browser.get("/lupa-sandi/" + "a" * 300).status_code == 400


def test_reset_links_are_kept_out_of_access_logs():
    from hai.web.logredact import RedactSecretPaths

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '"%s" 200 -',
        ("GET /lupa-sandi/rahasia123 HTTP/1.1",),
        None,
    )
    RedactSecretPaths().filter(record)
    assert "rahasia123" not in record.getMessage()
    assert "/lupa-sandi/[disembunyikan]" in record.getMessage()
