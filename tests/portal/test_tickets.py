"""A requester's own tickets: submission within the access matrix, suggestions, the
public timeline, documents, confirmation, reopening and rating; and nobody else's."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.tickets import services
from hai.tickets.models import CloseReason, EventKind, Ticket, TicketStatus
from tests.portal.conftest import service


def _html(response) -> str:
    return response.get_data(as_text=True)


# --- submission ----------------------------------------------------------------------


def test_new_ticket_offers_only_services_allowed_for_my_user_type(
    db_session, requester, portal_login
):
    browser = portal_login(requester)
    html = _html(browser.get("/portal/baru"))
    allowed = service(db_session, "BCSM.02.01")
    refused = service(db_session, "ITSM.01.04")  # Layanan SAKTI: types 8 and 9 only
    old = service(db_session, "BCSM.02", version="2023.0")  # not the version in force
    assert f'value="{allowed.id}"' in html
    assert f'value="{refused.id}"' not in html
    assert f'value="{old.id}"' not in html


def test_requester_submits_a_ticket_on_the_portal_channel(
    db_session, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    upload = (io.BytesIO(b"bukti transfer\n"), "bukti.txt")
    ticket = submit_ticket(browser, files=[upload])
    assert ticket.channel_code == "portal"
    assert ticket.requester.user_id == requester.id
    assert ticket.requester_user_type == 1
    assert ticket.satker_code == "654321"
    assert ticket.service.code == "BCSM.02.01"
    assert ticket.created_by_id is None
    assert ticket.events[0].actor_label == requester.name
    assert ticket.fulfilment_due_at is not None
    page = _html(browser.get(f"/portal/tiket/{ticket.id}"))
    assert ticket.number in page
    assert "bukti.txt" in page
    listing = _html(browser.get("/portal"))
    assert ticket.number in listing and "Cara rekam data supplier" in listing


def test_a_scope_of_the_service_can_be_chosen(db_session, requester, portal_login):
    browser = portal_login(requester)
    svc = service(db_session, "BCSM.02.01")
    scope = svc.scopes[0]
    fragment = _html(browser.htmx_get(f"/portal/lingkup?service={svc.id}"))
    assert f'value="{scope.id}"' in fragment
    other = service(db_session, "BCSM.02.02").scopes[0]
    browser.get("/portal/baru")
    base = {"service": str(svc.id), "ticket_type": "question", "subject": "S", "description": "D"}
    response = browser.post("/portal/baru", {**base, "scope": str(other.id)})
    assert response.status_code == 422
    assert 'id="scope-error"' in _html(response)
    response = browser.post("/portal/baru", {**base, "scope": str(scope.id)})
    assert response.status_code == 302
    ticket = db_session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket.scope_id == scope.id


def test_a_service_refused_for_my_user_type_is_refused_beside_the_field(
    db_session, requester, portal_login
):
    browser = portal_login(requester)
    refused = service(db_session, "ITSM.01.04")
    browser.get("/portal/baru")
    before = db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
    response = browser.post(
        "/portal/baru",
        {"service": str(refused.id), "ticket_type": "question", "subject": "S", "description": "D"},
    )
    assert response.status_code == 422
    assert 'id="service-error"' in _html(response)
    assert db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) == before


def test_the_shared_access_rule_refuses_a_disallowed_service(db_session):
    sakti = service(db_session, "ITSM.01.04")
    services.check_service_access(sakti, 8)
    with pytest.raises(services.AccessRefused) as refused:
        services.check_service_access(sakti, 1)
    assert refused.value.field == "service"
    assert isinstance(refused.value, services.TicketError)
    with pytest.raises(services.AccessRefused):
        services.check_service_access(sakti, None)


def test_agents_may_still_record_any_service(db_session, staff):
    """create_ticket does not apply the access rule; triage refuses instead."""
    ticket = services.create_ticket(
        channel_code="call_center",
        received_at=utcnow(),
        requester=services.RequesterData(name="Penelepon", user_type=1),
        subject="SAKTI",
        description="",
        service=service(db_session, "ITSM.01.04"),
        now=utcnow(),
        actor=staff["l1"],
    )
    assert services.catalog_problem(ticket) is CloseReason.REFUSED_USER_TYPE


def test_the_api_uses_the_shared_rule(monkeypatch):
    import hai.api.views as api_views

    assert api_views.services.check_service_access is services.check_service_access


def test_required_fields_are_shown_beside_them(requester, portal_login):
    browser = portal_login(requester)
    browser.get("/portal/baru")
    response = browser.post("/portal/baru", {"service": "", "subject": "", "description": ""})
    assert response.status_code == 422
    html = _html(response)
    for name in ("service", "subject", "description"):
        assert f'id="{name}-error"' in html


def test_submission_needs_csrf(db_session, requester, portal_login):
    browser = portal_login(requester)
    svc = service(db_session, "BCSM.02.01")
    response = browser.post(
        "/portal/baru",
        {"service": str(svc.id), "ticket_type": "question", "subject": "S", "description": "D"},
        csrf=False,
    )
    assert response.status_code == 400


def test_a_refused_file_type_keeps_nothing(db_session, requester, portal_login):
    browser = portal_login(requester)
    svc = service(db_session, "BCSM.02.01")
    browser.get("/portal/baru")
    before = db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
    response = browser.post(
        "/portal/baru",
        {
            "service": str(svc.id),
            "ticket_type": "question",
            "subject": "Berkas",
            "description": "D",
            "attachments": [(io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="attachments-error"' in _html(response)
    assert db_session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) == before


# --- suggestions -----------------------------------------------------------------------


def _resolved(db_session, staff, subject, code="BCSM.02.01", close=True, answer=True):
    ticket = services.create_ticket(
        channel_code="email",
        received_at=utcnow(),
        requester=services.RequesterData(name="Orang Lain Sekali", email="lain@contoh.test"),
        subject=subject,
        description="Isi rahasia milik orang lain",
        service=service(db_session, code),
        now=utcnow(),
        actor=staff["l1"],
    )
    if answer:
        services.answer(ticket, "Jawaban untuk orang lain", actor=staff["l1"], now=utcnow())
        if close:
            services.confirm_and_close(ticket, "", actor=staff["l1"], now=utcnow())
    db_session.commit()
    return ticket


def test_suggestions_show_public_articles_only(db_session, staff, requester, portal_login):
    """HAIPEDIA's public articles, not other people's tickets (tests/haipedia: deflection)."""
    from hai.auth.roles import Role
    from hai.haipedia import services as kb
    from hai.haipedia.models import Audience
    from tests.factories import make_user

    manajer = make_user(Role.MANAJER_LAYANAN)
    done = _resolved(db_session, staff, "Revisi anggaran DIPA satker")
    for title, audience in (
        ("Revisi anggaran DIPA satker", Audience.PUBLIC),
        ("Revisi anggaran: catatan tim", Audience.INTERNAL),
    ):
        article = kb.create_article(
            kb.ArticleData(title=title, body="Isi.", audience=audience),
            actor=staff["l1"],
            now=utcnow(),
        )
        kb.publish(article, actor=manajer, now=utcnow())
    db_session.commit()
    browser = portal_login(requester)
    html = _html(browser.htmx_get("/portal/saran?subject=revisi+anggaran"))
    assert "DIPA" in html and "catatan tim" not in html
    for leak in (done.number, "Orang Lain Sekali", "lain@contoh.test", "Isi rahasia", "Jawaban"):
        assert leak not in html
    assert "<li>" not in _html(browser.htmx_get("/portal/saran?subject=%25%25%25"))


def test_suggestions_box_is_wired_as_you_type(requester, portal_login):
    html = _html(portal_login(requester).get("/portal/baru"))
    assert 'hx-get="/portal/saran"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html


# --- ownership ---------------------------------------------------------------------------


def test_another_requesters_ticket_and_attachment_answer_404(
    db_session, register, portal_login, submit_ticket, login_as
):
    owner = register("pemilik@satker-uji.go.id")
    other = register("lain@satker-uji.go.id")
    browser = portal_login(owner)
    ticket = submit_ticket(browser, files=[(io.BytesIO(b"punya saya\n"), "saya.txt")])
    from hai.attachments.models import Attachment

    att = db_session.scalar(select(Attachment).where(Attachment.owner_id == ticket.id))
    assert browser.get(f"/portal/tiket/{ticket.id}/lampiran/{att.id}").status_code == 200

    assert browser.post("/logout").status_code == 302
    intruder = portal_login(other)
    assert intruder.get(f"/portal/tiket/{ticket.id}").status_code == 404
    assert intruder.get(f"/portal/tiket/{ticket.id}/lampiran/{att.id}").status_code == 404
    for action in ("pesan", "dokumen", "konfirmasi", "buka-kembali", "nilai"):
        response = intruder.post(f"/portal/tiket/{ticket.id}/aksi/{action}", {"body": "x"})
        assert response.status_code == 404, action
    assert ticket.number not in _html(intruder.get("/portal"))
    assert intruder.get("/portal/tiket/999999").status_code == 404
    # The ticket page of staff stays closed to requesters.
    assert intruder.get(f"/tickets/{ticket.id}").status_code == 403


def test_an_attachment_of_another_ticket_answers_404(
    db_session, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    mine = submit_ticket(browser, subject="Pertama")
    theirs = submit_ticket(browser, subject="Kedua", files=[(io.BytesIO(b"x\n"), "b.txt")])
    from hai.attachments.models import Attachment

    att = db_session.scalar(select(Attachment).where(Attachment.owner_id == theirs.id))
    assert browser.get(f"/portal/tiket/{mine.id}/lampiran/{att.id}").status_code == 404


def test_internal_notes_and_their_files_never_reach_the_requester(
    app, db_session, staff, requester, portal_login, submit_ticket
):
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from hai.attachments.services import attach_files

    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    services.take(ticket, actor=staff["l1"], now=utcnow())
    note = services.add_note(ticket, "CATATAN-INTERNAL-RAHASIA", actor=staff["l1"], now=utcnow())
    db_session.flush()
    [internal] = attach_files(
        [FileStorage(stream=io.BytesIO(b"internal\n"), filename="internal.txt")],
        owner_type="ticket",
        owner_id=ticket.id,
        event_id=note.id,
        uploader=staff["l1"],
        now=utcnow(),
        root=Path(app.config["UPLOAD_FOLDER"]),
    )
    services.reply(ticket, "Balasan untuk Anda", actor=staff["l1"], now=utcnow())
    db_session.commit()
    html = _html(browser.get(f"/portal/tiket/{ticket.id}"))
    assert "Balasan untuk Anda" in html
    assert "CATATAN-INTERNAL-RAHASIA" not in html
    assert "internal.txt" not in html
    assert staff["l1"].name not in html  # replies are signed by the desk
    assert browser.get(f"/portal/tiket/{ticket.id}/lampiran/{internal.id}").status_code == 404


# --- actions -------------------------------------------------------------------------------


def _post(browser, ticket, action, data=None, **kwargs):
    browser.get(f"/portal/tiket/{ticket.id}")
    data = {"row_version": str(ticket.row_version), **(data or {})}
    return browser.post(f"/portal/tiket/{ticket.id}/aksi/{action}", data, **kwargs)


def test_requester_sends_a_message(db_session, requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    response = _post(browser, ticket, "pesan", {"body": "Tambahan keterangan"})
    assert response.status_code == 302
    db_session.refresh(ticket)
    last = ticket.events[-1]
    assert (last.kind, last.body, last.actor_id) == (
        EventKind.REQUESTER_MESSAGE,
        "Tambahan keterangan",
        requester.id,
    )
    response = _post(browser, ticket, "pesan", {"body": "  "})
    assert response.status_code == 422
    assert 'id="body-error"' in _html(response)


def test_a_message_from_a_stale_page_is_still_recorded(
    db_session, staff, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    stale = str(ticket.row_version)
    services.take(ticket, actor=staff["l1"], now=utcnow())
    db_session.commit()
    browser.get(f"/portal/tiket/{ticket.id}")
    response = browser.post(
        f"/portal/tiket/{ticket.id}/aksi/pesan", {"body": "Jangan hilang", "row_version": stale}
    )
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert ticket.events[-1].body == "Jangan hilang"


def test_answering_a_documents_request_resumes_the_clock(
    db_session, staff, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    services.take(ticket, actor=staff["l1"], now=utcnow())
    services.request_documents(ticket, "Kirim SPM", actor=staff["l1"], now=utcnow())
    db_session.commit()
    clock = services.clock_of(ticket)
    assert clock.paused_since is not None and ticket.paused
    page = _html(browser.get(f"/portal/tiket/{ticket.id}"))
    assert "Kirim SPM" in page and "Kirim data/dokumen yang diminta" in page
    response = _post(
        browser,
        ticket,
        "dokumen",
        {"body": "Terlampir SPM", "attachments": [(io.BytesIO(b"spm\n"), "spm.txt")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, _html(response)[:2000]
    db_session.refresh(ticket)
    db_session.refresh(clock)
    assert ticket.status is TicketStatus.OPEN
    assert not ticket.paused and clock.paused_since is None
    assert ticket.events[-2].action == "requester_answered"
    assert "spm.txt" in _html(browser.get(f"/portal/tiket/{ticket.id}"))


def _answered(db_session, staff, browser, submit_ticket):
    ticket = submit_ticket(browser)
    services.take(ticket, actor=staff["l1"], now=utcnow())
    services.answer(ticket, "Begini caranya", actor=staff["l1"], now=utcnow())
    db_session.commit()
    return ticket


def test_confirm_then_rate(db_session, staff, requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = _answered(db_session, staff, browser, submit_ticket)
    assert "Konfirmasi jawaban" in _html(browser.get("/portal"))
    # Rating before the ticket is closed is refused.
    response = _post(browser, ticket, "nilai", {"rating": "5"})
    assert response.status_code == 422
    response = _post(browser, ticket, "konfirmasi")
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.CLOSED
    assert ticket.close_reason is CloseReason.RESOLVED
    assert ticket.close_note == "Dikonfirmasi pemohon melalui portal"
    assert "Beri penilaian" in _html(browser.get("/portal"))

    response = _post(browser, ticket, "nilai", {"rating": "9"})
    assert response.status_code == 422 and 'id="rating-error"' in _html(response)
    response = _post(browser, ticket, "nilai", {"rating": "4", "feedback": "Jelas, terima kasih"})
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert (ticket.rating, ticket.feedback) == (4, "Jelas, terima kasih")
    page = _html(browser.get(f"/portal/tiket/{ticket.id}"))
    assert "4/5" in page and "Jelas, terima kasih" in page
    response = _post(browser, ticket, "nilai", {"rating": "1"})
    assert response.status_code == 422
    db_session.refresh(ticket)
    assert ticket.rating == 4


def test_requester_confirms_only_an_answered_ticket(
    db_session, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    with pytest.raises(services.TicketError):
        services.requester_confirms(ticket, now=utcnow(), actor=requester)
    response = _post(browser, ticket, "konfirmasi")
    assert response.status_code == 422
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.NEW


def test_a_stale_confirmation_is_refused(db_session, staff, requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = _answered(db_session, staff, browser, submit_ticket)
    stale = str(ticket.row_version)
    services.add_note(ticket, "x", actor=staff["l1"], now=utcnow())
    db_session.commit()
    browser.get(f"/portal/tiket/{ticket.id}")
    response = browser.post(f"/portal/tiket/{ticket.id}/aksi/konfirmasi", {"row_version": stale})
    assert response.status_code == 409
    assert "telah berubah" in _html(response)
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.ANSWERED


def test_reopen_within_the_window(app, db_session, staff, requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = _answered(db_session, staff, browser, submit_ticket)
    _post(browser, ticket, "konfirmasi")
    db_session.refresh(ticket)
    response = _post(browser, ticket, "buka-kembali", {"reason": ""})
    assert response.status_code == 422 and 'id="reason-error"' in _html(response)
    response = _post(browser, ticket, "buka-kembali", {"reason": "Masih gagal"})
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.OPEN and ticket.reopen_count == 1


def test_reopen_after_the_window_is_refused(
    db_session, staff, requester, portal_login, submit_ticket
):
    browser = portal_login(requester)
    ticket = _answered(db_session, staff, browser, submit_ticket)
    _post(browser, ticket, "konfirmasi")
    db_session.refresh(ticket)
    ticket.closed_at = utcnow() - timedelta(days=8)
    db_session.commit()
    page = _html(browser.get(f"/portal/tiket/{ticket.id}"))
    assert "Buka kembali" not in page
    response = _post(browser, ticket, "buka-kembali", {"reason": "Terlambat"})
    assert response.status_code == 422
    assert "sudah lewat" in _html(response)
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.CLOSED


def test_actions_need_csrf(db_session, staff, requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = _answered(db_session, staff, browser, submit_ticket)
    for action in ("pesan", "dokumen", "konfirmasi", "buka-kembali", "nilai"):
        response = _post(browser, ticket, action, {"body": "x"}, csrf=False)
        assert response.status_code == 400, action
    db_session.refresh(ticket)
    assert ticket.status is TicketStatus.ANSWERED


def test_unknown_action_is_404(requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    assert _post(browser, ticket, "hapus").status_code == 404


def test_staff_with_view_rights_are_not_requesters(
    db_session, make_user, login_as, requester, portal_login, submit_ticket
):
    first = portal_login(requester)
    ticket = submit_ticket(first)
    assert first.post("/logout").status_code == 302
    manager = make_user(Role.MANAJER_LAYANAN, Role.PENGGUNA)
    browser = login_as(manager)
    assert browser.get(f"/tickets/{ticket.id}").status_code == 200  # as staff, on staff pages
    assert browser.get(f"/portal/tiket/{ticket.id}").status_code == 404


def test_home_lists_my_latest_tickets(requester, portal_login, submit_ticket):
    browser = portal_login(requester)
    ticket = submit_ticket(browser)
    html = _html(browser.get("/home"))
    assert ticket.number in html and "Permintaan terbaru Anda" in html
    assert "Tiket Saya" in html and "Ajukan Permintaan" in html
