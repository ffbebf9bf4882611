"""In a real headless Chromium: the Kepala Seksi edits a broadcast, sees the diff,
approves it and assigns the L1 agent who sends it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.test_catalog_browser import login

pytestmark = pytest.mark.browser


@pytest.fixture
def in_review(live_app):
    from sqlalchemy import select

    from hai.auth.models import User
    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.broadcasts import services
    from hai.broadcasts.models import RecipientGroup
    from hai.db_types import utcnow
    from hai.extensions import db

    with live_app.app_context():

        def user(email, role, **kw):
            found = db.session.scalar(select(User).where(User.email == email))
            return found or create_user(
                email=email,
                name=email.split("@")[0],
                password=PASSWORD,
                roles=[role],
                now=utcnow(),
                actor=None,
                actor_label="test",
                **kw,
            )

        kasi = user("kasi@browser.test", Role.KEPALA_SEKSI)
        l1 = user("agen@browser.test", Role.AGEN_L1)
        dit = user("dit.broadcast@kemenkeu.go.id", Role.PENGGUNA, user_type=8)
        group = db.session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
        b = services.submit(
            dit,
            services.BroadcastRequest(
                title="Pemeliharaan SPAN",
                purpose="Memberi tahu CSO.",
                content="SPAN tidak dapat diakses Sabtu 08.00-12.00 WIB.",
                channels=["portal"],
                group_ids=[group.id],
                contact_name="Budi Santoso",
                contact_position="Kepala Seksi (Eselon IV)",
                contact_email="budi@kemenkeu.go.id",
                contact_phone="021-3449230",
            ),
            now=utcnow(),
        )
        services.forward_to_kepala_seksi(b, "Lengkap.", actor=l1, now=utcnow())
        db.session.commit()
        return b.id, kasi.email


def test_kepala_seksi_edits_sees_the_diff_and_approves(page, live_server, in_review):
    from playwright.sync_api import expect

    broadcast_id, kasi_email = in_review
    login(page, live_server, kasi_email)
    page.goto(f"{live_server}/broadcasts/{broadcast_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Menunggu persetujuan")

    page.locator("summary", has_text="Sunting naskah").click()
    content = page.get_by_label("Isi broadcast")
    content.fill("SPAN tidak dapat diakses Sabtu 08.00-13.00 WIB.")
    page.get_by_label("Catatan perubahan").fill("Jam selesai dikoreksi")
    page.get_by_role("button", name="Simpan versi baru").click()
    expect(page.locator("#flash-area")).to_contain_text("versi baru")
    expect(page.locator("#naskah .diff-removed")).to_contain_text("08.00-12.00")
    expect(page.locator("#naskah .diff-added")).to_contain_text("08.00-13.00")

    page.locator("summary", has_text="Setujui dan tugaskan pengirim").click()
    page.get_by_label("Agen L1 yang mengirim").select_option(index=1)
    page.get_by_role("button", name="Setujui", exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text("disetujui")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Disetujui")
    expect(page.locator("#linimasa")).to_contain_text("versi 2")
