"""Breach flagging: a set-based, idempotent pass over open tickets.

Each (ticket, kind) breach is recorded once — a unique constraint and an
INSERT … SELECT … WHERE NOT EXISTS — so running the job twice, or on two servers
at once, records nothing new the second time. The new breaches of this pass are
then notified in the app and by email (outbox), also once each.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, literal, select
from sqlalchemy.exc import IntegrityError

from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.extensions import db
from hai.qa.stats import mark_days, wib_date
from hai.tickets.models import (
    BreachKind,
    Notification,
    SlaBreach,
    Ticket,
)

LABELS = {
    BreachKind.RESPONSE_AT_RISK: "mendekati batas waktu tanggapan (75%)",
    BreachKind.RESPONSE: "melewati batas waktu tanggapan",
    BreachKind.FULFILMENT_AT_RISK: "mendekati batas waktu pemenuhan (75%)",
    BreachKind.FULFILMENT: "melewati batas waktu pemenuhan",
    BreachKind.OLA: "melewati target OLA direktorat",
}


AT_RISK = (BreachKind.RESPONSE_AT_RISK, BreachKind.FULFILMENT_AT_RISK)


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


# A regular pass looks only at deadlines that fell in the last day (the scheduler runs
# every two minutes, so a day is a wide margin for a stopped scheduler or a clock that
# was recomputed); the nightly sweep looks at every open ticket.
RECENT = timedelta(days=1)
DIGEST_LINES = 50


def flag_recent_breaches(now: datetime) -> dict[str, int]:
    """The scheduler's regular pass, over tickets and broadcast requests."""
    from hai.broadcasts.jobs import flag_late_broadcasts

    counts = flag_breaches(now, since=now - RECENT)
    counts["broadcast"] = flag_late_broadcasts(now)
    return counts


def flag_breaches(now: datetime, since: datetime | None = None) -> dict[str, int]:
    """Record the breaches due by ``now`` (and after ``since``, when given), then notify."""
    counts: dict[str, int] = {}
    for kind, due, condition in _rules():
        already = exists().where(SlaBreach.ticket_id == Ticket.id, SlaBreach.kind == kind)
        window = [due <= now] if since is None else [due <= now, due > since]
        source = select(
            Ticket.id, literal(kind.value), due, literal(now, type_=SlaBreach.detected_at.type)
        ).where(Ticket.open_clause(), due.is_not(None), *window, condition, ~already)
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
    if any(counts.values()):
        # Inserted set-based (no ORM flush): mark the day for the dashboard's figures.
        mark_days([wib_date(now)])
        _notify_new(now)
    return counts


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(
            db.session.scalars(
                select(Notification.dedupe_key).where(Notification.dedupe_key.in_(chunk))
            )
        )
    return found


def _notify_new(now: datetime) -> None:
    """Tell people about the breaches recorded at ``now``, once each.

    The assignee gets a notification and an email per breach of their ticket (at
    risk included). The service managers get one digest per pass of the breaches
    proper (not the at-risk warnings): on a Monday morning after a long weekend a
    pass can record thousands, and a manager needs the count and the queue, not
    thousands of emails.
    """
    from hai.mail.services import enqueue_many

    new = db.session.execute(
        select(
            SlaBreach.id.label("breach_id"),
            SlaBreach.kind,
            Ticket.id.label("ticket_id"),
            Ticket.number,
            Ticket.subject,
            Ticket.assignee_id,
        )
        .join(Ticket, SlaBreach.ticket_id == Ticket.id)
        .where(SlaBreach.detected_at == now)
        .order_by(SlaBreach.id)
    ).all()
    if not new:
        return
    assignee_ids = {row.assignee_id for row in new if row.assignee_id is not None}
    emails: dict[int, str] = {}
    for chunk in _chunks(sorted(assignee_ids)):
        rows = db.session.execute(
            select(User.id, User.email).where(User.id.in_(chunk), User.is_active.is_(True))
        )
        emails.update((user_id, email) for user_id, email in rows)

    def text_of(row) -> str:
        return f"{row.number} {LABELS[row.kind]}: {row.subject[:120]}"

    personal = [
        (f"breach:{row.breach_id}:{row.assignee_id}", row)
        for row in new
        if row.assignee_id in emails
    ]
    known = _existing_keys([key for key, _ in personal])
    fresh = [(key, row) for key, row in personal if key not in known]
    if fresh:
        db.session.execute(
            insert(Notification),
            [
                {
                    "user_id": row.assignee_id,
                    "at": now,
                    "text": text_of(row)[:300],
                    "ticket_id": row.ticket_id,
                    "dedupe_key": key,
                    "link": "",
                }
                for key, row in fresh
            ],
        )
        enqueue_many(
            [
                dict(
                    to=emails[row.assignee_id],
                    subject=f"[HAI] {text_of(row)}",
                    body=text_of(row),
                    subject_type="ticket",
                    subject_id=row.ticket_id,
                    dedupe_key=f"mail:{key}",
                )
                for key, row in fresh
            ],
            now=now,
        )

    breaches = [row for row in new if row.kind not in AT_RISK]
    if breaches:
        _digest_for_managers(breaches, now, text_of)
    db.session.flush()


def _digest_for_managers(breaches: list, now: datetime, text_of) -> None:
    from hai.mail.services import enqueue

    managers = db.session.execute(
        select(User.id, User.email)
        .join(UserRole)
        .where(UserRole.role == Role.MANAJER_LAYANAN, User.is_active.is_(True))
    ).all()
    if not managers:
        return
    # One digest per pass: the first breach recorded in it names the pass.
    pass_key = f"breach-digest:{breaches[0].breach_id}"
    if len(breaches) == 1:
        summary = text_of(breaches[0])
    else:
        summary = f"{len(breaches)} tiket baru melewati batas waktu SLA/OLA"
    lines = [text_of(row) for row in breaches[:DIGEST_LINES]]
    if len(breaches) > DIGEST_LINES:
        lines.append(f"… dan {len(breaches) - DIGEST_LINES} tiket lainnya.")
    body = "\n".join([summary + ".", "", *lines, "", "Lihat antrean Melewati SLA di HAI."])
    link = "tickets.index?queue=breached"
    known = _existing_keys([f"{pass_key}:{uid}" for uid, _ in managers])
    for user_id, email in managers:
        key = f"{pass_key}:{user_id}"
        if key in known:
            continue
        db.session.add(
            Notification(
                user_id=user_id,
                at=now,
                text=summary[:300],
                ticket_id=breaches[0].ticket_id if len(breaches) == 1 else None,
                dedupe_key=key,
                link="" if len(breaches) == 1 else link,
            )
        )
        enqueue(
            to=email,
            subject=f"[HAI] {summary}",
            body=body,
            now=now,
            subject_type="ticket" if len(breaches) == 1 else "",
            subject_id=breaches[0].ticket_id if len(breaches) == 1 else None,
            dedupe_key=f"mail:{key}",
        )
