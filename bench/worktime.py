"""Working-time engine against the `businesstimedelta` package (1.0.1).

Due dates for random (start, working hours) pairs with the Indonesian holidays and cuti
bersama: starts uniformly over 2023-2026 (WIB) at second resolution, durations of 1 to 40
working hours, from a seeded RNG. Both engines get the same pairs; the results are
compared instant by instant.

Run: `python -m bench.worktime [--pairs N] [--baseline-n N] [--seed S]`.

The baseline walks the calendar one working period at a time and, for each period, looks
for the next holiday day by day, so it costs about a millisecond per call: by default it
runs on the first 10,000 pairs only (`--baseline-n 100000` runs all of them, about a
minute on the 2-core machine; same result: 0 disagreements).

A second, smaller set starts on whole hours, so that starts fall exactly on 08:00 and
16:00 and many deadlines land exactly on closing time: only the agreement is reported.

Conventions: businesstimedelta also keeps a deadline that lands on closing time at the
closing time (`period_delta >= td_left` returns `period_start + td_left`), starts a
computation outside hours at the next opening, and treats the closing instant as outside
hours, so no convention difference is expected. A disagreement counts as a *convention
difference* when both answers are the same working position (our `elapsed` between them
is zero, e.g. 16:00 against the next 08:00) and as a *real* one otherwise; real
disagreements must be 0.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hai.sla.worktime import WorkingCalendar

SEED = 20250815
PAIRS = 100_000
BASELINE_N = 10_000
FIRST_YEAR, LAST_YEAR = 2023, 2026
# Holidays and index reach beyond the starts' years so that 40 working hours after a
# late-December start stay covered (the baseline needs a holiday after every start, or
# its next_holiday() returns None and it crashes).
INDEX_YEARS = (2023, 2028)


EDGE_PAIRS = 5_000


def make_pairs(n: int, seed: int, step: int = 1) -> list[tuple[int, int]]:
    """(start offset in seconds from 2023-01-01 00:00 WIB, working hours) pairs, starts
    uniform over the years at a resolution of `step` seconds."""
    from hai.sla.worktime import JAKARTA

    rng = random.Random(seed)
    span = int(
        (
            datetime(LAST_YEAR + 1, 1, 1, tzinfo=JAKARTA)
            - datetime(FIRST_YEAR, 1, 1, tzinfo=JAKARTA)
        ).total_seconds()
    )
    return [(rng.randrange(span // step) * step, rng.randint(1, 40)) for _ in range(n)]


def rate(calls: int, seconds: float) -> str:
    return f"{calls / seconds:>12,.0f} calls/s ({seconds / calls * 1e6:8.2f} µs/call)"


def run_engine(starts: Sequence[datetime], hours: Sequence[int]) -> tuple[list[datetime], float]:
    from hai.sla.worktime import default_calendar

    cal = default_calendar(first_year=INDEX_YEARS[0], last_year=INDEX_YEARS[1])
    add = cal.add
    best = float("inf")
    results: list[datetime] = []
    for _ in range(3):  # best of three: the engine's run is short, so noise matters
        began = time.perf_counter()
        results = [add(s, timedelta(hours=h)) for s, h in zip(starts, hours, strict=True)]
        best = min(best, time.perf_counter() - began)
    return results, best


def run_baseline(starts: Sequence[datetime], hours: Sequence[int]) -> tuple[list[datetime], float]:
    import businesstimedelta as btd
    import pytz

    from hai.sla.holidays_id import indonesian_holidays

    jakarta = pytz.timezone("Asia/Jakarta")
    workday = btd.WorkDayRule(
        start_time=clock(8), end_time=clock(16), working_days=[0, 1, 2, 3, 4], tz=jakarta
    )
    # A frozenset rather than a list: HolidayRule tests `date in holidays` once per day it
    # scans, and a set is the baseline's faster configuration. tz=jakarta so that holidays
    # are Jakarta days (HolidayRule defaults to UTC days).
    holidays = frozenset(indonesian_holidays(range(INDEX_YEARS[0], INDEX_YEARS[1] + 1)))
    rule = btd.Rules([workday, btd.HolidayRule(holidays, tz=jakarta)])
    # Same instants, as pytz-localised Jakarta datetimes (converted outside the timing).
    local = [jakarta.localize(s.replace(tzinfo=None)) for s in starts]
    began = time.perf_counter()
    results = [s + btd.BusinessTimeDelta(rule, hours=h) for s, h in zip(local, hours, strict=True)]
    return results, time.perf_counter() - began


def compare(
    cal: WorkingCalendar,
    starts: Sequence[datetime],
    hours: Sequence[int],
    ours: Sequence[datetime],
    theirs: Sequence[datetime],
) -> tuple[list[int], list[int]]:
    """Indices of the disagreements: (convention differences, real ones)."""
    convention: list[int] = []
    real: list[int] = []
    for i, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
        if mine != other:
            # Same working position (e.g. 16:00 against the next 08:00): a convention.
            same_position = cal.elapsed(mine, other) == timedelta(0)
            (convention if same_position else real).append(i)
    for i in (convention + real)[:5]:
        print(
            f"    {starts[i].isoformat()} + {hours[i]} h: ours {ours[i].isoformat()}, "
            f"businesstimedelta {theirs[i].astimezone(cal.tz).isoformat()}"
        )
    return convention, real


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worktime", description=__doc__)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    parser.add_argument("--baseline-n", type=int, default=BASELINE_N)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    from hai.sla.worktime import JAKARTA, default_calendar

    began = time.perf_counter()
    cal = default_calendar(first_year=2015, last_year=2040)
    build = time.perf_counter() - began
    began = time.perf_counter()
    default_calendar(first_year=2015, last_year=2040)
    rebuild = time.perf_counter() - began

    origin = datetime(FIRST_YEAR, 1, 1, tzinfo=JAKARTA)
    pairs = make_pairs(args.pairs, args.seed)
    starts = [origin + timedelta(seconds=offset) for offset, _ in pairs]
    hours = [h for _, h in pairs]
    n_base = min(args.baseline_n, len(pairs))

    ours, ours_s = run_engine(starts, hours)
    theirs, theirs_s = run_baseline(starts[:n_base], hours[:n_base])

    print(
        f"Working-time due dates, seed {args.seed}: starts {FIRST_YEAR}-{LAST_YEAR} WIB "
        "(second resolution), 1-40 working hours, Indonesian holidays + cuti bersama"
    )
    print(
        f"  calendar build 2015-2040: {build * 1e3:.0f} ms first (holidays package), "
        f"{rebuild * 1e3:.0f} ms again (holidays cached)"
    )
    print(f"  hai.sla.worktime add()     {len(pairs):>7,} pairs {rate(len(pairs), ours_s)}")
    scope = "all pairs" if n_base == len(pairs) else f"first {n_base:,} pairs only: slow"
    print(f"  businesstimedelta 1.0.1    {n_base:>7,} pairs {rate(n_base, theirs_s)}  [{scope}]")
    speed_up = (len(pairs) / ours_s) / (n_base / theirs_s)
    print(f"  speed-up: {speed_up:,.0f}x (calls/s against calls/s)")
    convention, real = compare(cal, starts, hours, ours, theirs)
    where = "all" if n_base == len(pairs) else "the first"
    print(
        f"  compared on {where} {n_base:,} pairs: {len(convention) + len(real)} disagreements"
        f" ({len(convention)} convention differences, {len(real)} real)"
    )

    # Whole-hour starts: exactly 08:00 and 16:00 starts, deadlines exactly on closing time.
    edge_pairs = make_pairs(EDGE_PAIRS, args.seed + 1, step=3600)
    edge_starts = [origin + timedelta(seconds=offset) for offset, _ in edge_pairs]
    edge_hours = [h for _, h in edge_pairs]
    edge_ours, _ = run_engine(edge_starts, edge_hours)
    edge_theirs, _ = run_baseline(edge_starts, edge_hours)
    on_close = sum(1 for due in edge_ours if not cal.is_working_time(due))
    edge_convention, edge_real = compare(cal, edge_starts, edge_hours, edge_ours, edge_theirs)
    print(
        f"  whole-hour starts, {EDGE_PAIRS:,} pairs ({on_close:,} deadlines exactly at closing "
        f"time): {len(edge_convention) + len(edge_real)} disagreements "
        f"({len(edge_convention)} convention differences, {len(edge_real)} real)"
    )

    if real or edge_real:
        raise SystemExit(f"{len(real) + len(edge_real)} real disagreements with businesstimedelta")


if __name__ == "__main__":
    main()
