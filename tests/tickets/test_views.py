"""Ticket pages as agents see them: intake, actions, queues, conflicts, confidentiality."""

from __future__ import annotations

import gc
import io
import re

import pytest
from sqlalchemy import select

from hai.tickets.models import Level, Ticket, TicketStatus
from tests.tickets.conftest import scope, unit


def html(response) -> str:
    return response.get_data(as_text=True)


def row_version(page: str) -> str:
    return re.search(r'name="row_version" type="hidden" value="(\d+)"', page).group(1)


def intake(browser, db_session, **overrides):
    browser.get("/tickets/new")
    data = {
        "channel": "call_center",
        "received_at": "2026-03-02T09:00",
        "recording_ref": "REC-1",
        "requester_name": "Sri Operator",
        "requester_email": "sri@satker.go.id",
        "requester_phone": "0811",
        "requester_user_type": "8",
        "satker_name": "Dit. PA",
        "satker_code": "999999",
        "scope": f"scope:{scope(db_session, 'ITSM.01.04.01.a').id}",
        "ticket_type": "question",
        "subject": "Reset akun SAKTI",
        "description": "Akun terkunci.",
    }
    data.update(overrides)
    return browser.post("/tickets/new", data)


def test_agent_takes_a_call(staff, login_as, db_session):
    browser = login_as(staff["l1"])
    response = intake(browser, db_session)
    assert response.status_code == 302
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI"))
    assert ticket.assignee_id == staff["l1"].id and ticket.recording_ref == "REC-1"
    page = html(browser.get(f"/tickets/{ticket.id}"))
    assert ticket.number in page and "Tanggapan pertama" in page
    assert "Sri Operator" in page


def test_intake_errors_stay_beside_the_fields(staff, login_as, db_session):
    browser = login_as(staff["l1"])
    before = db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
    response = intake(browser, db_session, requester_name="", subject="")
    assert response.status_code == 422
    page = html(response)
    assert page.count("Wajib diisi.") >= 2
    future = intake(browser, db_session, received_at="2099-01-01T09:00")
    assert future.status_code == 422
    assert "tidak boleh di masa depan" in html(future)
    assert db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) == before


def test_lookups_as_you_type(staff, login_as, db_session):
    browser = login_as(staff["l1"])
    intake(browser, db_session)
    found = html(browser.htmx_get("/tickets/requesters?requester_name=Sri"))
    assert "Sri Operator" in found and "data-fill" in found
    scopes = html(browser.htmx_get("/tickets/scopes?scope_q=reset+password"))
    assert "Reset Password User SAKTI" in scopes


def test_escalate_to_l2_and_l2_sees_it_in_the_team_queue(staff, login_as, db_session, app):
    l1 = login_as(staff["l1"])
    intake(l1, db_session)
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI"))
    page = html(l1.get(f"/tickets/{ticket.id}"))
    response = l1.post(
        f"/tickets/{ticket.id}/act/escalate",
        {
            "to": "l2",
            "team_unit_id": str(unit(db_session, "DIT-SITP").id),
            "note": "Perlu analisis.",
            "row_version": row_version(page),
        },
    )
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert ticket.level is Level.L2 and ticket.status is TicketStatus.ESCALATED

    from tests.conftest import Browser
    from tests.factories import PASSWORD

    l2 = Browser(app.test_client())
    l2.get("/login")
    l2.post("/login", {"email": staff["l2"].email, "password": PASSWORD})
    queue = html(l2.get("/tickets?queue=team"))
    assert ticket.number in queue
    # Another directorate's L2 does not see it.
    other = Browser(app.test_client())
    other.get("/login")
    other.post("/login", {"email": staff["l2_other"].email, "password": PASSWORD})
    assert other.get(f"/tickets/{ticket.id}").status_code == 404
    assert ticket.number not in html(other.get("/tickets?queue=all"))


def test_second_save_on_a_stale_page_is_refused(staff, login_as, db_session, app):
    l1 = login_as(staff["l1"])
    intake(l1, db_session)
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI"))
    stale = row_version(html(l1.get(f"/tickets/{ticket.id}")))
    first = l1.post(
        f"/tickets/{ticket.id}/act/note", {"body": "Catatan pertama", "row_version": stale}
    )
    assert first.status_code == 302
    second = l1.post(f"/tickets/{ticket.id}/act/reply", {"body": "Balasan", "row_version": stale})
    assert second.status_code == 409
    assert "telah diubah oleh petugas lain" in html(second)
    db_session.refresh(ticket)
    assert [e.body for e in ticket.events].count("Balasan") == 0


def test_confidential_complaint_hidden_from_other_agents(staff, login_as, db_session, app):
    l1 = login_as(staff["l1"])
    intake(
        l1,
        db_session,
        scope=f"scope:{scope(db_session, 'WBSM.01.01').id}",
        subject="Pengaduan kode etik",
        requester_user_type="7",
    )
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Pengaduan kode etik"))
    assert ticket.confidential
    from tests.conftest import Browser
    from tests.factories import PASSWORD

    def browser_for(user):
        b = Browser(app.test_client())
        b.get("/login")
        b.post("/login", {"email": user.email, "password": PASSWORD})
        return b

    other = browser_for(staff["l1b"])
    assert other.get(f"/tickets/{ticket.id}").status_code == 404
    assert "Pengaduan kode etik" not in html(other.get("/tickets?queue=all&q=kode"))
    assert browser_for(staff["manajer"]).get(f"/tickets/{ticket.id}").status_code == 200
    assert browser_for(staff["l1"]).get(f"/tickets/{ticket.id}").status_code == 200  # assignee


# Werkzeug's test client spools a request body this large to a temporary file that it
# never closes; collect it here so the warning does not surface in a later test.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_oversize_and_disguised_attachments_are_refused(staff, login_as, db_session, app):
    l1 = login_as(staff["l1"])
    disguised = intake(
        l1, db_session, attachments=(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 100), "surat.pdf")
    )
    assert disguised.status_code == 422
    assert "surat.pdf" in html(disguised)
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (15 * 1024 * 1024 + 1))
    oversize = intake(l1, db_session, attachments=(big, "besar.pdf"))
    assert oversize.status_code in (413, 422)
    assert "15 MB" in html(oversize)
    del oversize, big
    gc.collect()
    assert db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI")) is None
    ok = intake(l1, db_session, attachments=(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "bukti.pdf"))
    assert ok.status_code == 302
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI"))
    page = html(l1.get(f"/tickets/{ticket.id}"))
    link = re.search(r'href="(/tickets/\d+/attachments/\d+)"', page).group(1)
    download = l1.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.get_data() == b"%PDF-1.4\n%%EOF\n"
    download.close()


def test_manager_bulk_assigns(staff, login_as, db_session, app):
    l1 = login_as(staff["l1"])
    intake(l1, db_session, subject="Satu")
    intake(l1, db_session, subject="Dua")
    ids = [
        t.id for t in db_session.scalars(select(Ticket).where(Ticket.subject.in_(["Satu", "Dua"])))
    ]
    from tests.conftest import Browser
    from tests.factories import PASSWORD

    manager = Browser(app.test_client())
    manager.get("/login")
    manager.post("/login", {"email": staff["manajer"].email, "password": PASSWORD})
    manager.get("/tickets?queue=all")
    response = manager.post(
        "/tickets/bulk-assign",
        {
            "ticket_ids": [str(i) for i in ids],
            "assignee_id": str(staff["l1b"].id),
            "queue": "all",
        },
    )
    assert response.status_code == 302
    for t in db_session.scalars(select(Ticket).where(Ticket.id.in_(ids))):
        db_session.refresh(t)
        assert t.assignee_id == staff["l1b"].id


def test_queue_search_and_filters(staff, login_as, db_session):
    l1 = login_as(staff["l1"])
    intake(l1, db_session, subject="Gagal kirim SPM")
    intake(l1, db_session, subject="Tanya DIPA", channel="webchat")
    page = html(l1.htmx_get("/tickets?queue=all&q=SPM"))
    assert "Gagal kirim SPM" in page and "Tanya DIPA" not in page and "<html" not in page
    page = html(l1.get("/tickets?queue=all&channel=webchat"))
    assert "Tanya DIPA" in page and "Gagal kirim SPM" not in page
    # A value that cannot be used is left out, and the page says so (never an error).
    bad = l1.get("/tickets?queue=all&from=kemarin&rating=9&page=x")
    assert bad.status_code == 200
    page = html(bad)
    assert "“Diterima dari” tidak dikenali" in page and "Penilaian harus 1 sampai 5" in page
    assert "Gagal kirim SPM" in page and "Tanya DIPA" in page


def test_article_box_suggests_haipedia_articles(staff, login_as, db_session):
    """The ticket page's HAIPEDIA box (tests/haipedia covers insertion and the count)."""
    from hai.db_types import utcnow
    from hai.haipedia import services as kb
    from hai.haipedia.models import Audience

    article = kb.create_article(
        kb.ArticleData(
            title="Reset akun SAKTI", body="Menu Lupa Password.", audience=Audience.PUBLIC
        ),
        actor=staff["l1"],
        now=utcnow(),
    )
    kb.publish(article, actor=staff["manajer"], now=utcnow())
    db_session.commit()
    l1 = login_as(staff["l1"])
    intake(l1, db_session, subject="Reset akun SAKTI baru")
    new = db_session.scalar(select(Ticket).where(Ticket.subject == "Reset akun SAKTI baru"))
    found = html(l1.htmx_get(f"/tickets/{new.id}/articles?q=reset+sakti"))
    assert f"/haipedia/articles/{article.id}" in found and "Lupa Password" in found
    assert "<html" not in found


def test_large_queues_show_capped_counts_and_keep_paging(staff, login_as, db_session, monkeypatch):
    from hai.tickets import queries

    l1 = login_as(staff["l1"])
    for n in range(4):
        intake(l1, db_session, subject=f"Tiket ke-{n}")
    monkeypatch.setattr(queries, "TAB_COUNT_CAP", 2)
    monkeypatch.setattr(queries, "RESULT_COUNT_CAP", 2)
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    page = html(l1.get("/tickets?queue=all"))
    assert "2+ tiket" in page and "Halaman 1 dari 2+" in page
    # The tabs come with their counts once the page has been shown.
    assert 'hx-get="/tickets/tabs?queue=all" hx-trigger="load"' in page
    tabs = html(l1.htmx_get("/tickets/tabs?queue=all"))
    assert re.search(
        r'aria-current="page">Semua yang terlihat <span class="count">2\+</span>', tabs
    )
    # Page 3 is beyond the first cap; the count moves with the page.
    page = html(l1.get("/tickets?queue=all&page=3"))
    assert "Halaman 3 dari 4" in page and "Berikutnya" in page
    page = html(l1.get("/tickets?queue=all&page=4"))
    assert "Halaman 4 dari 4" in page and "Berikutnya" not in page


def test_agent_sees_the_emails_sent_about_the_ticket(staff, login_as, db_session):
    from hai.tickets import services
    from tests.tickets.conftest import at

    l1 = login_as(staff["l1"])
    intake(l1, db_session, subject="Tanya status SPM")
    ticket = db_session.scalar(select(Ticket).where(Ticket.subject == "Tanya status SPM"))
    services.answer(ticket, "SPM sudah diproses.", actor=staff["l1"], now=at(2026, 3, 2, 10))
    db_session.commit()
    page = html(l1.get(f"/tickets/{ticket.id}"))
    section = page[page.index('id="email"') : page.index('id="linimasa"')]
    assert "sri@satker.go.id" in section and f"[{ticket.number}] Jawaban atas" in section
    assert "Antre" in section


def test_search_by_ticket_number_finds_exactly_that_ticket(staff, login_as, db_session):
    l1 = login_as(staff["l1"])
    intake(l1, db_session, subject="Pertama")
    intake(l1, db_session, subject="Kedua")
    first = db_session.scalar(select(Ticket).where(Ticket.subject == "Pertama"))
    page = html(l1.htmx_get(f"/tickets?queue=all&q={first.number.lower()}"))
    assert "Pertama" in page and "Kedua" not in page
