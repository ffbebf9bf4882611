"""Breach flagging: a set-based, idempotent pass over open tickets.

Each (ticket, kind) breach is recorded once — a unique constraint and an
INSERT … SELECT … WHERE NOT EXISTS — so running the job twice, or on two servers
at once, records nothing new the second time. The new breaches of this pass are
then notified in the app and by email (outbox), also once each.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, insert, literal, select
from sqlalchemy.exc import IntegrityError

from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.extensions import db
from hai.tickets.models import (
    BreachKind,
    Notification,
    SlaBreach,
    Ticket,
    TicketStatus,
)

LABELS = {
    BreachKind.RESPONSE_AT_RISK: "mendekati batas waktu tanggapan (75%)",
    BreachKind.RESPONSE: "melewati batas waktu tanggapan",
    BreachKind.FULFILMENT_AT_RISK: "mendekati batas waktu pemenuhan (75%)",
    BreachKind.FULFILMENT: "melewati batas waktu pemenuhan",
    BreachKind.OLA: "melewati target OLA direktorat",
}


def _rules():
    """(kind, due column, extra condition) for every breach kind."""
    not_paused = Ticket.paused.is_(False)
    return [
        (
            BreachKind.RESPONSE_AT_RISK,
            Ticket.response_risk_at,
            and_(Ticket.first_response_at.is_(None), not_paused),
        ),
        (
            BreachKind.RESPONSE,
            Ticket.response_due_at,
            and_(Ticket.first_response_at.is_(None), not_paused),
        ),
        (
            BreachKind.FULFILMENT_AT_RISK,
            Ticket.fulfilment_risk_at,
            and_(Ticket.answered_at.is_(None), not_paused),
        ),
        (
            BreachKind.FULFILMENT,
            Ticket.fulfilment_due_at,
            and_(Ticket.answered_at.is_(None), not_paused),
        ),
        (BreachKind.OLA, Ticket.ola_due_at, Ticket.l2_answered_at.is_(None)),
    ]


def flag_breaches(now: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, due, condition in _rules():
        already = exists().where(SlaBreach.ticket_id == Ticket.id, SlaBreach.kind == kind)
        source = select(
            Ticket.id, literal(kind.value), due, literal(now, type_=SlaBreach.detected_at.type)
        ).where(
            Ticket.status != TicketStatus.CLOSED,
            due.is_not(None),
            due <= now,
            condition,
            ~already,
        )
        table = SlaBreach.__table__
        stmt = (
            insert(table)
            .from_select(["ticket_id", "kind", "due_at", "detected_at"], source)
            .returning(table.c.id)  # counted from RETURNING: rowcount is not reliable here
        )
        try:
            with db.session.begin_nested():
                inserted = len(db.session.execute(stmt).all())
        except IntegrityError:
            # Another scheduler inserted the same rows between our check and insert.
            inserted = 0
        counts[kind.value] = inserted
    _notify_new(now)
    return counts


def _notify_new(now: datetime) -> None:
    """One notification and one email per new breach for the assignee and the managers."""
    from hai.mail.services import enqueue

    managers = list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.MANAJER_LAYANAN, User.is_active.is_(True))
        )
    )
    new = db.session.execute(
        select(SlaBreach, Ticket).join(Ticket).where(SlaBreach.detected_at == now)
    ).all()
    for breach, ticket in new:
        if breach.kind in (BreachKind.RESPONSE_AT_RISK, BreachKind.FULFILMENT_AT_RISK):
            recipients = [ticket.assignee] if ticket.assignee else []
        else:
            recipients = ([ticket.assignee] if ticket.assignee else []) + managers
        text = f"{ticket.number} {LABELS[breach.kind]}: {ticket.subject[:120]}"
        for user in {u.id: u for u in recipients if u is not None}.values():
            key = f"breach:{breach.id}:{user.id}"
            if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
                continue
            db.session.add(
                Notification(
                    user_id=user.id, at=now, text=text, ticket_id=ticket.id, dedupe_key=key
                )
            )
            enqueue(
                to=user.email,
                subject=f"[HAI] {text}",
                body=text,
                now=now,
                subject_type="ticket",
                subject_id=ticket.id,
                dedupe_key=f"mail:{key}",
            )
    db.session.flush()
