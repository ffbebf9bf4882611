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
