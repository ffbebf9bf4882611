"""Demo roster for `make run`: the demo agents on the working days of this week and the
next, with sign-ins and breaks on the days already past (one late arrival, one absence,
one long break), so that "Jadwal saya", the roster and QA's discipline page have data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.extensions import db
from hai.schedules.models import AttendanceEvent, AttendanceKind, RosterEntry, Shift
from hai.schedules.services import week_start
from hai.web.timefmt import WIB, today_wib

# (agent email, shift name, channel code) on every working day.
DEMO_ROSTER = [
    ("agen1@demo.hai.test", "Pagi", "call_center"),
    ("agen1@demo.hai.test", "Siang", "webchat"),
    ("agen2@demo.hai.test", "Pagi", "email"),
    ("cso@demo.hai.test", "Pagi", "hai_cso"),
    ("cso@demo.hai.test", "Siang", "hai_cso"),
]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def _attendance(user: User, day: date, n: int, *, now: datetime) -> list[AttendanceEvent]:
    """A working day of sign-ins and breaks; the n-th past day varies the pattern."""
    arrive = (7, 42) if n == 1 else (7, 24)  # the second day: 12 minutes late
    plan = [
        (AttendanceKind.SIGN_IN, arrive),
        (AttendanceKind.BREAK_START, (10, 0)),
        # The third day: a 45-minute break against an allowance of 30.
        (AttendanceKind.BREAK_END, (10, 45) if n == 2 else (10, 20)),
        (AttendanceKind.SIGN_OUT, (17, 2)),
    ]
    if n == 3:  # the fourth day: gone after the morning (absent from the afternoon shift)
        plan[-1] = (AttendanceKind.SIGN_OUT, (12, 10))
    return [
        AttendanceEvent(user_id=user.id, kind=kind, at=_at(day, *hm))
        for kind, hm in plan
        if _at(day, *hm) <= now
    ]


def load_demo_schedules(*, now: datetime) -> int:
    """Entries for this week and the next (idempotent: nothing when the demo agents
    already have a roster); returns the entries created."""
    emails = {email for email, _, _ in DEMO_ROSTER}
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    shifts = {s.name: s for s in db.session.scalars(select(Shift))}
    if len(users) < len(emails) or not {"Pagi", "Siang"} <= set(shifts):
        return 0
    if db.session.scalar(
        select(RosterEntry.id).where(RosterEntry.user_id.in_([u.id for u in users.values()]))
    ):
        return 0
    today = today_wib(now)
    monday = week_start(today)
    days = [monday + timedelta(days=n) for n in range(14) if n % 7 < 5]
    created = 0
    for day in days:
        for email, shift_name, channel in DEMO_ROSTER:
            db.session.add(
                RosterEntry(
                    user_id=users[email].id,
                    day=day,
                    shift_id=shifts[shift_name].id,
                    channel_code=channel,
                    created_at=now,
                )
            )
            created += 1
    past = [d for d in days if d <= today]
    for n, day in enumerate(past):
        for offset, email in enumerate(dict.fromkeys(e for e, _, _ in DEMO_ROSTER)):
            # Each agent has their late day, long break and absence on another day.
            db.session.add_all(_attendance(users[email], day, (n + offset) % 5, now=now))
    db.session.flush()
    return created
