"""Reading the roster: a week's grid, an agent's own entries, and who is on duty."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from hai.auth.models import User, UserRole
from hai.extensions import db
from hai.schedules.models import RosterEntry, Shift
from hai.schedules.services import ROSTER_ROLES
from hai.web.timefmt import WIB

ON_DUTY = "Sedang bertugas"
OTHERS = "Lainnya"


def shifts(*, active_only: bool = False) -> list[Shift]:
    query = select(Shift).order_by(Shift.starts, Shift.position, Shift.id)
    if active_only:
        query = query.where(Shift.is_active.is_(True))
    return list(db.session.scalars(query))


def rosterable_agents() -> list[User]:
    """Active L1, L2 and CSO agents, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(ROSTER_ROLES))),
            )
            .order_by(User.name, User.id)
        )
    )


def channel_names() -> dict[str, str]:
    from hai.catalog.queries import list_channels

    return {c.code: c.name for c in list_channels()}


@dataclass(frozen=True)
class WeekGrid:
    monday: date
    days: list[date]
    shifts: list[Shift]
    # (day, shift id) -> channel code -> entries
    cells: dict[tuple[date, int], dict[str, list[RosterEntry]]]
    count: int


def week_grid(monday: date) -> WeekGrid:
    """The roster of the week starting ``monday``: days × shifts, agents per channel."""
    days = [monday + timedelta(days=n) for n in range(7)]
    entries = list(
        db.session.scalars(
            select(RosterEntry)
            .options(joinedload(RosterEntry.user))
            .where(RosterEntry.day >= days[0], RosterEntry.day <= days[-1])
            .order_by(RosterEntry.day, RosterEntry.channel_code, RosterEntry.id)
        )
    )
    cells: dict[tuple[date, int], dict[str, list[RosterEntry]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for e in entries:
        cells[(e.day, e.shift_id)][e.channel_code].append(e)
    used = {e.shift_id for e in entries}
    shown = [s for s in shifts() if s.is_active or s.id in used]
    return WeekGrid(monday, days, shown, cells, len(entries))


def entries_of(user_id: int, start: date, end: date) -> list[RosterEntry]:
    """An agent's entries from ``start`` to ``end`` (both included), in time order."""
    return sorted(
        db.session.scalars(
            select(RosterEntry).where(
                RosterEntry.user_id == user_id,
                RosterEntry.day >= start,
                RosterEntry.day <= end,
            )
        ),
        key=lambda e: (e.day, e.shift.starts),
    )


def _rostered_at(at: datetime) -> list:
    """Entries whose shift of that WIB date has started (start included) and not ended
    (end excluded) at the instant ``at``; the query must join Shift."""
    local = at.astimezone(WIB)
    moment = local.time().replace(tzinfo=None)
    return [RosterEntry.day == local.date(), Shift.starts <= moment, Shift.ends > moment]


def on_duty(at: datetime, channel: str | None = None) -> list[User]:
    """The active agents rostered at the instant ``at`` (on ``channel`` when given)."""
    query = (
        select(User)
        .where(
            User.is_active.is_(True),
            User.id.in_(
                select(RosterEntry.user_id)
                .join(Shift, Shift.id == RosterEntry.shift_id)
                .where(
                    *_rostered_at(at), *([RosterEntry.channel_code == channel] if channel else [])
                )
            ),
        )
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def duty_channels(at: datetime) -> dict[int, list[str]]:
    """Agent id -> the channels they are rostered on at ``at``."""
    rows = db.session.execute(
        select(RosterEntry.user_id, RosterEntry.channel_code)
        .join(Shift, Shift.id == RosterEntry.shift_id)
        .where(*_rostered_at(at))
        .order_by(RosterEntry.channel_code)
    )
    rv: dict[int, list[str]] = defaultdict(list)
    for user_id, code in rows:
        rv[user_id].append(code)
    return rv


def on_duty_first(people: list[tuple[int, str]], *, at: datetime) -> list[SelectChoice]:
    """Assignee choices with the agents on duty at ``at`` first (group "Sedang bertugas",
    their channels named), then the others ("Lainnya"); without anyone of ``people`` on
    duty, the list as given. Every place that assigns tickets offers its people so."""
    channels = duty_channels(at)
    if not any(value in channels for value, _ in people):
        return [SelectChoice(str(value), label) for value, label in people]
    names = channel_names()
    first = [
        SelectChoice(
            str(value),
            f"{label} — {', '.join(names.get(c, c) for c in channels[value])}",
            optgroup=ON_DUTY,
        )
        for value, label in people
        if value in channels
    ]
    rest = [
        SelectChoice(str(value), label, optgroup=OTHERS)
        for value, label in people
        if value not in channels
    ]
    return first + rest
