"""In a real headless Chromium: the working calendar (with an administrator's
exception added through htmx) and the SLA preview."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_catalog_browser import login

pytestmark = pytest.mark.browser


def test_admin_adds_a_day_off_and_the_month_shows_it(page, live_server):
    from playwright.sync_api import expect

    login(page, live_server, "admin@browser.test")
    page.goto(f"{live_server}/calendar?year=2026&month=8")
    expect(page.locator("#month-title")).to_have_text("Agustus 2026")
    expect(page.locator(".month-grid")).to_contain_text("Hari Kemerdekaan Republik Indonesia")

    # Month navigation swaps only the month (htmx) and keeps the URL in step.
    page.get_by_role("link", name="Bulan berikutnya").click()
    expect(page.locator("#month-title")).to_have_text("September 2026")
    expect(page).to_have_url(re.compile(r"month=9"))
    page.get_by_role("link", name="Bulan sebelumnya").click()
    expect(page.locator("#month-title")).to_have_text("Agustus 2026")

    # A wrong exception: the message appears beside the field, nothing is saved.
    page.get_by_label("Mulai tanggal").fill("2026-08-20")
    page.get_by_label("Jenis").select_option("hours")
    page.get_by_label("Alasan / dasar").fill("Uji jam khusus")
    page.get_by_role("button", name="Simpan pengecualian").click()
    expect(page.locator("#exception-form .field-error").first).to_contain_text("Jam buka")

    # A day off: saved, shown in the grid and in the list, announced.
    page.get_by_label("Mulai tanggal").fill("2026-08-20")
    page.get_by_label("Jenis").select_option("day_off")
    page.get_by_label("Alasan / dasar").fill("Kantor tutup (uji peramban)")
    page.get_by_role("button", name="Simpan pengecualian").click()
    expect(page.locator("#calendar-page .flash")).to_contain_text("Pengecualian kalender disimpan")
    expect(page.locator(".month-grid")).to_contain_text("Kantor tutup (uji peramban)")
    expect(page.locator("#month")).to_contain_text("18 hari kerja")


def test_agent_previews_due_dates(page, live_server):
    from playwright.sync_api import expect

    login(page, live_server, "agen@browser.test")
    page.goto(f"{live_server}/sla/preview")
    page.get_by_label("Diterima (WIB)").fill("2026-03-06T15:30")
    page.get_by_label("Kanal").select_option("portal")
    page.get_by_role("button", name="Hitung").click()
    result = page.locator("#preview-result")
    expect(result).to_contain_text("9 Maret 2026 08.30 WIB")  # Friday 15:30 + 1 h
    expect(result).to_contain_text("Sabtu")
    # Changing a field recomputes without a page load.
    page.get_by_label("Prioritas ditetapkan agen").select_option("P6")
    expect(result).to_contain_text("tanpa batas waktu tetap")
