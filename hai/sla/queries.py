"""Reads for the calendar pages and the SLA preview."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from hai.sla.calendars import active_exceptions
from hai.sla.models import CalendarException
from hai.sla.worktime import Hours, WorkingCalendar

STANDARD = Hours(opens=time(8, 0), closes=time(16, 0))


@dataclass
class DayInfo:
    day: date
    hours: Hours | None
    holiday: str | None
    exceptions: list[CalendarException]
    in_month: bool = True

    @property
    def is_working(self) -> bool:
        return self.hours is not None

    @property
    def is_special_hours(self) -> bool:
        return self.hours is not None and self.hours != STANDARD

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


def _exceptions_by_day(rows: list[CalendarException], first: date, last: date):
    by_day: dict[date, list[CalendarException]] = {}
    for row in rows:
        d = max(row.start_date, first)
        while d <= min(row.end_date, last):
            by_day.setdefault(d, []).append(row)
            d += timedelta(days=1)
    return by_day


def month_grid(cal: WorkingCalendar, year: int, month: int, unit_id=None) -> list[list[DayInfo]]:
    """Weeks (Monday first) covering the month, with each day's hours and names."""
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    by_day = _exceptions_by_day(active_exceptions(unit_id), first, last)
    return [
        [
            DayInfo(d, cal.hours_on(d), cal.holiday_name(d), by_day.get(d, []), d.month == month)
            for d in week
        ]
        for week in weeks
    ]


def year_holidays(cal: WorkingCalendar, year: int) -> list[tuple[date, str, bool]]:
    """(date, name, is a working day after exceptions) for the year's named holidays."""
    out = []
    d = date(year, 1, 1)
    while d.year == year:
        name = cal.holiday_name(d)
        if name:
            out.append((d, name, cal.hours_on(d) is not None))
        d += timedelta(days=1)
    return out


def working_days_in(cal: WorkingCalendar, year: int, month: int) -> int:
    days = pycal.monthrange(year, month)[1]
    return sum(1 for i in range(days) if cal.hours_on(date(year, month, i + 1)) is not None)


def exception_history(limit: int = 100) -> list[CalendarException]:
    from hai.extensions import db

    return list(
        db.session.scalars(
            select(CalendarException).order_by(CalendarException.id.desc()).limit(limit)
        )
    )


def day_off_reason(cal: WorkingCalendar, d: date) -> str:
    if name := cal.holiday_name(d):
        return name
    if d.weekday() >= 5:
        return "Sabtu" if d.weekday() == 5 else "Minggu"
    return "Libur (pengecualian kalender)"


def non_working_days_between(
    cal: WorkingCalendar, start: datetime, end: datetime
) -> list[tuple[date, str]]:
    """Whole days skipped between two instants, with why (for explaining a deadline)."""
    tz = cal.tz
    d, last = start.astimezone(tz).date() + timedelta(days=1), end.astimezone(tz).date()
    out = []
    while d < last:
        if cal.hours_on(d) is None:
            out.append((d, day_off_reason(cal, d)))
        d += timedelta(days=1)
    return out
