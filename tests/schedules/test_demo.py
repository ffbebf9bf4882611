"""The demo roster: this week and the next for the demo agents, sign-ins on the days
already past, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from hai.demo import load_demo_users
from hai.schedules.demo import load_demo_schedules
from hai.schedules.models import AttendanceEvent, RosterEntry
from tests.schedules.conftest import wib


def test_demo_roster_is_loaded_once(db_session):
    now = wib(2026, 3, 4, 13, 0)  # a Wednesday afternoon
    load_demo_users(now=now)
    db_session.flush()
    assert load_demo_schedules(now=now) == 5 * 2 * 5  # five rows a working day, two weeks
    days = db_session.scalars(select(RosterEntry.day).distinct()).all()
    assert len(days) == 10 and all(d.weekday() < 5 for d in days)
    # Monday, Tuesday and the morning of Wednesday have happened.
    events = db_session.scalar(select(func.count()).select_from(AttendanceEvent))
    assert events > 0
    assert max(db_session.scalars(select(AttendanceEvent.at))) <= now
    assert load_demo_schedules(now=now) == 0
