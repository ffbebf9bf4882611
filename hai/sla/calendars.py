"""Working calendars from the database: national holidays (the `holidays` package)
plus the administrators' exceptions, national or per unit.

Building a calendar precomputes its working-time index, so calendars are cached
per unit, keyed by the exception rules themselves: any change builds a new one.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time

from sqlalchemy import or_, select

from hai.audit.services import record
from hai.errors import RuleError
from hai.extensions import db
from hai.sla.holidays_id import indonesian_holidays
from hai.sla.models import CalendarException, ExceptionKind
from hai.sla.worktime import DayRule, Hours, WorkingCalendar

FIRST_YEAR, LAST_YEAR = 2015, 2040
_cache: dict[tuple, WorkingCalendar] = {}
_lock = threading.Lock()


def active_exceptions(unit_id: int | None = None) -> list[CalendarException]:
    """The national exceptions, then the unit's (a unit's rule wins on its own dates)."""
    query = select(CalendarException).where(CalendarException.removed_at.is_(None))
    if unit_id is None:
        query = query.where(CalendarException.unit_id.is_(None))
    else:
        query = query.where(
            or_(CalendarException.unit_id.is_(None), CalendarException.unit_id == unit_id)
        )
    rows = list(db.session.scalars(query.order_by(CalendarException.id)))
    return sorted(rows, key=lambda r: (r.unit_id is not None, r.id))


def to_rule(row: CalendarException) -> DayRule:
    if row.kind is ExceptionKind.DAY_OFF:
        hours = None
    elif row.kind is ExceptionKind.WORKING_DAY:
        hours = Hours(time(8, 0), time(16, 0))
    else:
        hours = Hours(row.opens, row.closes)
    return DayRule(row.start_date, row.end_date, hours)


def calendar_for(unit_id: int | None = None) -> WorkingCalendar:
    """The working calendar of a unit (None: national), cached until exceptions change."""
    # The rules themselves are the cache key: a few dozen rows, one query.
    rules = tuple(to_rule(r) for r in active_exceptions(unit_id))
    key = (unit_id, rules)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    calendar = WorkingCalendar(
        holidays=indonesian_holidays(range(FIRST_YEAR, LAST_YEAR + 1)),
        exceptions=list(rules),
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )
    with _lock:
        # Keep only the latest calendar of each unit.
        for stale in [k for k in _cache if k[0] == unit_id]:
            del _cache[stale]
        _cache[key] = calendar
    return calendar


def add_exception(
    *,
    start: date,
    end: date,
    kind: ExceptionKind,
    reason: str,
    opens: time | None = None,
    closes: time | None = None,
    unit_id: int | None = None,
    now: datetime,
    actor,
    ip: str = "",
) -> CalendarException:
    reason = reason.strip()
    if not reason:
        raise RuleError(
            "Alasan wajib diisi (mis. nomor SKB cuti bersama atau pengumuman).", "reason"
        )
    if end < start:
        raise RuleError("Tanggal akhir tidak boleh sebelum tanggal mulai.", "end_date")
    if (end - start).days > 366:
        raise RuleError("Rentang paling lama satu tahun.", "end_date")
    if not (start.year >= FIRST_YEAR and end.year <= LAST_YEAR):
        raise RuleError(f"Tanggal harus antara {FIRST_YEAR} dan {LAST_YEAR}.", "start_date")
    if kind is ExceptionKind.HOURS:
        if opens is None or closes is None:
            raise RuleError("Jam buka dan jam tutup wajib diisi untuk jam kerja khusus.", "opens")
        if opens >= closes:
            raise RuleError("Jam tutup harus setelah jam buka.", "closes")
    else:
        opens = closes = None
    row = CalendarException(
        unit_id=unit_id,
        start_date=start,
        end_date=end,
        kind=kind,
        opens=opens,
        closes=closes,
        reason=reason,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    record(
        "calendar.exception_added",
        now=now,
        actor=actor,
        target=row,
        ip=ip,
        kind=kind.value,
        start=start.isoformat(),
        end=end.isoformat(),
        hours=[opens.isoformat(), closes.isoformat()] if opens and closes else None,
        reason=reason,
        unit_id=unit_id,
    )
    _recompute(now=now, actor=actor, ip=ip, reason=f"tambah pengecualian #{row.id}: {reason}")
    return row


def remove_exception(row: CalendarException, *, now: datetime, actor, ip: str = "") -> None:
    if row.removed_at is not None:
        raise RuleError("Pengecualian ini sudah dihapus.")
    row.removed_at = now
    row.removed_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        "calendar.exception_removed",
        now=now,
        actor=actor,
        target=row,
        ip=ip,
        kind=row.kind.value,
        start=row.start_date.isoformat(),
        end=row.end_date.isoformat(),
        reason=row.reason,
    )
    _recompute(now=now, actor=actor, ip=ip, reason=f"hapus pengecualian #{row.id}: {row.reason}")


def _recompute(**kwargs) -> None:
    from hai.sla.clocks import recompute_open_clocks  # clocks imports this module

    recompute_open_clocks(**kwargs)
