"""SLA clocks in the database: due dates, pause and resume, recompute on calendar changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hai.audit.models import AuditEvent
from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.errors import RuleError
from hai.sla import calendars, clocks
from hai.sla.models import ExceptionKind

WIB = ZoneInfo("Asia/Jakarta")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def revision(db_session):
    return db_session.scalar(select(CatalogVersion).where(CatalogVersion.code == "2023.1"))


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def scope(db_session, version, code):
    return db_session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogScope.code == code)
    )


def open_ticket_clock(db_session, revision, received, subject_id=1, **kw):
    clock = clocks.open_clock(
        subject_type="test",
        subject_id=subject_id,
        version=revision,
        channel_code="email",
        received_at=received,
        **kw,
    )
    db_session.commit()
    return clock


def events(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_open_clock_sets_due_dates_with_the_real_calendar(db_session, revision):
    # Thursday 2026-12-24 is cuti bersama, 25 Christmas: received Wed 23 Dec 15:00.
    clock = open_ticket_clock(db_session, revision, at(2026, 12, 23, 15))
    assert clock.response_due_at == at(2026, 12, 23, 16)
    # 24 working hours: Wed 1 h, then Mon 28, Tue 29 (16 h), Wed 30 7 h → 15:00.
    assert clock.fulfilment_due_at == at(2026, 12, 30, 15)
    assert clock.fulfilment_basis == "channel"


def test_escalation_switches_to_the_scope_norm(db_session, revision):
    sc = scope(db_session, revision, "ITSM.01.04.01.a")  # Pengelolaan User SAKTI, 24 h
    clock = open_ticket_clock(db_session, revision, at(2026, 3, 2, 8), scope=sc)
    clocks.set_escalated(clock)
    assert clock.fulfilment_basis == "scope"
    assert clock.fulfilment_due_at == at(2026, 3, 4, 16)
    clocks.set_priority(clock, "P1")
    assert clock.fulfilment_basis == "priority"
    assert clock.fulfilment_due_at == at(2026, 3, 2, 16)
    clocks.set_priority(clock, "P6")
    assert clock.fulfilment_due_at is None
    with pytest.raises(RuleError):
        clocks.set_priority(clock, "P9")


def test_pause_and_resume_push_the_due_dates_by_the_paused_working_time(db_session, revision):
    clock = open_ticket_clock(db_session, revision, at(2026, 3, 2, 9))  # Monday
    before = clock.fulfilment_due_at
    clocks.pause(clock, now=at(2026, 3, 2, 10))
    with pytest.raises(RuleError):
        clocks.pause(clock, now=at(2026, 3, 2, 10, 30))
    # Waiting for the requester from Monday 10:00 to Tuesday 11:30: 6 + 3.5 working hours.
    paused = clocks.resume(clock, now=at(2026, 3, 3, 11, 30))
    assert paused == timedelta(hours=9, minutes=30)
    assert clock.paused_us == 9.5 * 3600 * 1_000_000
    # Thursday 09:00 + 9.5 h: 7 h on Thursday, 2.5 h on Friday.
    assert clock.fulfilment_due_at == at(2026, 3, 6, 10, 30)
    assert before == at(2026, 3, 5, 9)
    with pytest.raises(RuleError):
        clocks.resume(clock, now=at(2026, 3, 3, 12))


def test_pause_over_a_weekend_counts_only_working_time(db_session, revision):
    clock = open_ticket_clock(db_session, revision, at(2026, 3, 6, 9))  # Friday
    clocks.pause(clock, now=at(2026, 3, 6, 15))
    assert clocks.resume(clock, now=at(2026, 3, 9, 9)) == timedelta(hours=2)


def test_calendar_change_recomputes_open_clocks_and_keeps_closed_ones(db_session, revision, admin):
    open_clock = open_ticket_clock(db_session, revision, at(2026, 3, 2, 9), subject_id=1)
    closed_clock = open_ticket_clock(db_session, revision, at(2026, 3, 2, 9), subject_id=2)
    clocks.close(closed_clock, now=at(2026, 3, 2, 10))
    db_session.commit()
    due = open_clock.fulfilment_due_at
    assert due == at(2026, 3, 5, 9)

    # A new cuti bersama decree: Tuesday 3 March 2026 becomes a day off.
    calendars.add_exception(
        start=date(2026, 3, 3),
        end=date(2026, 3, 3),
        kind=ExceptionKind.DAY_OFF,
        reason="SKB cuti bersama (uji)",
        now=at(2026, 3, 2, 12),
        actor=admin,
    )
    db_session.commit()
    assert open_clock.fulfilment_due_at == at(2026, 3, 6, 9)
    assert closed_clock.fulfilment_due_at == due, "closed tickets keep their due dates"
    recomputed = events(db_session, "sla.due_dates_recomputed")
    assert recomputed[-1].details["changed"] == 1
    assert recomputed[-1].details["subjects"] == ["test:1"]
    assert (
        events(db_session, "calendar.exception_added")[-1].details["reason"]
        == "SKB cuti bersama (uji)"
    )


def test_removing_the_exception_restores_the_due_dates(db_session, revision, admin):
    clock = open_ticket_clock(db_session, revision, at(2026, 3, 2, 9))
    row = calendars.add_exception(
        start=date(2026, 3, 3),
        end=date(2026, 3, 4),
        kind=ExceptionKind.DAY_OFF,
        reason="Kantor tutup",
        now=at(2026, 3, 2, 12),
        actor=admin,
    )
    assert clock.fulfilment_due_at == at(2026, 3, 9, 9)
    calendars.remove_exception(row, now=at(2026, 3, 2, 13), actor=admin)
    assert clock.fulfilment_due_at == at(2026, 3, 5, 9)
    assert row.removed_at is not None
    with pytest.raises(RuleError):
        calendars.remove_exception(row, now=at(2026, 3, 2, 14), actor=admin)


def test_changed_hours_and_a_removed_holiday(db_session, admin):
    # Ramadan hours 08:00-15:00 for a week, and a holiday made a working day.
    calendars.add_exception(
        start=date(2026, 2, 23),
        end=date(2026, 2, 27),
        kind=ExceptionKind.HOURS,
        opens=time(8),
        closes=time(15),
        reason="Jam kerja Ramadan",
        now=at(2026, 2, 1, 9),
        actor=admin,
    )
    calendars.add_exception(
        start=date(2026, 2, 16),
        end=date(2026, 2, 16),
        kind=ExceptionKind.WORKING_DAY,
        reason="Cuti bersama Imlek dibatalkan (uji)",
        now=at(2026, 2, 1, 9),
        actor=admin,
    )
    cal = calendars.calendar_for()
    assert cal.add(at(2026, 2, 23, 14, 30), timedelta(hours=1)) == at(2026, 2, 24, 8, 30)
    assert cal.hours_on(date(2026, 2, 16)) is not None
    assert cal.hours_on(date(2026, 2, 17)) is None  # Tahun Baru Imlek itself stays a holiday


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"end": date(2026, 3, 1)}, "end_date"),
        ({"kind": ExceptionKind.HOURS}, "opens"),
        ({"kind": ExceptionKind.HOURS, "opens": time(15), "closes": time(8)}, "closes"),
        ({"start": date(2050, 1, 1), "end": date(2050, 1, 1)}, "start_date"),
    ],
)
def test_bad_exceptions_are_refused(db_session, admin, kwargs, field):
    args = dict(
        start=date(2026, 3, 3),
        end=date(2026, 3, 3),
        kind=ExceptionKind.DAY_OFF,
        reason="alasan",
        now=at(2026, 3, 1, 9),
        actor=admin,
    )
    args.update(kwargs)
    with pytest.raises(RuleError) as exc:
        calendars.add_exception(**args)
    assert exc.value.field == field


def test_a_draft_copies_the_sla_parameters(db_session, revision, admin):
    from hai.catalog.services import create_draft
    from hai.db_types import utcnow
    from hai.sla.norms import load_norms, set_priority_hours

    draft = create_draft(revision, code="2027.0", title="Draf", now=utcnow(), actor=admin)
    assert load_norms(draft).priority_hours == load_norms(revision).priority_hours
    assert load_norms(draft).channels == load_norms(revision).channels
    set_priority_hours(draft, "P1", 4, now=utcnow(), actor=admin)
    assert load_norms(draft).priority_hours["P1"] == 4
    assert load_norms(revision).priority_hours["P1"] == 8
    with pytest.raises(RuleError):
        set_priority_hours(revision, "P1", 4, now=utcnow(), actor=admin)
