"""Working-time engine: edge cases on hand-built and real Indonesian calendars, and
property tests against a slow minute-by-minute reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hai.sla.holidays_id import indonesian_holidays
from hai.sla.worktime import (
    DEFAULT_WEEKLY,
    JAKARTA,
    STANDARD_HOURS,
    DayRule,
    Hours,
    WorkingCalendar,
    default_calendar,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
UTC_PLUS_9 = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def wib(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=JAKARTA)


@pytest.fixture(scope="module")
def real() -> WorkingCalendar:
    """Mon-Fri 08-16 WIB with the real Indonesian holidays and cuti bersama."""
    return default_calendar(first_year=2015, last_year=2040)


@pytest.fixture(scope="module")
def plain() -> WorkingCalendar:
    """Mon-Fri 08-16 WIB, no holidays at all."""
    return WorkingCalendar(first_year=2024, last_year=2026)


# -- the holidays package ---------------------------------------------------------------


def test_cuti_bersama_2025_as_the_package_has_them() -> None:
    table = indonesian_holidays([2025])
    cuti = sorted(d for d, name in table.items() if name.startswith("Cuti Bersama"))
    expected = [
        date(2025, 1, 28),
        date(2025, 3, 28),
        date(2025, 4, 2),
        date(2025, 4, 3),
        date(2025, 4, 4),
        date(2025, 4, 7),
        date(2025, 5, 13),
        date(2025, 5, 30),
        date(2025, 6, 9),
        date(2025, 8, 18),
        date(2025, 12, 26),
    ]
    assert cuti == expected
    assert table[date(2025, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert date(2026, 1, 1) in indonesian_holidays([2026])


def test_indonesian_holidays_merges_years_and_is_not_corrupted_by_callers() -> None:
    both = indonesian_holidays([2025, 2026, 2025])
    assert {d.year for d in both} == {2025, 2026}
    both.clear()
    assert date(2025, 1, 1) in indonesian_holidays([2025])


# -- value objects ----------------------------------------------------------------------


def test_hours_and_rules_are_validated() -> None:
    with pytest.raises(ValueError):
        Hours(time(16), time(8))
    with pytest.raises(ValueError):
        Hours(time(8), time(8))
    with pytest.raises(ValueError):
        DayRule(date(2025, 1, 2), date(2025, 1, 1), None)
    with pytest.raises(ValueError):
        WorkingCalendar(weekly={7: STANDARD_HOURS})
    with pytest.raises(ValueError):
        WorkingCalendar(first_year=2026, last_year=2025)


# -- the listed edge cases, on both calendars -------------------------------------------


@pytest.fixture(params=["plain", "real"])
def cal(request: pytest.FixtureRequest) -> WorkingCalendar:
    return request.getfixturevalue(request.param)


def test_friday_afternoon_rolls_over_the_weekend(cal: WorkingCalendar) -> None:
    # 2025-03-07 is a Friday; neither it nor Monday 03-10 is a holiday.
    assert cal.add(wib(2025, 3, 7, 15, 30), H) == wib(2025, 3, 10, 8, 30)


@pytest.mark.parametrize(
    "at", [time(0), time(7, 59), time(12, 34, 56, 789), time(23, 59, 59, 999999)]
)
@pytest.mark.parametrize("day", [date(2025, 3, 8), date(2025, 3, 9)])  # Saturday, Sunday
def test_weekend_start_begins_monday_morning(cal: WorkingCalendar, day: date, at: time) -> None:
    start = datetime.combine(day, at, tzinfo=JAKARTA)
    assert cal.add(start, H) == wib(2025, 3, 10, 9)


def test_early_start_begins_at_opening(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 7), H) == wib(2025, 3, 4, 9)


def test_deadline_on_closing_time_stays_there(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 15), H) == wib(2025, 3, 4, 16)
    assert cal.add(wib(2025, 3, 4, 8), 8 * H) == wib(2025, 3, 4, 16)


def test_start_at_closing_time_is_outside_hours(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 16), H) == wib(2025, 3, 5, 9)
    assert cal.add(wib(2025, 3, 7, 16), H) == wib(2025, 3, 10, 9)  # Friday


def test_zero_duration(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 16), timedelta(0)) == wib(2025, 3, 5, 8)
    assert cal.add(wib(2025, 3, 4, 10), timedelta(0)) == wib(2025, 3, 4, 10)
    assert cal.add(wib(2025, 3, 4, 7), timedelta(0)) == wib(2025, 3, 4, 8)
    assert cal.add(wib(2025, 3, 8, 11), timedelta(0)) == wib(2025, 3, 10, 8)
    last = wib(2025, 3, 4, 15, 59, 59, 999999)
    assert cal.add(last, timedelta(0)) == last


def test_microsecond_exactness(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 15, 59, 59, 999999), US) == wib(2025, 3, 4, 16)
    assert cal.add(wib(2025, 3, 4, 16), US) == wib(2025, 3, 5, 8, 0, 0, 1)
    assert cal.elapsed(wib(2025, 3, 4, 10), wib(2025, 3, 4, 10, 0, 0, 7)) == 7 * US


def test_eight_working_hours_is_one_working_day(cal: WorkingCalendar) -> None:
    assert cal.add(wib(2025, 3, 4, 10, 15), 8 * H) == wib(2025, 3, 5, 10, 15)
    assert cal.elapsed(wib(2025, 3, 4, 8), wib(2025, 3, 5, 8)) == 8 * H
    assert cal.elapsed(wib(2025, 3, 4, 0), wib(2025, 3, 4, 23, 59)) == 8 * H
    assert cal.add(wib(2025, 3, 3, 8), 5 * 8 * H) == wib(2025, 3, 7, 16)  # Mon 08 -> Fri 16


def test_elapsed_over_a_weekend_and_reversed(cal: WorkingCalendar) -> None:
    fri, mon = wib(2025, 3, 7, 15), wib(2025, 3, 10, 9)
    assert cal.elapsed(fri, mon) == 2 * H
    assert cal.elapsed(mon, fri) == -2 * H
    assert cal.elapsed(wib(2025, 3, 8, 9), wib(2025, 3, 9, 17)) == timedelta(0)
    assert cal.elapsed(wib(2025, 3, 7, 16), wib(2025, 3, 10, 8)) == timedelta(0)
    assert cal.elapsed(fri, fri) == timedelta(0)


def test_other_zones_give_the_same_answer_in_the_calendar_zone(cal: WorkingCalendar) -> None:
    expected = wib(2025, 3, 10, 8, 30)
    start = wib(2025, 3, 7, 15, 30)
    for zone in (UTC, UTC_PLUS_9, NEW_YORK, timezone(timedelta(hours=-3, minutes=-30))):
        result = cal.add(start.astimezone(zone), H)
        assert result == expected
        assert result.tzinfo is JAKARTA
        assert result.replace(tzinfo=None) == datetime(2025, 3, 10, 8, 30)
    assert cal.add(datetime(2025, 3, 7, 8, 30, tzinfo=UTC), H) == expected  # 15:30 WIB
    assert cal.elapsed(start.astimezone(NEW_YORK), expected.astimezone(UTC)) == H


def test_naive_datetimes_are_refused(cal: WorkingCalendar) -> None:
    naive = datetime(2025, 3, 4, 10)
    aware = wib(2025, 3, 4, 10)
    with pytest.raises(ValueError, match="naive"):
        cal.add(naive, H)
    with pytest.raises(ValueError, match="naive"):
        cal.elapsed(naive, aware)
    with pytest.raises(ValueError, match="naive"):
        cal.elapsed(aware, naive)
    with pytest.raises(ValueError, match="naive"):
        cal.is_working_time(naive)
    with pytest.raises(ValueError, match="naive"):
        cal.next_opening(naive)


def test_negative_durations_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add(wib(2025, 3, 4, 10), -US)


def test_is_working_time_and_next_opening(cal: WorkingCalendar) -> None:
    assert not cal.is_working_time(wib(2025, 3, 4, 7, 59, 59, 999999))
    assert cal.is_working_time(wib(2025, 3, 4, 8))
    assert cal.is_working_time(wib(2025, 3, 4, 15, 59, 59, 999999))
    assert not cal.is_working_time(wib(2025, 3, 4, 16))
    assert not cal.is_working_time(wib(2025, 3, 8, 10))  # Saturday
    assert cal.next_opening(wib(2025, 3, 4, 10, 5)) == wib(2025, 3, 4, 10, 5)
    assert cal.next_opening(wib(2025, 3, 4, 16)) == wib(2025, 3, 5, 8)
    assert cal.next_opening(wib(2025, 3, 7, 16, 30)) == wib(2025, 3, 10, 8)
    assert cal.next_opening(datetime(2025, 3, 4, 3, 5, tzinfo=UTC)) == wib(2025, 3, 4, 10, 5)
    assert cal.next_opening(datetime(2025, 3, 4, 3, 5, tzinfo=UTC)).tzinfo is JAKARTA


# -- real holidays ----------------------------------------------------------------------


def test_across_independence_day_cuti_bersama(real: WorkingCalendar) -> None:
    # Fri 2025-08-15 15:00: one hour that day; Sun 08-17 is Independence Day and
    # Mon 08-18 its cuti bersama, so the second hour is Tue 08-19 08:00-09:00.
    assert real.holiday_name(date(2025, 8, 18)) == (
        "Cuti Bersama Hari Kemerdekaan Republik Indonesia"
    )
    assert real.hours_on(date(2025, 8, 18)) is None
    assert real.add(wib(2025, 8, 15, 15), 2 * H) == wib(2025, 8, 19, 9)
    assert real.elapsed(wib(2025, 8, 15, 15), wib(2025, 8, 19, 9)) == 2 * H


def test_year_boundary(real: WorkingCalendar) -> None:
    assert real.holiday_name(date(2026, 1, 1)) == "Tahun Baru Masehi"
    assert real.add(wib(2025, 12, 31, 15), 2 * H) == wib(2026, 1, 2, 9)
    assert real.add(wib(2025, 12, 31, 15), H) == wib(2025, 12, 31, 16)
    # Christmas Thu 12-25 and its cuti bersama Fri 12-26: Wed 12-24 15:00 + 2 h -> Mon 12-29.
    assert real.add(wib(2025, 12, 24, 15), 2 * H) == wib(2025, 12, 29, 9)


def test_idul_fitri_2025_week(real: WorkingCalendar) -> None:
    # Thu 03-27 15:00; off: Fri 03-28 (cuti Nyepi), 03-31 and 04-01 (Idul Fitri),
    # 04-02..04 and Mon 04-07 (cuti bersama). Next working day: Tue 04-08.
    assert real.add(wib(2025, 3, 27, 15), 2 * H) == wib(2025, 4, 8, 9)
    assert real.elapsed(wib(2025, 3, 27, 8), wib(2025, 4, 9, 8)) == 2 * 8 * H


def test_range_limits(real: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="outside the working calendar's range"):
        real.add(wib(2014, 12, 31, 10), H)
    with pytest.raises(ValueError, match="outside the working calendar's range"):
        real.elapsed(wib(2025, 1, 2, 10), wib(2041, 1, 2, 10))
    with pytest.raises(ValueError, match="last_year"):
        real.add(wib(2040, 12, 28, 10), 80 * H)
    assert real.add(wib(2015, 1, 1, 0), timedelta(0)) == wib(2015, 1, 2, 8)  # 01-01 holiday
    assert real.elapsed(wib(2015, 1, 1, 0), wib(2015, 1, 2, 9)) == H


# -- administrators' exceptions ---------------------------------------------------------


def test_added_day_off(plain: WorkingCalendar) -> None:
    rule = DayRule(date(2025, 3, 5), date(2025, 3, 5), None)  # Wednesday
    cal = WorkingCalendar(exceptions=[rule], first_year=2024, last_year=2026)
    assert cal.hours_on(date(2025, 3, 5)) is None
    assert cal.holiday_name(date(2025, 3, 5)) is None
    assert cal.add(wib(2025, 3, 4, 15), 2 * H) == wib(2025, 3, 6, 9)
    assert plain.add(wib(2025, 3, 4, 15), 2 * H) == wib(2025, 3, 5, 9)
    assert cal.elapsed(wib(2025, 3, 4, 8), wib(2025, 3, 6, 8)) == 8 * H


def test_added_day_off_on_the_real_calendar() -> None:
    cal = default_calendar(
        exceptions=[DayRule(date(2025, 8, 19), date(2025, 8, 20), None)],
        first_year=2025,
        last_year=2026,
    )
    assert cal.add(wib(2025, 8, 15, 15), 2 * H) == wib(2025, 8, 21, 9)


def test_removed_holiday_becomes_a_working_day() -> None:
    cal = default_calendar(
        exceptions=[DayRule(date(2025, 8, 18), date(2025, 8, 18), STANDARD_HOURS)],
        first_year=2025,
        last_year=2026,
    )
    assert cal.hours_on(date(2025, 8, 18)) == STANDARD_HOURS
    assert cal.holiday_name(date(2025, 8, 18)) is None  # no longer observed
    assert cal.add(wib(2025, 8, 15, 15), 2 * H) == wib(2025, 8, 18, 9)


def test_weekend_made_a_working_day(plain: WorkingCalendar) -> None:
    saturday = date(2025, 3, 8)
    cal = WorkingCalendar(
        exceptions=[DayRule(saturday, saturday, Hours(time(9), time(12)))],
        first_year=2024,
        last_year=2026,
    )
    assert cal.add(wib(2025, 3, 7, 15, 30), H) == wib(2025, 3, 8, 9, 30)
    assert cal.add(wib(2025, 3, 7, 15, 30), 4 * H) == wib(2025, 3, 10, 8, 30)
    assert plain.add(wib(2025, 3, 7, 15, 30), 4 * H) == wib(2025, 3, 10, 11, 30)


def test_changed_hours_for_a_date_range() -> None:
    ramadan = DayRule(date(2025, 3, 3), date(2025, 3, 27), Hours(time(8), time(15)))
    cal = default_calendar(exceptions=[ramadan], first_year=2025, last_year=2026)
    assert cal.hours_on(date(2025, 3, 4)) == Hours(time(8), time(15))
    assert cal.hours_on(date(2025, 3, 8)) == Hours(time(8), time(15))  # Saturday too: rule wins
    assert cal.add(wib(2025, 3, 4, 14, 30), H) == wib(2025, 3, 5, 8, 30)
    assert cal.add(wib(2025, 3, 4, 14), H) == wib(2025, 3, 4, 15)
    assert not cal.is_working_time(wib(2025, 3, 4, 15))
    assert cal.elapsed(wib(2025, 3, 4, 0), wib(2025, 3, 5, 0)) == 7 * H
    # Last shortened day, then the Idul Fitri days off, then normal hours again.
    assert cal.add(wib(2025, 3, 27, 14, 30), H) == wib(2025, 4, 8, 8, 30)
    assert cal.add(wib(2025, 4, 8, 15, 30), H) == wib(2025, 4, 9, 8, 30)


def test_precedence_last_exception_then_holiday_then_weekly() -> None:
    d = date(2025, 3, 5)  # a Wednesday
    holiday = {d: "Hari Uji"}
    short, shorter = Hours(time(8), time(12)), Hours(time(9), time(11))
    assert WorkingCalendar(holidays=holiday).hours_on(d) is None
    assert WorkingCalendar(holidays=holiday).holiday_name(d) == "Hari Uji"
    cal = WorkingCalendar(
        holidays=holiday,
        exceptions=[DayRule(date(2025, 3, 1), date(2025, 3, 31), short), DayRule(d, d, shorter)],
    )
    assert cal.hours_on(d) == shorter
    assert cal.hours_on(date(2025, 3, 6)) == short
    assert cal.holiday_name(d) is None
    cal = WorkingCalendar(
        holidays=holiday,
        exceptions=[DayRule(d, d, shorter), DayRule(date(2025, 3, 1), date(2025, 3, 31), None)],
    )
    assert cal.hours_on(d) is None
    assert cal.holiday_name(d) == "Hari Uji"  # off anyway: keeps its name
    # Outside the indexed range the same precedence applies, without the index.
    far = date(2050, 3, 2)  # a Wednesday
    cal = WorkingCalendar(
        holidays={far: "Jauh"}, exceptions=[DayRule(far, far, short)], last_year=2026
    )
    assert cal.hours_on(far) == short
    assert cal.hours_on(date(2050, 3, 3)) == STANDARD_HOURS
    assert cal.hours_on(date(2050, 3, 5)) is None  # Saturday


def test_exceptions_partly_outside_the_range_are_clipped() -> None:
    rule = DayRule(date(2023, 12, 1), date(2024, 1, 2), None)
    cal = WorkingCalendar(exceptions=[rule], first_year=2024, last_year=2024)
    assert cal.add(wib(2024, 1, 1, 0), timedelta(0)) == wib(2024, 1, 3, 8)
    assert cal.hours_on(date(2023, 12, 4)) is None


def test_daylight_saving_transition_inside_hours_counts_real_time() -> None:
    # Not an Indonesian case (WIB has no DST): the engine counts elapsed real time, so on
    # 2025-03-09 in New York (02:00 EST -> 03:00 EDT) 01:00-05:00 holds three hours.
    every_day = dict.fromkeys(range(7), Hours(time(1), time(5)))
    cal = WorkingCalendar(tz=NEW_YORK, weekly=every_day, first_year=2025, last_year=2025)
    start = datetime(2025, 3, 9, 1, tzinfo=NEW_YORK)
    assert cal.elapsed(start, datetime(2025, 3, 9, 5, tzinfo=NEW_YORK)) == 3 * H
    assert cal.add(start, 2 * H) == datetime(2025, 3, 9, 4, tzinfo=NEW_YORK)
    assert cal.add(start, 3 * H) == datetime(2025, 3, 9, 5, tzinfo=NEW_YORK)
    assert cal.add(start, 4 * H) == datetime(2025, 3, 10, 2, tzinfo=NEW_YORK)
    # One hour left on 03-08, then one real hour after 01:00 EST is 03:00 EDT.
    assert cal.add(datetime(2025, 3, 8, 4, tzinfo=NEW_YORK), 2 * H) == datetime(
        2025, 3, 9, 3, tzinfo=NEW_YORK
    )


# -- properties -------------------------------------------------------------------------

PROP_HOLIDAYS = indonesian_holidays(range(2023, 2029))
PROP_RULES = [
    DayRule(date(2025, 3, 3), date(2025, 3, 27), Hours(time(8), time(15))),
    DayRule(date(2024, 6, 15), date(2024, 6, 15), Hours(time(7, 30), time(11, 45))),
    DayRule(date(2026, 2, 9), date(2026, 2, 13), None),
    DayRule(date(2025, 8, 18), date(2025, 8, 18), STANDARD_HOURS),
]
PROP_CAL = WorkingCalendar(
    holidays=PROP_HOLIDAYS, exceptions=PROP_RULES, first_year=2023, last_year=2028
)
ZONES = [UTC, JAKARTA, UTC_PLUS_9, NEW_YORK, timezone(timedelta(hours=5, minutes=45))]
_LO = int(datetime(2024, 1, 1, tzinfo=JAKARTA).timestamp()) * 10**6
_HI = int(datetime(2027, 1, 1, tzinfo=JAKARTA).timestamp()) * 10**6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    # Any microsecond, or a whole hour (so that deadlines often land on closing times).
    micros = draw(
        st.one_of(
            st.integers(_LO, _HI - 1),
            st.integers(0, (_HI - _LO) // 3_600_000_000 - 1).map(lambda h: _LO + h * 3_600_000_000),
        )
    )
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(draw(st.sampled_from(ZONES)))


durations = st.one_of(
    st.integers(0, 60 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us)),
    st.integers(0, 60).map(lambda h: h * H),
)


@settings(max_examples=300, deadline=None)
@given(instants(), durations)
def test_elapsed_inverts_add(s: datetime, d: timedelta) -> None:
    due = PROP_CAL.add(s, d)
    assert PROP_CAL.elapsed(s, due) == d
    assert PROP_CAL.elapsed(due, s) == -d
    # A positive duration ends right after a working microsecond (possibly at closing
    # time); a zero one at the next opening.
    assert PROP_CAL.is_working_time(due - US if d else due)


@settings(max_examples=300, deadline=None)
@given(instants(), durations, durations)
def test_add_is_monotonic_in_duration_and_composes(
    s: datetime, d1: timedelta, d2: timedelta
) -> None:
    d1, d2 = min(d1, d2), max(d1, d2)
    assert PROP_CAL.add(s, d1) <= PROP_CAL.add(s, d2)
    if d2 > d1:
        assert PROP_CAL.add(PROP_CAL.add(s, d1), d2 - d1) == PROP_CAL.add(s, d2)


@settings(max_examples=300, deadline=None)
@given(instants(), instants(), durations)
def test_add_is_monotonic_in_start(s1: datetime, s2: datetime, d: timedelta) -> None:
    s1, s2 = min(s1, s2), max(s1, s2)
    assert PROP_CAL.add(s1, d) <= PROP_CAL.add(s2, d)
    assert PROP_CAL.elapsed(s1, s2) >= timedelta(0)


@settings(max_examples=300, deadline=None)
@given(instants())
def test_zero_duration_is_next_opening(s: datetime) -> None:
    start = PROP_CAL.add(s, timedelta(0))
    assert start == PROP_CAL.next_opening(s)
    assert start >= s
    assert PROP_CAL.is_working_time(start)
    assert PROP_CAL.elapsed(s, start) == timedelta(0)
    assert PROP_CAL.is_working_time(s) == (start == s)


# -- slow minute-by-minute reference ----------------------------------------------------

_REF_BASE = datetime(2024, 1, 1)  # local wall-clock minute 0 (WIB has a fixed offset)


class MinuteReference:
    """Walks minute by minute in local time; knows only the rules, not the engine."""

    def __init__(self, holidays: dict[date, str], rules: list[DayRule]) -> None:
        self.holidays = holidays
        self.rules = rules
        self._days: dict[date, tuple[int, int] | None] = {}

    def _minutes_of(self, day: date) -> tuple[int, int] | None:
        if day not in self._days:
            hours: Hours | None
            matching = [r for r in self.rules if r.start <= day <= r.end]
            if matching:
                hours = matching[-1].hours
            elif day in self.holidays:
                hours = None
            else:
                hours = DEFAULT_WEEKLY.get(day.weekday())
            self._days[day] = (
                None
                if hours is None
                else (
                    hours.opens.hour * 60 + hours.opens.minute,
                    hours.closes.hour * 60 + hours.closes.minute,
                )
            )
        return self._days[day]

    def working(self, minute: int) -> bool:
        span = self._minutes_of(_REF_BASE.date() + timedelta(days=minute // 1440))
        return span is not None and span[0] <= minute % 1440 < span[1]

    def add(self, start: datetime, minutes: int) -> datetime:
        m = (start.astimezone(JAKARTA).replace(tzinfo=None) - _REF_BASE) // M
        if minutes == 0:
            while not self.working(m):
                m += 1
        left = minutes
        while left:
            if self.working(m):
                left -= 1
            m += 1
        return (_REF_BASE + m * M).replace(tzinfo=JAKARTA)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        a = (start.astimezone(JAKARTA).replace(tzinfo=None) - _REF_BASE) // M
        b = (end.astimezone(JAKARTA).replace(tzinfo=None) - _REF_BASE) // M
        lo, hi = min(a, b), max(a, b)
        count = sum(1 for m in range(lo, hi) if self.working(m))
        return count * M if b >= a else -count * M


_REF_DAYS = (date(2026, 12, 31) - date(2024, 1, 1)).days


@st.composite
def day_rules(draw: st.DrawFn) -> DayRule:
    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, _REF_DAYS)))
    end = start + timedelta(days=draw(st.integers(0, 9)))
    if draw(st.booleans()):
        return DayRule(start, end, None)
    opens = draw(st.integers(6 * 60, 11 * 60))
    closes = draw(st.integers(opens + 1, 18 * 60))
    return DayRule(start, end, Hours(time(*divmod(opens, 60)), time(*divmod(closes, 60))))


@st.composite
def minute_instants(draw: st.DrawFn) -> datetime:
    minute = draw(
        st.one_of(
            st.integers(0, _REF_DAYS * 1440),
            st.integers(0, _REF_DAYS * 24).map(lambda h: h * 60),  # whole hours
        )
    )
    local = (_REF_BASE + minute * M).replace(tzinfo=JAKARTA)
    return local.astimezone(draw(st.sampled_from(ZONES)))


@settings(max_examples=300, deadline=None)
@given(
    rules=st.lists(day_rules(), max_size=6),
    start=minute_instants(),
    minutes=st.one_of(
        st.just(0), st.integers(0, 24 * 60), st.integers(1, 24).map(lambda h: h * 60)
    ),
    span=st.integers(0, 10 * 1440),
)
def test_agrees_with_minute_by_minute_reference(
    rules: list[DayRule], start: datetime, minutes: int, span: int
) -> None:
    cal = WorkingCalendar(holidays=PROP_HOLIDAYS, exceptions=rules, first_year=2024, last_year=2027)
    ref = MinuteReference(PROP_HOLIDAYS, rules)
    assert cal.add(start, minutes * M) == ref.add(start, minutes)
    end = start + span * M
    assert cal.elapsed(start, end) == ref.elapsed(start, end)
    assert cal.elapsed(end, start) == ref.elapsed(end, start)
