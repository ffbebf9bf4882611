"""In a real headless Chromium: a registered, activated requester submits a ticket on
the portal, an agent answers it, and the requester confirms and rates the answer."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "pemohon@portal-browser.test"


def _registered_requester(live_app) -> None:
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.portal import services as portal

    with live_app.app_context():
        user, _ = portal.register(
            portal.Registration(
                name="Rina Bendahara Satker",
                email=EMAIL,
                phone="0812345678",
                user_type=1,
                satker_name="Satker Uji Peramban",
                satker_code="987654",
                password=PASSWORD,
            ),
            official_domains=live_app.config["HAI_OFFICIAL_DOMAINS"],
            now=utcnow(),
        )
        token = portal.activation_token(user, live_app.config["SECRET_KEY"])
        db.session.commit()
    return token


def _agent_answers(live_app, number: str) -> None:
    from sqlalchemy import select

    from hai.auth.models import User
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.tickets import services
    from hai.tickets.models import Ticket

    with live_app.app_context():
        agent = db.session.scalar(select(User).where(User.email == "agen@browser.test"))
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        services.take(ticket, actor=agent, now=utcnow())
        services.answer(
            ticket, "Silakan rekam data supplier melalui menu Referensi.", actor=agent, now=utcnow()
        )
        db.session.commit()


def test_requester_submits_confirms_and_rates(page, live_server, live_app):
    from playwright.sync_api import expect

    token = _registered_requester(live_app)

    # Before activation the login is refused with its own message.
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator(".flash-error")).to_contain_text("Akun belum diaktifkan")

    # The emailed link, then the button that activates.
    page.goto(f"{live_server}/daftar/aktivasi/{token}")
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page.locator("#flash-area")).to_contain_text("telah aktif")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server}/home")

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Ajukan Permintaan"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan permintaan")
    choice = page.locator("#service option", has_text="BCSM.02.01 ").get_attribute("value")
    page.locator("#service").select_option(choice)
    # The service's scopes arrive through htmx.
    scope = page.get_by_label("Ruang lingkup (opsional)")
    expect(scope.locator("option")).not_to_have_count(1)
    page.get_by_label("Subjek").press_sequentially("Cara rekam data supplier", delay=10)
    page.get_by_label("Uraian").fill("Mohon petunjuk merekam data supplier baru.")
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.locator("#flash-area")).to_contain_text("telah dikirim")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("HAI-")
    expect(heading).to_contain_text("Baru")
    number = heading.inner_text().split()[0]

    _agent_answers(live_app, number)

    page.reload()
    expect(page.locator("#linimasa")).to_contain_text("melalui menu Referensi")
    page.get_by_role("button", name="Jawaban sesuai, tutup tiket").click()
    expect(page.locator("#flash-area")).to_contain_text("tiket ditutup")
    expect(page.locator("h1 .badge")).to_have_text("Selesai")

    page.get_by_label("Nilai").select_option("5")
    page.get_by_label("Komentar").fill("Jawabannya jelas dan cepat.")
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator("#flash-area")).to_contain_text("Terima kasih atas penilaian Anda")
    expect(page.locator("#penilaian")).to_have_text("5/5 — Jawabannya jelas dan cepat.")

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Tiket Saya"
    ).click()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("Selesai")
    expect(row).not_to_contain_text("Beri penilaian")
