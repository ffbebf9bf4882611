"""Contacts by WIB hour and weekday from the ticket history, to plan the roster.

Over the last ``weeks`` whole weeks (Monday to Sunday) before a given Monday, every
ticket counts once at the hour and weekday it was *received*, in WIB. Each weekday
occurs exactly ``weeks`` times in that window, so a slot's average per week is its
count divided by ``weeks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from hai.extensions import db
from hai.web.timefmt import DAYS, WIB
from hai.wib_sql import wib_hour, wib_weekday

MAX_WEEKS = 52
HOURS = range(24)


@dataclass(frozen=True)
class HeatMap:
    start: date  # a Monday, included
    end: date  # a Monday, excluded
    weeks: int
    channel: str | None
    counts: list[list[int]]  # [weekday 0-6][hour 0-23]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def top(self) -> int:
        return max((max(row) for row in self.counts), default=0)

    def average(self, weekday: int, hour: int) -> float:
        """Contacts in that slot per week."""
        return round(self.counts[weekday][hour] / self.weeks, 2)

    def rows(self) -> list[tuple[str, list[float]]]:
        """(day name, the 24 hourly averages) for the table."""
        return [(DAYS[d], [self.average(d, h) for h in HOURS]) for d in range(7)]


def contact_heatmap(*, end: date, weeks: int = 8, channel: str | None = None) -> HeatMap:
    """Tickets received in the ``weeks`` whole weeks before the Monday ``end``, counted
    by WIB weekday and hour in one GROUP BY; ``channel`` narrows to one channel."""
    from hai.tickets.models import Ticket

    if end.weekday() != 0:
        raise ValueError("the window ends on a Monday")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks is 1 to {MAX_WEEKS}")
    start = end - timedelta(weeks=weeks)
    day, hour = wib_weekday(Ticket.received_at), wib_hour(Ticket.received_at)
    query = (
        select(day, hour, func.count())
        .where(
            Ticket.received_at >= datetime.combine(start, time(0), tzinfo=WIB),
            Ticket.received_at < datetime.combine(end, time(0), tzinfo=WIB),
        )
        .group_by(day, hour)
    )
    if channel:
        query = query.where(Ticket.channel_code == channel)
    counts = [[0] * 24 for _ in range(7)]
    for d, h, n in db.session.execute(query):
        counts[int(d)][int(h)] = n
    return HeatMap(start, end, weeks, channel or None, counts)


CELL = 22
LABEL_WIDTH = 64
HEADER = 18


def heatmap_chart(heat: HeatMap) -> dict:
    """Geometry of the heat-map as inline SVG: a square per slot, darker for more contacts
    (opacity scaled to the busiest slot); the table after it carries the numbers."""
    top = heat.top or 1
    cells = []
    for d in range(7):
        for h in HOURS:
            n = heat.counts[d][h]
            cells.append(
                {
                    "x": LABEL_WIDTH + h * CELL,
                    "y": HEADER + d * CELL,
                    "opacity": round(0.08 + 0.92 * n / top, 3) if n else 0,
                    "title": f"{DAYS[d]} {h:02d}.00–{h:02d}.59: {heat.average(d, h):g} per minggu",
                }
            )
    return {
        "cells": cells,
        "cell": CELL - 2,
        "days": [(DAYS[d], HEADER + d * CELL + CELL * 0.7) for d in range(7)],
        "hours": [(h, LABEL_WIDTH + h * CELL + CELL / 2) for h in HOURS if h % 3 == 0],
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + 24 * CELL,
        "height": HEADER + 7 * CELL,
    }


def shift_demand(heat: HeatMap, shift_hours: list[tuple[int, time, time]]) -> dict:
    """(weekday, shift id) -> the contacts per week the heat-map expects in that shift:
    the hourly averages it covers, a partly covered hour in proportion."""
    rv = {}
    for shift_id, starts, ends in shift_hours:
        first = starts.hour * 60 + starts.minute
        last = ends.hour * 60 + ends.minute
        for d in range(7):
            total = 0.0
            for h in HOURS:
                covered = min(last, (h + 1) * 60) - max(first, h * 60)
                if covered > 0:
                    total += heat.counts[d][h] / heat.weeks * covered / 60
            rv[(d, shift_id)] = round(total, 1)
    return rv
