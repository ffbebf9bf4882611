"""In a real headless Chromium on a phone-sized screen: a coordinator files a disaster
report; a first attempt with a missing field keeps everything typed."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(live_app):
    from sqlalchemy import select

    from hai.auth.models import User
    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.org.models import OrgUnit

    email = "bcm@browser.test"
    with live_app.app_context():
        if db.session.scalar(select(User).where(User.email == email)) is None:
            office = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))
            create_user(
                email=email,
                name="Fajar Koordinator",
                password=PASSWORD,
                roles=[Role.KOORDINATOR_BCM],
                unit_id=office.id,
                phone="0811",
                now=utcnow(),
                actor=None,
                actor_label="test",
            )
            db.session.commit()
    return email


def test_coordinator_files_a_report_on_a_phone(chromium, live_server, coordinator):
    from playwright.sync_api import expect

    context = chromium.new_context(
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("Email").fill(coordinator)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server}/home")
        page.goto(f"{live_server}/bencana/lapor")
        expect(page.get_by_role("heading", level=1)).to_have_text("Laporkan bencana")
        # The form fits the screen: nothing wider than the viewport.
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            """[...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > 361)
              .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                + Math.round(e.getBoundingClientRect().right))"""
        )
        assert width <= 360, f"page is {width}px wide on a 360px screen: {wide}"

        page.get_by_label("Jenis kejadian").select_option("flood")
        page.get_by_label("Uraian kejadian").fill("Banjir 50 cm di lantai dasar.")
        page.get_by_role("group", name="Aliran listrik tersedia").get_by_label("Tidak").check()
        page.get_by_role("button", name="Kirim laporan").click()
        # Missing location and answers: the page comes back with everything typed.
        expect(page.locator(".flash-error").first).to_contain_text("Periksa kembali")
        expect(page.get_by_label("Uraian kejadian")).to_have_value("Banjir 50 cm di lantai dasar.")
        expect(
            page.get_by_role("group", name="Aliran listrik tersedia").get_by_label("Tidak")
        ).to_be_checked()

        page.get_by_label("Lokasi", exact=True).fill("Jl. Malioboro, Yogyakarta")
        for group in page.locator("fieldset.checklist-item").all():
            if not group.locator("input[type=radio]:checked").count():
                group.get_by_label("Belum diketahui").check()
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.locator("#flash-area")).to_contain_text("diterima")
        expect(page.get_by_role("heading", level=1)).to_contain_text("BCN-")
        expect(page.locator("h1 .badge")).to_have_text("Diterima")
    finally:
        context.close()
