"""Working-time arithmetic for service-level deadlines.

Indonesian government service hours: Monday to Friday 08:00-16:00 Asia/Jakarta (WIB);
national holidays and cuti bersama are days off; administrators may add a day off, turn a
holiday (or a weekend day) into a working day, or change the hours for a date range
(e.g. 08:00-15:00 during Ramadan). A deadline is "N working hours" from an instant.

How it works
------------
`WorkingCalendar` resolves the hours of every date in [first_year, last_year] once, at
construction, and keeps sorted integer lists over the working days only: the opening
and closing instants (microseconds since the Unix epoch, UTC) and the working
microseconds accumulated before and to the end of each day (prefix sums). Every instant then
has a *working position*: the working microseconds between the start of the range and
that instant, where an instant outside hours counts as the next opening. `elapsed` is a
difference of two positions and `add` the inverse lookup, each a `bisect` over those
lists: a few microseconds per call whatever the span, all in exact integer arithmetic.

Conventions
-----------
- Working hours are half-open, [opens, closes): 16:00 itself is outside.
- A start outside hours begins at the next opening.
- A positive duration that ends exactly at a closing time returns that closing time
  (Mon 15:00 + 1 h = Mon 16:00, not Tue 08:00); a zero duration returns the start
  itself, moved to the next opening if outside hours (Mon 16:00 + 0 = Tue 08:00).
- Instants must be timezone-aware, in any zone; results are in the calendar's zone.
- The index is not extended on demand: an instant outside [first_year, last_year], or a
  deadline falling after the last working day of last_year, raises ValueError naming the
  range. Build the calendar over the years the application needs (the default,
  2015-2040, takes about 30 ms once the holidays are cached, and about 1.5 MB),
  and keep it: it never changes after construction, so one instance can serve every
  request and thread.
- Wall-clock hours are resolved in the calendar's zone with fold=0; Asia/Jakarta has
  had no daylight-saving time since 1964, so this only matters for other zones.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from hai.sla.holidays_id import indonesian_holidays

JAKARTA = ZoneInfo("Asia/Jakarta")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Hours:
    """Service hours of one day, [opens, closes) in local wall-clock time."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("Hours take naive wall-clock times (the calendar has the zone)")
        if not self.opens < self.closes:
            raise ValueError(f"opening time {self.opens} must be before closing {self.closes}")


@dataclass(frozen=True)
class DayRule:
    """One administrator exception, resolved to an inclusive date range.

    `hours=None` makes the dates days off; `Hours` makes them working days with those
    hours, even a holiday or a weekend day.
    """

    start: date
    end: date
    hours: Hours | None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"exception ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


STANDARD_HOURS = Hours(time(8, 0), time(16, 0))
DEFAULT_WEEKLY: Mapping[int, Hours | None] = MappingProxyType(
    {
        0: STANDARD_HOURS,
        1: STANDARD_HOURS,
        2: STANDARD_HOURS,
        3: STANDARD_HOURS,
        4: STANDARD_HOURS,
        5: None,
        6: None,
    }
)
_NO_HOLIDAYS: Mapping[date, str] = MappingProxyType({})


def _to_us(instant: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime, exactly."""
    try:
        # Aware minus aware is exact; a naive datetime (or one whose tzinfo gives no
        # offset) raises TypeError here, and is diagnosed only then, off the fast path.
        return (instant - _EPOCH) // _ONE_US
    except TypeError:
        raise _not_aware(instant) from None


def _not_aware(instant: object) -> Exception:
    if isinstance(instant, datetime):
        return ValueError(f"naive datetime {instant.isoformat()}: pass a timezone-aware one")
    return TypeError(f"expected a timezone-aware datetime, got {type(instant).__name__}")


def _duration_us(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise TypeError(f"expected a timedelta, got {type(duration).__name__}")
    micros = duration // _ONE_US
    if micros < 0:
        raise ValueError(f"negative duration {duration}")
    return micros


class WorkingCalendar:
    """Working hours over [first_year, last_year], with exact add/elapsed in O(log days).

    Precedence for a date: the last exception covering it wins, then a holiday makes it
    a day off, then the weekly pattern applies.
    """

    def __init__(
        self,
        *,
        tz: tzinfo = JAKARTA,
        weekly: Mapping[int, Hours | None] = DEFAULT_WEEKLY,
        holidays: Mapping[date, str] = _NO_HOLIDAYS,
        exceptions: Sequence[DayRule] = (),
        first_year: int = 2015,
        last_year: int = 2040,
    ) -> None:
        unknown = set(weekly) - set(range(7))
        if unknown:
            raise ValueError(f"weekly keys are weekdays 0 (Monday) to 6, got {sorted(unknown)}")
        if first_year > last_year:
            raise ValueError(f"first_year {first_year} is after last_year {last_year}")
        self.tz = tz
        self.first_day = date(first_year, 1, 1)
        self.last_day = date(last_year, 12, 31)
        self._weekly: tuple[Hours | None, ...] = tuple(weekly.get(d) for d in range(7))
        self._holidays: dict[date, str] = dict(holidays)
        self._exceptions: tuple[DayRule, ...] = tuple(exceptions)

        # Hours of every date in the range: weekly pattern, then holidays, then the
        # exceptions in order, so that the last one wins.
        n_days = (self.last_day - self.first_day).days + 1
        day_hours: list[Hours | None] = [
            self._weekly[(self.first_day + timedelta(days=i)).weekday()] for i in range(n_days)
        ]
        for day in self._holidays:
            if self.first_day <= day <= self.last_day:
                day_hours[(day - self.first_day).days] = None
        for rule in self._exceptions:
            lo = max(rule.start, self.first_day)
            hi = min(rule.end, self.last_day)
            if lo <= hi:
                first, last = (lo - self.first_day).days, (hi - self.first_day).days
                day_hours[first : last + 1] = [rule.hours] * (last - first + 1)
        self._day_hours = day_hours

        # Working days only: opening and closing instants and the prefix sums of working
        # microseconds before (cum_start) and up to the end of (cum_end) each day.
        opens: list[int] = []
        closes: list[int] = []
        # The opening as an aware local datetime, for days whose UTC offset is the same at
        # opening and closing (every day in Asia/Jakarta): a result on such a day is this
        # plus a timedelta, wall-clock arithmetic that is exact there and cheaper than a
        # conversion from UTC. None on a day with a DST transition during service hours.
        local_opens: list[datetime | None] = []
        cum_start: list[int] = []
        cum_end: list[int] = []
        total = 0
        for i, hours in enumerate(day_hours):
            if hours is None:
                continue
            day = self.first_day + timedelta(days=i)
            local_open = datetime.combine(day, hours.opens, tzinfo=tz)
            local_close = datetime.combine(day, hours.closes, tzinfo=tz)
            o, c = _to_us(local_open), _to_us(local_close)
            if c <= o or (closes and o < closes[-1]):
                # Only possible around a daylight-saving transition in another zone.
                raise ValueError(f"hours {hours} on {day} do not form a valid interval in {tz}")
            opens.append(o)
            closes.append(c)
            same_offset = local_open.utcoffset() == local_close.utcoffset()
            local_opens.append(local_open if same_offset else None)
            cum_start.append(total)
            total += c - o
            cum_end.append(total)
        self._opens = opens
        self._closes = closes
        self._local_opens = local_opens
        self._cum_start = cum_start
        self._cum_end = cum_end
        self._lo_us = _to_us(datetime.combine(self.first_day, time(0), tzinfo=tz))
        self._hi_us = _to_us(datetime.combine(self.last_day + _ONE_DAY, time(0), tzinfo=tz))

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(tz={self.tz}, {self.first_day}..{self.last_day}, "
            f"{len(self._opens)} working days, {len(self._exceptions)} exceptions)"
        )

    # -- dates ------------------------------------------------------------------------

    def hours_on(self, day: date) -> Hours | None:
        """Service hours on a date, or None for a day off (any date, even out of range)."""
        if self.first_day <= day <= self.last_day:
            return self._day_hours[(day - self.first_day).days]
        for rule in reversed(self._exceptions):
            if rule.covers(day):
                return rule.hours
        if day in self._holidays:
            return None
        return self._weekly[day.weekday()]

    def holiday_name(self, day: date) -> str | None:
        """Name of the holiday observed on a date.

        None if the date is not a holiday, or if an administrator's exception made it a
        working day (the holiday is then not observed). A holiday that an exception also
        marks as a day off keeps its name.
        """
        name = self._holidays.get(day)
        if name is None:
            return None
        for rule in reversed(self._exceptions):
            if rule.covers(day):
                return name if rule.hours is None else None
        return name

    # -- instants ---------------------------------------------------------------------

    def _out_of_range(self, instant: datetime) -> ValueError:
        return ValueError(
            f"{instant.isoformat()} is outside the working calendar's range "
            f"{self.first_day}..{self.last_day} ({self.tz}); build the calendar with "
            "a wider first_year/last_year"
        )

    def _beyond_range(self) -> ValueError:
        return ValueError(
            f"the result falls after the last working day up to {self.last_day}; build the "
            "calendar with a later last_year"
        )

    def _us(self, instant: datetime) -> int:
        """Epoch microseconds of an instant, checked against the indexed range."""
        t = _to_us(instant)
        if not self._lo_us <= t < self._hi_us:
            raise self._out_of_range(instant)
        return t

    def _instant(self, micros: int) -> datetime:
        return (_EPOCH + _ONE_US * micros).astimezone(self.tz)

    def _on_day(self, j: int, offset: int) -> datetime:
        """The instant `offset` microseconds after the opening of working day j."""
        local_open = self._local_opens[j]
        if local_open is None:
            return self._instant(self._opens[j] + offset)
        return local_open + _ONE_US * offset

    def _position(self, t: int) -> int:
        """Working microseconds from the start of the range to epoch-microsecond t.

        An instant outside hours has the position of the next opening.
        """
        k = bisect_right(self._opens, t) - 1  # last working day that opened at or before t
        if k < 0:
            return 0
        if t >= self._closes[k]:
            return self._cum_end[k]
        return self._cum_start[k] + (t - self._opens[k])

    def is_working_time(self, instant: datetime) -> bool:
        """Whether an instant is within service hours, [opens, closes)."""
        t = self._us(instant)
        k = bisect_right(self._opens, t) - 1
        return k >= 0 and t < self._closes[k]

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself if in working time, else the next opening."""
        t = self._us(instant)
        k = bisect_right(self._opens, t) - 1
        if k >= 0 and t < self._closes[k]:
            return self._instant(t)
        if k + 1 >= len(self._opens):
            raise self._beyond_range()
        return self._on_day(k + 1, 0)

    def add(self, instant: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of working time after `instant` (see the conventions)."""
        # The hot path of the SLA engine: _us, _position and _on_day are inlined here.
        d = _duration_us(duration)
        t = _to_us(instant)
        if not self._lo_us <= t < self._hi_us:
            raise self._out_of_range(instant)
        opens, cum_start, cum_end = self._opens, self._cum_start, self._cum_end
        k = bisect_right(opens, t) - 1
        if k < 0:
            p = d
        elif t >= self._closes[k]:
            p = cum_end[k] + d
        else:
            p = cum_start[k] + (t - opens[k]) + d
        # The working day that holds position p. For d > 0 a position equal to a day's
        # cum_end belongs to that day (the deadline stays at its closing time); for d == 0
        # it belongs to the next day (the start moves to the next opening).
        j = bisect_left(cum_end, p) if d else bisect_right(cum_end, p)
        if j >= len(opens):
            raise self._beyond_range()
        offset = p - cum_start[j]
        local_open = self._local_opens[j]
        if local_open is None:
            return self._instant(opens[j] + offset)
        return local_open + _ONE_US * offset

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants; negative if end is before start."""
        return _ONE_US * (self._position(self._us(end)) - self._position(self._us(start)))


def default_calendar(
    *,
    exceptions: Sequence[DayRule] = (),
    first_year: int = 2015,
    last_year: int = 2040,
) -> WorkingCalendar:
    """Monday-Friday 08:00-16:00 WIB with the Indonesian holidays and cuti bersama of the
    range, plus the administrators' exceptions (the last matching one wins)."""
    return WorkingCalendar(
        tz=JAKARTA,
        weekly=DEFAULT_WEEKLY,
        holidays=indonesian_holidays(range(first_year, last_year + 1)),
        exceptions=exceptions,
        first_year=first_year,
        last_year=last_year,
    )
