"""Breach flagging: set-based, idempotent, notified once."""

from __future__ import annotations

from sqlalchemy import func, select

from hai.mail.models import OutboxMessage
from hai.tickets import services
from hai.tickets.jobs import flag_breaches
from hai.tickets.models import BreachKind, Notification, SlaBreach
from tests.tickets.conftest import at
from tests.tickets.test_services import new_ticket


def count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def test_breach_flagging_run_twice_records_each_breach_once(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])  # email, Monday 09:00
    services.take(ticket, actor=staff["l1"], now=at(2026, 3, 2, 9, 5))
    db_session.commit()
    # 09:50: past 75 % of the 1-hour response allowance.
    first = flag_breaches(at(2026, 3, 2, 9, 50))
    assert first["response_at_risk"] == 1 and first["response"] == 0
    # 10:30: the response is late.
    flag_breaches(at(2026, 3, 2, 10, 30))
    again = flag_breaches(at(2026, 3, 2, 10, 31))
    assert all(n == 0 for n in again.values())
    db_session.commit()
    kinds = {b.kind for b in db_session.scalars(select(SlaBreach))}
    assert kinds == {BreachKind.RESPONSE_AT_RISK, BreachKind.RESPONSE}
    # The assignee is told of both; the managers of the breach only; each once.
    assert count(db_session, Notification, Notification.user_id == staff["l1"].id) == 2
    assert count(db_session, Notification, Notification.user_id == staff["manajer"].id) == 1
    mails = count(db_session, OutboxMessage, OutboxMessage.to_addr == staff["manajer"].email)
    assert mails == 1


def test_paused_and_answered_tickets_are_not_flagged(db_session, staff):
    waiting = new_ticket(db_session, staff["l1"])
    services.request_documents(
        waiting, "Mohon dokumen.", actor=staff["l1"], now=at(2026, 3, 2, 9, 10)
    )
    answered = new_ticket(db_session, staff["l1"])
    services.answer(answered, "Selesai.", actor=staff["l1"], now=at(2026, 3, 2, 9, 20))
    db_session.commit()
    result = flag_breaches(at(2026, 3, 9, 9))
    assert result["fulfilment"] == 0 and result["response"] == 0


def test_fulfilment_breach_after_the_norm(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    services.reply(ticket, "Diterima.", actor=staff["l1"], now=at(2026, 3, 2, 9, 30))
    db_session.commit()
    assert flag_breaches(at(2026, 3, 5, 8, 59))["fulfilment"] == 0
    assert flag_breaches(at(2026, 3, 5, 9, 1))["fulfilment"] == 1


def test_regular_pass_looks_back_a_day_and_the_nightly_sweep_catches_the_rest(db_session, staff):
    from hai.tickets.jobs import flag_recent_breaches

    ticket = new_ticket(db_session, staff["l1"])  # response due Monday 10:00
    services.take(ticket, actor=staff["l1"], now=at(2026, 3, 2, 9, 5))
    db_session.commit()
    # The scheduler was down until Wednesday: the regular pass looks at the last day.
    assert sum(flag_recent_breaches(at(2026, 3, 4, 9)).values()) == 0
    swept = flag_breaches(at(2026, 3, 4, 9, 2))
    assert swept["response"] == 1 and swept["response_at_risk"] == 1
    assert sum(flag_breaches(at(2026, 3, 4, 9, 4)).values()) == 0


def test_managers_get_one_digest_per_pass_the_assignee_one_notice_per_breach(db_session, staff):
    tickets = [new_ticket(db_session, staff["l1"]) for _ in range(3)]
    for t in tickets:
        services.take(t, actor=staff["l1"], now=at(2026, 3, 2, 9, 5))
    db_session.commit()
    result = flag_breaches(at(2026, 3, 2, 10, 30))
    assert result["response"] == 3 and result["response_at_risk"] == 3
    db_session.commit()
    manager = staff["manajer"]
    digests = list(
        db_session.scalars(select(Notification).where(Notification.user_id == manager.id))
    )
    assert len(digests) == 1
    assert digests[0].text == "3 tiket baru melewati batas waktu SLA/OLA"
    assert digests[0].ticket_id is None and digests[0].link == "tickets.index?queue=breached"
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == manager.email))
    assert all(t.number in mail.body for t in tickets)
    # The assignee: a notice and an email for each of the six (three at risk, three late).
    assert count(db_session, Notification, Notification.user_id == staff["l1"].id) == 6
    assert count(db_session, OutboxMessage, OutboxMessage.to_addr == staff["l1"].email) == 6
    # Run again at once: nothing new for anyone.
    assert sum(flag_breaches(at(2026, 3, 2, 10, 32)).values()) == 0
    assert count(db_session, Notification) == 7


def test_digest_link_leads_to_the_breached_queue(db_session, staff, login_as):
    for _ in range(2):
        t = new_ticket(db_session, staff["l1"])
        services.take(t, actor=staff["l1"], now=at(2026, 3, 2, 9, 5))
    db_session.commit()
    flag_breaches(at(2026, 3, 2, 10, 30))
    db_session.commit()
    page = login_as(staff["manajer"]).get("/notifications").get_data(as_text=True)
    assert '<a href="/tickets?queue=breached">2 tiket baru melewati batas waktu SLA/OLA</a>' in page
