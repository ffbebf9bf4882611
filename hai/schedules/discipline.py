"""Discipline against the roster (PER-8 Pasal 6(3)f "disiplin"), computed per rostered
shift from the agent's sign-ins, sign-outs and breaks; never typed in.

Definitions, for a roster entry (a shift from ``start`` to ``end`` on a WIB date):
- the agent *arrived* at the start when signed in then (the last sign-in or sign-out of
  that WIB day at or before the start is a sign-in), else at the first sign-in after
  the start and before the end;
- on time: arrived at or before start + grace (``HAI_LATE_GRACE_MINUTES``, default 5);
  late: arrived after that, by the whole minutes from the start; absent: no arrival
  before the end;
- break minutes: the agent's breaks within the shift (an open break counts up to
  ``as_of``), against the shift's allowance;
- a shift is measured once it has ended by ``as_of``, or earlier when the agent has
  arrived; later shifts are listed but not counted;
- on-time share: on-time shifts / measured shifts; kept share: shifts on time *and*
  within the break allowance / measured shifts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from hai.extensions import db
from hai.qa.metrics import Period, metric_score
from hai.schedules.models import AttendanceEvent, AttendanceKind, RosterEntry
from hai.web.timefmt import WIB

DEFAULT_GRACE_MINUTES = 5
# The kept share from which the suggested discipline score is 2, 3, 4 and 5.
SUGGESTION_THRESHOLDS = (50, 70, 85, 95)

ON_TIME, LATE, ABSENT, PENDING, UPCOMING = "on_time", "late", "absent", "pending", "upcoming"
STATUS_LABELS = {
    ON_TIME: "Tepat waktu",
    LATE: "Terlambat",
    ABSENT: "Tidak hadir",
    PENDING: "Sedang berlangsung",
    UPCOMING: "Belum dimulai",
}


def grace_minutes() -> int:
    """The configured grace (the default outside an application, e.g. in a script)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return DEFAULT_GRACE_MINUTES
    return int(current_app.config.get("HAI_LATE_GRACE_MINUTES", DEFAULT_GRACE_MINUTES))


@dataclass(frozen=True)
class ShiftRecord:
    entry_id: int
    day: date
    shift: str
    channel: str
    starts_at: datetime
    ends_at: datetime
    status: str
    arrived_at: datetime | None
    late_minutes: int
    break_minutes: int
    break_allowance: int

    @property
    def measured(self) -> bool:
        return self.status in (ON_TIME, LATE, ABSENT)

    @property
    def break_over(self) -> int:
        return max(0, self.break_minutes - self.break_allowance)

    @property
    def kept(self) -> bool:
        return self.status == ON_TIME and not self.break_over

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Discipline:
    agent_id: int
    period: Period
    grace_minutes: int
    shifts: list[ShiftRecord] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(s.status == status for s in self.shifts)

    @property
    def measured(self) -> int:
        return sum(s.measured for s in self.shifts)

    @property
    def on_time(self) -> int:
        return self._count(ON_TIME)

    @property
    def late(self) -> int:
        return self._count(LATE)

    @property
    def absent(self) -> int:
        return self._count(ABSENT)

    @property
    def upcoming(self) -> int:
        return self._count(UPCOMING)

    @property
    def late_minutes(self) -> int:
        return sum(s.late_minutes for s in self.shifts if s.measured)

    @property
    def break_minutes(self) -> int:
        return sum(s.break_minutes for s in self.shifts if s.measured)

    @property
    def break_over_shifts(self) -> int:
        return sum(bool(s.break_over) for s in self.shifts if s.measured)

    @property
    def break_over_minutes(self) -> int:
        return sum(s.break_over for s in self.shifts if s.measured)

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.shifts if s.measured)

    @property
    def on_time_pct(self) -> float | None:
        return _pct(self.on_time, self.measured)

    @property
    def kept_pct(self) -> float | None:
        return _pct(self.kept, self.measured)

    def as_metrics(self) -> dict:
        """The figures as an evaluation's metrics (JSON-ready, ``roster_`` keys)."""
        return {
            "roster_shifts": self.measured,
            "roster_on_time": self.on_time,
            "roster_late": self.late,
            "roster_absent": self.absent,
            "roster_late_minutes": self.late_minutes,
            "roster_break_minutes": self.break_minutes,
            "roster_break_over_shifts": self.break_over_shifts,
            "roster_break_over_minutes": self.break_over_minutes,
            "roster_kept": self.kept,
            "roster_on_time_pct": self.on_time_pct,
            "roster_kept_pct": self.kept_pct,
        }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def suggested_score(metrics: dict) -> int | None:
    """The 1-5 discipline score the roster suggests, from the kept share; None without
    measured shifts (or for evaluations frozen before the roster existed)."""
    return metric_score(metrics.get("roster_kept_pct"), list(SUGGESTION_THRESHOLDS))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _breaks(events: list[AttendanceEvent], as_of: datetime) -> list[tuple[datetime, datetime]]:
    """Break intervals in time order; an open break runs to ``as_of``."""
    rv, started = [], None
    for e in events:
        if e.kind is AttendanceKind.BREAK_START and started is None:
            started = e.at
        elif e.kind is AttendanceKind.BREAK_END and started is not None:
            rv.append((started, e.at))
            started = None
    if started is not None and started < as_of:
        rv.append((started, as_of))
    return rv


def _arrival(events: list[AttendanceEvent], day: date, start: datetime, end: datetime):
    """When the agent arrived for a shift (see the module's definition), or None."""
    day_start = datetime.combine(day, time(0), tzinfo=WIB)
    signed_in_at = None
    for e in events:
        if e.at < day_start or e.kind not in (AttendanceKind.SIGN_IN, AttendanceKind.SIGN_OUT):
            continue
        if e.at <= start:
            signed_in_at = e.at if e.kind is AttendanceKind.SIGN_IN else None
        elif signed_in_at is not None:
            break
        elif e.kind is AttendanceKind.SIGN_IN and e.at < end:
            return e.at
    return signed_in_at


def discipline(
    agent_id: int,
    period: Period,
    *,
    as_of: datetime | None = None,
    grace: int | None = None,
) -> Discipline:
    """Every rostered shift of the agent in the period, with its discipline figures."""
    from hai.catalog.queries import list_channels

    as_of = as_of or period.ends_at
    grace = DEFAULT_GRACE_MINUTES if grace is None else grace
    entries = sorted(
        db.session.scalars(
            select(RosterEntry).where(
                RosterEntry.user_id == agent_id,
                RosterEntry.day >= period.start,
                RosterEntry.day <= period.end,
            )
        ),
        key=lambda e: (e.day, e.shift.starts),
    )
    if not entries:
        return Discipline(agent_id, period, grace)
    events = list(
        db.session.scalars(
            select(AttendanceEvent)
            .where(
                AttendanceEvent.user_id == agent_id,
                AttendanceEvent.at >= period.starts_at,
                AttendanceEvent.at < period.ends_at,
            )
            .order_by(AttendanceEvent.at, AttendanceEvent.id)
        )
    )
    breaks = _breaks(events, min(as_of, period.ends_at))
    names = {c.code: c.name for c in list_channels()}
    records = []
    for entry in entries:
        start = datetime.combine(entry.day, entry.shift.starts, tzinfo=WIB)
        end = datetime.combine(entry.day, entry.shift.ends, tzinfo=WIB)
        arrived = _arrival(events, entry.day, start, end) if start <= as_of else None
        if arrived is not None and arrived > as_of:
            arrived = None
        late = 0
        if start > as_of:
            status = UPCOMING
        elif arrived is None:
            status = ABSENT if end <= as_of else PENDING
        elif arrived <= start + timedelta(minutes=grace):
            status = ON_TIME
        else:
            status, late = LATE, _minutes(arrived - start)
        on_break = sum(
            (
                min(b_end, end) - max(b_start, start)
                for b_start, b_end in breaks
                if b_start < end and b_end > start
            ),
            timedelta(),
        )
        records.append(
            ShiftRecord(
                entry_id=entry.id,
                day=entry.day,
                shift=entry.shift.label,
                channel=names.get(entry.channel_code, entry.channel_code),
                starts_at=start,
                ends_at=end,
                status=status,
                arrived_at=arrived,
                late_minutes=late,
                break_minutes=_minutes(on_break) if status in (ON_TIME, LATE, PENDING) else 0,
                break_allowance=entry.shift.break_minutes,
            )
        )
    return Discipline(agent_id, period, grace, records)
