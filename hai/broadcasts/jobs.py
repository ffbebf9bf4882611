"""Scheduler jobs of broadcasts: deliver queued messages; flag late requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.broadcasts.models import Broadcast, BroadcastStatus
from hai.broadcasts.sending import deliver
from hai.extensions import db

OPEN = (
    BroadcastStatus.SUBMITTED,
    BroadcastStatus.IN_REVIEW,
    BroadcastStatus.APPROVED,
    BroadcastStatus.SENDING,
)


def deliver_broadcasts(now: datetime) -> dict:
    return deliver(now)


def flag_late_broadcasts(now: datetime) -> int:
    """Mark, once, the requests not sent within their 8 working hours, and tell the
    Kepala Seksi and the agent assigned (a broadcast waiting for clarification is
    paused, so its due date has moved)."""
    late = list(
        db.session.scalars(
            update(Broadcast)
            .where(
                Broadcast.breached_at.is_(None),
                Broadcast.due_at.is_not(None),
                Broadcast.due_at <= now,
                Broadcast.status.in_(OPEN),
            )
            .values(breached_at=now)
            .returning(Broadcast.id)
        )
    )
    if not late:
        return 0
    from hai.mail.services import enqueue
    from hai.tickets.models import Notification

    heads = list(
        db.session.execute(
            select(User.id, User.email)
            .join(UserRole)
            .where(UserRole.role == Role.KEPALA_SEKSI, User.is_active.is_(True))
        ).all()
    )
    for b in db.session.scalars(select(Broadcast).where(Broadcast.id.in_(late))):
        people = dict(heads)
        if b.sender is not None and b.sender.is_active:
            people[b.sender.id] = b.sender.email
        text = f"{b.number} melewati batas waktu 8 jam kerja: {b.title[:120]}"
        for user_id, email in people.items():
            key = f"broadcast-late:{b.id}:{user_id}"
            db.session.add(
                Notification(
                    user_id=user_id,
                    at=now,
                    text=text,
                    dedupe_key=key,
                    link=f"broadcasts.detail?broadcast_id={b.id}",
                )
            )
            enqueue(
                to=email,
                subject=f"[HAI] {text}",
                body=text,
                now=now,
                subject_type="broadcast",
                subject_id=b.id,
                dedupe_key=f"mail:{key}",
            )
    db.session.flush()
    return len(late)
