"""Registration, the official-domain rule, email activation and the login refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hai.auth.models import User
from hai.auth.roles import Role
from hai.auth.services import is_official_email
from hai.db_types import utcnow
from hai.tickets.models import Requester
from tests.portal.conftest import PASSWORD, activation_links, register_form

DOMAINS = ("kemenkeu.go.id", "depkeu.go.id", "customs.go.id", "pajak.go.id")


@pytest.mark.parametrize(
    ("email", "official"),
    [
        ("budi@kemenkeu.go.id", True),
        ("Budi@KEMENKEU.GO.ID", True),
        ("budi@djpb.kemenkeu.go.id", True),
        ("budi@kppn019.djpb.kemenkeu.go.id", True),
        ("budi@pajak.go.id", True),
        ("budi@notkemenkeu.go.id", False),
        ("budi@kemenkeu.go.id.evil.com", False),
        ("budi@gmail.com", False),
        ("kemenkeu.go.id", False),
        ("", False),
    ],
)
def test_is_official_email(email, official):
    assert is_official_email(email, DOMAINS) is official


def test_is_official_email_takes_a_comma_separated_string():
    assert is_official_email("a@x.depkeu.go.id", "kemenkeu.go.id, depkeu.go.id")
    assert not is_official_email("a@gmail.com", "kemenkeu.go.id,depkeu.go.id")


def test_official_domains_are_configurable(app):
    assert app.config["HAI_OFFICIAL_DOMAINS"] == DOMAINS


def test_registration_creates_an_unactivated_account_and_its_requester(browser, db_session):
    page = browser.get("/daftar")
    assert page.status_code == 200
    assert "Daftar akun Portal HAI-DJPb" in page.get_data(as_text=True)
    response = browser.post("/daftar", register_form())
    assert response.status_code == 200
    assert "Periksa email Anda" in response.get_data(as_text=True)
    user = db_session.scalar(select(User).where(User.email == "sari@satker-uji.go.id"))
    assert user.activation_pending is True
    assert user.roles == frozenset({Role.PENGGUNA})
    assert user.user_type == 1
    requester = db_session.scalar(select(Requester).where(Requester.user_id == user.id))
    assert (requester.satker_name, requester.satker_code) == ("Satker Uji Kementerian", "123456")
    assert requester.email == user.email
    [link] = activation_links(db_session, user.email)
    assert link.startswith("/daftar/aktivasi/")


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"name": ""}, "name", "Wajib diisi"),
        ({"email": "bukan-email"}, "email", "tidak valid"),
        ({"user_type": ""}, "user_type", "Wajib diisi"),
        ({"user_type": "12"}, "user_type", ""),
        ({"confirm_password": "lain-sama-sekali"}, "confirm_password", "tidak sama"),
        ({"password": "pendek", "confirm_password": "pendek"}, "password", ""),
        ({"user_type": "2", "email": "kppn@gmail.com"}, "email", "email kedinasan"),
        ({"user_type": "3", "email": "kanwil@satker-uji.go.id"}, "email", "email kedinasan"),
        ({"user_type": "8", "email": "dit@kemenkeu.go.id.evil.test"}, "email", "email kedinasan"),
        ({"user_type": "9", "email": "pimpinan@yahoo.co.id"}, "email", "email kedinasan"),
    ],
)
def test_registration_errors_are_shown_beside_their_field(
    browser, db_session, overrides, field_id, message
):
    browser.get("/daftar")
    response = browser.post("/daftar", register_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in html
    error = html.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert db_session.scalar(select(User).where(User.email.like("%satker-uji%"))) is None
    assert not activation_links(db_session, register_form(**overrides)["email"])


def test_djpb_user_types_register_with_an_official_address(browser, db_session):
    browser.get("/daftar")
    response = browser.post(
        "/daftar", register_form(user_type="2", email="kppn.jakarta1@djpb.kemenkeu.go.id")
    )
    assert response.status_code == 200
    user = db_session.scalar(select(User).where(User.email == "kppn.jakarta1@djpb.kemenkeu.go.id"))
    assert user.user_type == 2


def test_an_email_already_registered_is_refused_beside_the_field(browser, requester):
    browser.get("/daftar")
    response = browser.post("/daftar", register_form(email=requester.email))
    assert response.status_code == 422
    assert "sudah terdaftar" in response.get_data(as_text=True)


def test_unactivated_account_cannot_log_in_and_is_told_why(browser, register):
    user = register("belum@satker-uji.go.id", activate=False)
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Akun belum diaktifkan — buka tautan aktivasi di email Anda" in html
    assert "kirim ulang tautan" in html.lower()
    # A wrong password says nothing about the account's state.
    response = browser.post("/login", {"email": user.email, "password": "salah-sama-sekali"})
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)


def test_activation_link_works_once(browser, db_session):
    browser.get("/daftar")
    browser.post("/daftar", register_form())
    [link] = activation_links(db_session, "sari@satker-uji.go.id")

    page = browser.get(link)
    assert page.status_code == 200
    assert "Aktifkan akun" in page.get_data(as_text=True)
    # Opening the link (a GET, as mail scanners do) changes nothing.
    user = db_session.scalar(select(User).where(User.email == "sari@satker-uji.go.id"))
    assert user.activation_pending is True

    response = browser.post(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    db_session.refresh(user)
    assert user.activation_pending is False

    again = browser.get(link)
    assert again.status_code == 400
    assert "sudah dipakai" in again.get_data(as_text=True)
    assert browser.post(link).status_code == 400

    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_activation_needs_the_csrf_token(browser, db_session):
    browser.get("/daftar")
    browser.post("/daftar", register_form())
    [link] = activation_links(db_session, "sari@satker-uji.go.id")
    assert browser.post(link, csrf=False).status_code == 400
    user = db_session.scalar(select(User).where(User.email == "sari@satker-uji.go.id"))
    assert user.activation_pending is True


def test_tampered_link_is_refused(browser, db_session):
    browser.get("/daftar")
    browser.post("/daftar", register_form())
    [link] = activation_links(db_session, "sari@satker-uji.go.id")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert browser.get(tampered).status_code == 400
    assert browser.post(tampered).status_code == 400
    assert browser.get("/daftar/aktivasi/sembarang").status_code == 400
    user = db_session.scalar(select(User).where(User.email == "sari@satker-uji.go.id"))
    assert user.activation_pending is True


def test_a_token_signed_with_another_key_or_salt_is_refused(app, register):
    from itsdangerous import URLSafeTimedSerializer

    from hai.portal import services as portal

    user = register("kunci@satker-uji.go.id", activate=False)
    payload = {"u": user.id, "v": user.version}
    for token in (
        URLSafeTimedSerializer("kunci-lain", salt=portal.ACTIVATION_SALT).dumps(payload),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="garam-lain").dumps(payload),
    ):
        with pytest.raises(portal.ActivationError, match="tidak sah"):
            portal.user_for_token(token, secret_key=app.config["SECRET_KEY"], now=utcnow())


def test_expired_link_is_refused(app, browser, register):
    from hai.portal import services as portal

    user = register("kedaluwarsa@satker-uji.go.id", activate=False)
    token = portal.activation_token(user, app.config["SECRET_KEY"])
    secret = app.config["SECRET_KEY"]
    later = utcnow() + timedelta(hours=48, minutes=1)
    with pytest.raises(portal.ActivationError, match="kedaluwarsa"):
        portal.activate(token, secret_key=secret, now=later)
    # Still valid just before the 48 hours are up.
    assert portal.user_for_token(token, secret_key=secret, now=utcnow() + timedelta(hours=47))


def test_resend_does_not_reveal_whether_an_address_is_registered(browser, db_session, register):
    pending = register("tunda@satker-uji.go.id", activate=False)
    active = register("aktif@satker-uji.go.id")
    answers = []
    for email in (pending.email, active.email, "tidak-ada@satker-uji.go.id"):
        browser.get("/daftar/kirim-ulang")
        response = browser.post("/daftar/kirim-ulang", {"email": email})
        assert response.status_code == 302
        answers.append(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert all("Jika alamat itu terdaftar" in a for a in answers)
    assert len(activation_links(db_session, pending.email)) == 1  # none at registration here
    assert not activation_links(db_session, active.email)
    assert not activation_links(db_session, "tidak-ada@satker-uji.go.id")
    # A second request at once does not send another (one per window).
    browser.post("/daftar/kirim-ulang", {"email": pending.email})
    assert len(activation_links(db_session, pending.email)) == 1


def test_resent_link_activates(browser, db_session, register):
    user = register("ulang@satker-uji.go.id", activate=False)
    browser.get("/daftar/kirim-ulang")
    browser.post("/daftar/kirim-ulang", {"email": user.email})
    [link] = activation_links(db_session, user.email)
    browser.get(link)
    assert browser.post(link).status_code == 302
    db_session.refresh(user)
    assert not user.activation_pending


def test_resend_and_register_need_csrf(browser):
    browser.get("/daftar")
    assert browser.post("/daftar", register_form(), csrf=False).status_code == 400
    assert (
        browser.post("/daftar/kirim-ulang", {"email": "a@b.go.id"}, csrf=False).status_code == 400
    )


def test_portal_requires_the_requester_role(make_user, login_as):
    browser = login_as(make_user(Role.AGEN_L1))
    assert browser.get("/portal").status_code == 403
    assert browser.get("/portal/baru").status_code == 403


def test_official_badge_on_portal_pages(register, portal_login):
    official = register("resmi@djpb.kemenkeu.go.id", user_type=2)
    browser = portal_login(official)
    assert "Email kedinasan" in browser.get("/portal").get_data(as_text=True)
    assert "Email kedinasan" in browser.get("/portal/baru").get_data(as_text=True)


def test_no_official_badge_for_other_addresses(requester, portal_login):
    browser = portal_login(requester)
    assert "Email kedinasan" not in browser.get("/portal").get_data(as_text=True)


def test_one_address_may_register_only_so_many_accounts_an_hour(
    app, browser, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "HAI_REGISTRATIONS_PER_HOUR", 2)
    browser.get("/daftar")
    for n in range(2):
        response = browser.post("/daftar", register_form(email=f"orang{n}@satker-uji.go.id"))
        assert response.status_code == 200 and "Periksa email Anda" in response.get_data(
            as_text=True
        )
    refused = browser.post("/daftar", register_form(email="orang9@satker-uji.go.id"))
    assert refused.status_code == 422
    assert "Terlalu banyak pendaftaran" in refused.get_data(as_text=True)
    assert db_session.scalar(select(User).where(User.email == "orang9@satker-uji.go.id")) is None
