"""In a real headless Chromium: an L1 agent takes a call and escalates it to L2."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_catalog_browser import login

pytestmark = pytest.mark.browser


def test_l1_agent_takes_a_call_and_escalates_it(page, live_server):
    from playwright.sync_api import expect

    login(page, live_server, "agen@browser.test")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Catat Tiket"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catat tiket baru")
    page.get_by_label("Kanal").select_option("call_center")
    page.get_by_label("Nomor rekaman telepon").fill("REC-2026-0001")
    page.get_by_label("Nama pemohon").fill("Sri Operator Satker")
    page.get_by_label("Email").fill("sri@satker.go.id")
    page.get_by_label("Jenis pengguna").select_option("8")
    # Choose the scope by searching the catalog as you type.
    page.get_by_label("Cari layanan / ruang lingkup di katalog").press_sequentially(
        "reset password", delay=20
    )
    option = page.get_by_label(re.compile("ITSM.01.04.01.b"))
    expect(option).to_be_visible()
    option.check()
    page.get_by_label("Subjek").fill("Reset password SAKTI nonsatker")
    page.get_by_label("Uraian").fill("Pengguna tidak dapat masuk ke SAKTI.")
    page.get_by_role("button", name="Simpan tiket").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HAI-")
    expect(page.locator("#clocks")).to_contain_text("Tanggapan pertama")

    # Escalate to the SITP directorate's Layer 2.
    page.locator("summary", has_text="Eskalasi").click()
    page.get_by_label("Eskalasi ke").select_option("l2")
    page.get_by_label("Direktorat (Layer 2)").select_option(
        label="Direktorat Sistem Informasi dan Teknologi Perbendaharaan"
    )
    page.get_by_label("Ringkasan untuk penerima").fill("Mohon reset oleh admin SAKTI.")
    page.get_by_role("button", name="Eskalasi", exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text("dieskalasi ke Layer 2")
    expect(page.locator("h1 .badge")).to_have_text("Dieskalasi")
    expect(page.locator("#linimasa")).to_contain_text("Mohon reset oleh admin SAKTI.")
