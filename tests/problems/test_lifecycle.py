"""A problem from investigation to closing: linking, answering together, the workaround
published to HAIPEDIA, the fix, and the closing that resolves every linked open ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.haipedia.models import ArticleKind, ArticleStatus, Audience
from hai.mail.models import OutboxMessage
from hai.problems import services
from hai.problems.models import ProblemStatus
from hai.tickets import services as tickets
from hai.tickets.models import CloseReason, EventKind, TicketStatus
from tests.problems.conftest import wib

NOW = wib(2026, 2, 5, 10)


@pytest.fixture
def problem_with_tickets(db_session, disruption, people):
    """A confirmed problem with four linked tickets: new, waiting for documents, answered
    (awaiting confirmation) and already closed."""
    l1, manajer = people["l1"], people["manajer"]
    fresh = disruption(wib(2026, 2, 3, 9))
    waiting = disruption(wib(2026, 2, 3, 10))
    tickets.take(waiting, actor=l1, now=wib(2026, 2, 3, 10, 5))
    tickets.request_documents(
        waiting, "Kirim tangkapan layar.", actor=l1, now=wib(2026, 2, 3, 10, 10)
    )
    answered = disruption(wib(2026, 2, 3, 11))
    tickets.answer(answered, "Coba bersihkan cache.", actor=l1, now=wib(2026, 2, 3, 11, 30))
    closed = disruption(wib(2026, 2, 3, 12))
    tickets.answer(closed, "Sudah normal.", actor=l1, now=wib(2026, 2, 3, 12, 30))
    tickets.confirm_and_close(closed, "", actor=l1, now=wib(2026, 2, 3, 12, 40))
    problem = services.create_problem(
        title="Galat login SAKTI",
        description="Pengguna tidak dapat masuk.",
        ci=None,
        ticket_list=[fresh, waiting, answered, closed],
        actor=manajer,
        now=wib(2026, 2, 4, 9),
    )
    db_session.commit()
    return problem, [fresh, waiting, answered], closed


def _emails_to(db_session, address: str) -> list[OutboxMessage]:
    return list(db_session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == address)))


def test_closing_resolves_every_linked_open_ticket_with_a_reply_to_each_requester(
    db_session, problem_with_tickets, people
):
    problem, open_ones, closed = problem_with_tickets
    manajer = people["manajer"]
    closed_events = len(closed.events)
    with pytest.raises(services.ProblemError):  # not fixed yet
        services.close(problem, "Sudah diperbaiki.", actor=manajer, now=NOW)
    with pytest.raises(services.ProblemError, match="akar masalah"):
        services.mark_fixed(problem, fix_note="Patch", fix_reference="", actor=manajer, now=NOW)
    services.save_analysis(
        problem,
        title=problem.title,
        description=problem.description,
        root_cause="Sertifikat server otentikasi kedaluwarsa.",
        fix_reference="RFC-2026-0007",
        ci=None,
        actor=manajer,
        now=NOW,
    )
    services.mark_fixed(
        problem, fix_note="Sertifikat diperbarui.", fix_reference="", actor=manajer, now=NOW
    )
    assert problem.status is ProblemStatus.FIXED and problem.fix_reference == "RFC-2026-0007"
    message = "Gangguan login SAKTI telah diperbaiki. Silakan masuk kembali."
    assert services.close(problem, message, actor=manajer, now=NOW) == 3
    assert problem.status is ProblemStatus.CLOSED
    for ticket in open_ones:
        assert ticket.status is TicketStatus.CLOSED
        assert ticket.close_reason is CloseReason.RESOLVED
        replies = [e for e in ticket.events if e.kind is EventKind.REPLY and e.body == message]
        assert len(replies) == 1
        mails = _emails_to(db_session, ticket.requester_email)
        assert any(message in m.body for m in mails), ticket.requester_email
        assert not ticket.paused
    assert len(closed.events) == closed_events  # an already closed ticket is left alone


def test_closing_is_one_transaction(
    db_session, problem_with_tickets, people, signed_in, monkeypatch
):
    problem, open_ones, _ = problem_with_tickets
    manajer = people["manajer"]
    problem.root_cause = "Sebab diketahui."
    services.mark_fixed(problem, fix_note="Diperbaiki.", fix_reference="", actor=manajer, now=NOW)
    db_session.commit()
    original = tickets.answer_and_close
    calls = []

    def fail_on_second(ticket, *args, **kwargs):
        calls.append(ticket.id)
        if len(calls) == 2:
            raise tickets.TicketError("Gagal menutup tiket.")
        return original(ticket, *args, **kwargs)

    monkeypatch.setattr(tickets, "answer_and_close", fail_on_second)
    browser = signed_in(manajer)
    browser.get(f"/problems/{problem.id}")
    response = browser.post(
        f"/problems/{problem.id}/act/close",
        {"message": "Sudah diperbaiki.", "row_version": str(problem.row_version)},
    )
    assert response.status_code == 422
    assert "Gagal menutup tiket." in response.get_data(as_text=True)
    for ticket in open_ones:
        db_session.refresh(ticket)
        assert ticket.status is not TicketStatus.CLOSED
    db_session.refresh(problem)
    assert problem.status is ProblemStatus.FIXED


def test_answer_together_replies_to_every_linked_open_ticket(
    db_session, problem_with_tickets, people, signed_in
):
    problem, open_ones, closed = problem_with_tickets
    browser = signed_in(people["l1"])
    browser.get(f"/problems/{problem.id}")
    body = "Kami sedang menangani gangguan login SAKTI; mohon menunggu."
    response = browser.post(
        f"/problems/{problem.id}/answer", {"body": body, "row_version": str(problem.row_version)}
    )
    assert response.status_code == 302
    for ticket in open_ones:
        db_session.refresh(ticket)
        assert any(e.kind is EventKind.REPLY and e.body == body for e in ticket.events)
        assert any(body in m.body for m in _emails_to(db_session, ticket.requester_email))
    db_session.refresh(closed)
    assert not any(e.body == body for e in closed.events)


def test_answer_together_refuses_when_a_ticket_is_beyond_the_agent(
    db_session, problem_with_tickets, people, signed_in
):
    problem, open_ones, _ = problem_with_tickets
    # An L2 agent sees only their directorate's escalated tickets: none of these.
    browser = signed_in(people["l2"])
    browser.get(f"/problems/{problem.id}")
    response = browser.post(
        f"/problems/{problem.id}/answer",
        {"body": "Balasan", "row_version": str(problem.row_version)},
    )
    assert response.status_code == 422
    assert "di luar wewenang Anda" in response.get_data(as_text=True)
    for ticket in open_ones:
        db_session.refresh(ticket)
        assert not any(e.body == "Balasan" for e in ticket.events)


def test_the_workaround_becomes_an_internal_haipedia_article(
    db_session, problem_with_tickets, people
):
    problem, _, _ = problem_with_tickets
    manajer = people["manajer"]
    article = services.publish_workaround(
        problem, "Masuk melalui alamat cadangan.", actor=manajer, now=NOW
    )
    assert problem.status is ProblemStatus.KNOWN_ERROR
    assert problem.workaround_article_id == article.id
    assert article.audience is Audience.INTERNAL
    assert article.kind is ArticleKind.ARTICLE
    assert article.status is ArticleStatus.PUBLISHED
    assert "Masuk melalui alamat cadangan." in article.live_revision.body
    assert not article.is_public
    # A new workaround is a new revision of the same article, published again.
    again = services.publish_workaround(problem, "Gunakan peramban lain.", actor=manajer, now=NOW)
    assert again.id == article.id
    assert len(article.revisions) == 2
    assert "Gunakan peramban lain." in article.live_revision.body
    # The permanent fix closes the problem: the workaround is archived, saying why.
    problem.root_cause = "Sertifikat kedaluwarsa."
    services.mark_fixed(
        problem, fix_note="Sertifikat diperbarui.", fix_reference="", actor=manajer, now=NOW
    )
    assert article.status is ArticleStatus.PUBLISHED  # fixed, not yet closed
    services.close(problem, "Sudah diperbaiki.", actor=manajer, now=NOW)
    assert article.status is ArticleStatus.ARCHIVED
    assert article.events[-1].body == (
        f"Masalah {problem.number} ditutup; perbaikan permanen: Sertifikat diperbarui."
    )


def test_linking_rules(db_session, problem_with_tickets, disruption, people):
    problem, open_ones, _ = problem_with_tickets
    l1, manajer = people["l1"], people["manajer"]
    other = services.create_problem(
        title="Masalah lain", description="", ci=None, ticket_list=[], actor=manajer, now=NOW
    )
    with pytest.raises(services.ProblemError, match="sudah ditautkan ke masalah"):
        services.link_ticket(other, open_ones[0], actor=l1, now=NOW)
    with pytest.raises(services.ProblemError, match="sudah ditautkan ke masalah ini"):
        services.link_ticket(problem, open_ones[0], actor=l1, now=NOW)
    services.unlink_ticket(problem, open_ones[0], actor=l1, now=NOW)
    services.link_ticket(other, open_ones[0], actor=l1, now=NOW)
    assert [link.ticket_id for link in other.links] == [open_ones[0].id]
    assert any("Ditautkan ke masalah" in e.body for e in open_ones[0].events)


def test_an_agent_links_a_ticket_from_the_ticket_page(
    db_session, problem_with_tickets, disruption, people, signed_in
):
    problem, _, _ = problem_with_tickets
    ticket = disruption(wib(2026, 2, 4, 9))
    db_session.commit()
    browser = signed_in(people["l1"])
    page = browser.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Tautkan ke masalah" in page and problem.number in page
    assert "SAKTI" in page  # the item suggested from the catalog scope
    response = browser.post(f"/tickets/{ticket.id}/masalah", {"problem_id": ""})
    assert response.status_code == 422
    assert 'id="problem_id-error"' in response.get_data(as_text=True)
    response = browser.post(f"/tickets/{ticket.id}/masalah", {"problem_id": str(problem.id)})
    assert response.status_code == 302
    db_session.refresh(problem)
    assert ticket.id in {link.ticket_id for link in problem.links}
    # A requester never reaches these pages.
    requester = signed_in(people["pengguna"])
    assert requester.post(f"/tickets/{ticket.id}/masalah", {"problem_id": "1"}).status_code == 403
    assert requester.get(f"/tickets/{ticket.id}/masalah").status_code == 403


def test_the_whole_flow_through_the_pages(db_session, problem_with_tickets, people, signed_in):
    problem, open_ones, _ = problem_with_tickets
    browser = signed_in(people["manajer"])

    def post(action, **data):
        db_session.refresh(problem)
        browser.get(f"/problems/{problem.id}")
        return browser.post(
            f"/problems/{problem.id}/act/{action}",
            {"row_version": str(problem.row_version), **data},
        )

    assert post("workaround", workaround="Gunakan alamat cadangan.").status_code == 302
    response = post(
        "analysis",
        title=problem.title,
        root_cause="Sertifikat kedaluwarsa.",
        fix_reference="RFC-2026-0001",
        ci_id="",
        description="",
    )
    assert response.status_code == 302
    assert post("fixed", fix_note="", fix_reference="").status_code == 422
    assert post("fixed", fix_note="Sertifikat diganti.", fix_reference="").status_code == 302
    assert post("close", message="Sudah normal kembali.").status_code == 302
    db_session.refresh(problem)
    assert problem.status is ProblemStatus.CLOSED
    page = browser.get(f"/problems/{problem.id}").get_data(as_text=True)
    assert "RFC-2026-0001" in page and "Sudah normal kembali." in page
    assert "Artikel solusi sementara diarsipkan." in page
    assert problem.workaround_article.status is ArticleStatus.ARCHIVED
    for ticket in open_ones:
        db_session.refresh(ticket)
        assert ticket.status is TicketStatus.CLOSED
