"""In a real headless Chromium: log in, browse the catalog, filter as you type."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def login(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home")


def test_login_browse_and_filter_catalog(page, live_server):
    from playwright.sync_api import expect

    login(page, live_server, "agen@browser.test")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Katalog Layanan"
    ).click()
    page.wait_for_url(re.compile(r"/catalog"))
    items = page.locator(".service-item")
    expect(items).to_have_count(19)  # the revision of 2023-06-30 is in force
    expect(page.locator(".result-summary")).to_contain_text("2023.1")

    # Typing filters without a page load (htmx), and the URL follows.
    page.get_by_label("Cari layanan atau ruang lingkup").press_sequentially("sakti", delay=30)
    expect(items).to_have_count(2)  # Layanan SAKTI and Layanan monSAKTI
    expect(page.locator("#catalog-results")).to_contain_text("Layanan SAKTI")
    expect(page).to_have_url(re.compile(r"q=sakti"))

    # A scope-level match shows the matching scope under its service.
    search = page.get_by_label("Cari layanan atau ruang lingkup")
    search.fill("")
    search.press_sequentially("reset password", delay=20)
    expect(items).to_have_count(1)
    expect(page.locator(".scope-hits")).to_contain_text("Reset Password User SAKTI")

    # Filtering by user type; the older version can be chosen.
    search.fill("")
    page.get_by_label("Jenis pengguna").select_option("4")
    expect(page.locator(".result-summary")).to_contain_text("jenis pengguna 4")
    old = page.locator("#catalog-version option", has_text="2023.0 ").get_attribute("value")
    page.get_by_label("Versi").select_option(old)
    expect(page.locator(".result-summary")).to_contain_text("2023.0")
    expect(page.locator("#catalog-results")).not_to_contain_text("ITSM.01 ")

    # Open a service: its scopes and access matrix are shown.
    page.get_by_label("Jenis pengguna").select_option("")
    page.get_by_role(
        "link", name=re.compile("BCSM.02 Layanan Konsultasi Teknis Perbendaharaan")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("BCSM.02")
    expect(page.locator("table").first).to_be_visible()
    expect(page.get_by_text("Konsultasi Teknis Manajemen Investasi")).to_be_visible()


def test_keyboard_only_login(page, live_server):
    from playwright.sync_api import expect

    page.goto(f"{live_server}/login")
    # The email field has focus on arrival (the browser applies autofocus on its next
    # rendering step, so wait for it as a user waits for the caret); tab to the
    # password and press Enter.
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("agen@browser.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/home")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
