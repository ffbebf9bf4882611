"""The QA dashboard's pre-aggregate: its figures per WIB day, kept current incrementally.

Why: a month holds ~170,000 tickets at a million, and summing them on every page view
costs seconds; the dashboard reads instead about a hundred rows per day
(``TicketStat``: per unit scope, dimension and key).

How it stays exact:
- the rows of a day are computed by the same SQL aggregates as the live functions
  (``hai.qa.metrics.on_time_columns`` and friends), ``as_of`` the refresh time;
- a day is *marked* (``TicketStatMark``) in the same transaction as any write to a
  ticket received that day or to a breach detected that day (an ORM flush hook), and by
  the breach-flagging pass; the refresh recomputes the marked days and deletes exactly
  the marks it saw, so a write that commits during a refresh is picked up by the next;
- the only thing that changes without a write is time: a ticket becomes *measured*
  when its due date passes unanswered. The refresh therefore also recomputes the days of
  the tickets whose due date fell between the previous refresh and this one, and every
  day since the previous refresh (today's breaches).
So after each refresh every stored day equals the live computation as of that refresh
(tests/qa/test_stats.py checks it on both databases). The scheduler refreshes every
minute (``qa.refresh_stats``) and rebuilds everything nightly (reconciliation, e.g.
after a bulk load that bypassed the ORM); with no refresh ever made (a new database),
the dashboard computes live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, event, func, insert, inspect, literal, select, union_all
from sqlalchemy.orm import Session

from hai.extensions import db
from hai.qa.models import TicketStat, TicketStatMark, TicketStatState
from hai.web.timefmt import WIB
from hai.wib_sql import wib_day, wib_hour

ALL_UNITS = 0
FIELDS = (
    "n", "r_m", "r_ok", "f_m", "f_ok", "reopened",
    "rated1", "rated2", "rated3", "rated4", "rated5", "calls", "open_n",
)  # fmt: skip
CALLS = FIELDS.index("calls")
OPEN = FIELDS.index("open_n")
TICKET_DIMS = ("channel", "service", "team", "office")
# Ticket attributes the figures depend on: a change to one marks the ticket's day.
TRACKED = (
    "channel_code", "received_at", "service_id", "team_unit_id", "office_unit_id",
    "created_by_id", "assignee_id", "answered_by_id", "response_due_at",
    "fulfilment_due_at", "first_response_at", "answered_at", "closed_at",
    "reopen_count", "rating", "status",
)  # fmt: skip
REBUILD_CHUNK_DAYS = 31


def wib_date(instant: datetime) -> date:
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(WIB).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=WIB)
    return start, start + timedelta(days=1)


def scopes(team_id: int | None, office_id: int | None) -> list[int]:
    """The scopes a ticket counts in: all units, its directorate, its office (once)."""
    rv = [ALL_UNITS]
    if team_id is not None:
        rv.append(team_id)
    if office_id is not None and office_id != team_id:
        rv.append(office_id)
    return rv


def _text(value) -> str:
    return "" if value is None else str(value)


# --- marking -------------------------------------------------------------------------------


def mark_days(days: Iterable[date], connection=None) -> None:
    rows = [{"day": d} for d in sorted(set(days))]
    if rows:
        (connection or db.session).execute(insert(TicketStatMark), rows)


def _changed_days(session: Session) -> set[date]:
    from hai.tickets.models import SlaBreach, Ticket

    days: set[date] = set()
    moved: list[int] = []  # tickets whose unit changed: their breaches change scope
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Ticket) and obj.received_at is not None:
            days.add(wib_date(obj.received_at))
        elif isinstance(obj, SlaBreach) and obj.detected_at is not None:
            days.add(wib_date(obj.detected_at))
    for obj in session.dirty:
        if isinstance(obj, Ticket):
            state = inspect(obj)
            changed = [n for n in TRACKED if state.attrs[n].history.has_changes()]
            if not changed:
                continue
            days.add(wib_date(obj.received_at))
            for old in state.attrs.received_at.history.deleted:
                if old is not None:
                    days.add(wib_date(old))
            if {"team_unit_id", "office_unit_id"} & set(changed) and obj.id is not None:
                moved.append(obj.id)
        elif isinstance(obj, SlaBreach) and obj.detected_at is not None:
            days.add(wib_date(obj.detected_at))
            for old in inspect(obj).attrs.detected_at.history.deleted:
                if old is not None:
                    days.add(wib_date(old))
    if moved:
        detected = session.connection().execute(
            select(SlaBreach.detected_at).where(SlaBreach.ticket_id.in_(moved))
        )
        days.update(wib_date(d) for (d,) in detected)
    return days


@event.listens_for(Session, "after_flush")
def _mark_on_flush(session: Session, _flush_context) -> None:
    """In the flushing transaction: mark the days whose figures this flush changed."""
    days = _changed_days(session)
    if days:
        mark_days(days, session.connection())


# --- computing one day ---------------------------------------------------------------------


def _ticket_rows(start: datetime, end: datetime, as_of: datetime):
    """The day's tickets summed per channel, service, units and handlers (SQL)."""
    from hai.qa.metrics import CALL_CENTER, count_if, on_time_columns
    from hai.tickets.models import Ticket

    groups = [
        Ticket.channel_code,
        Ticket.service_id,
        Ticket.team_unit_id,
        Ticket.office_unit_id,
        *Ticket.handler_columns(),
    ]
    return db.session.execute(
        select(
            *groups,
            func.count(),
            *on_time_columns(as_of),
            count_if(Ticket.reopen_count > 0),
            *(count_if(Ticket.rating == n) for n in range(1, 6)),
            count_if(Ticket.channel_code == CALL_CENTER),
            count_if(Ticket.open_clause()),
        )
        .where(Ticket.received_at >= start, Ticket.received_at < end)
        .group_by(*groups)
    ).all()


def _open_hour_rows(start: datetime, end: datetime):
    """The day's open tickets per WIB hour received and units (SQL; the open tickets'
    index)."""
    from hai.tickets.models import Ticket

    hour = wib_hour(Ticket.received_at)
    return db.session.execute(
        select(hour, Ticket.team_unit_id, Ticket.office_unit_id, func.count())
        .where(Ticket.open_clause(), Ticket.received_at >= start, Ticket.received_at < end)
        .group_by(hour, Ticket.team_unit_id, Ticket.office_unit_id)
    ).all()


def _breach_rows(start: datetime, end: datetime):
    from hai.tickets.models import SlaBreach, Ticket

    return db.session.execute(
        select(SlaBreach.kind, Ticket.team_unit_id, Ticket.office_unit_id, func.count())
        .join(Ticket, Ticket.id == SlaBreach.ticket_id)
        .where(SlaBreach.detected_at >= start, SlaBreach.detected_at < end)
        .group_by(SlaBreach.kind, Ticket.team_unit_id, Ticket.office_unit_id)
    ).all()


def _add(acc: dict, key: tuple, values) -> None:
    row = acc.get(key)
    if row is None:
        acc[key] = list(values)
    else:
        for i, v in enumerate(values):
            row[i] += v


def day_figures(day: date, as_of: datetime) -> dict[tuple[int, str, str], list[int]]:
    """(scope, dim, key) -> the FIELDS of one day, as of ``as_of``. An agent's row counts
    each ticket they handled once (recorder, assignee or who answered: the definition of
    ``hai.qa.metrics``) and its calls only when they recorded it. The hour rows hold only
    ``open_n``, for the hours with open tickets."""
    start, end = day_bounds(day)
    acc: dict[tuple[int, str, str], list[int]] = {}
    for row in _ticket_rows(start, end, as_of):
        channel, service, team, office, recorder, assignee, answerer = row[:7]
        values = [int(v) for v in row[7:]]
        not_recorder = values.copy()
        not_recorder[CALLS] = 0
        keys = (_text(channel), _text(service), _text(team), _text(office))
        agents = dict.fromkeys(a for a in (recorder, assignee, answerer) if a is not None)
        for scope in scopes(team, office):
            _add(acc, (scope, "all", ""), values)
            for dim, key in zip(TICKET_DIMS, keys, strict=True):
                _add(acc, (scope, dim, key), values)
            for agent in agents:
                _add(
                    acc, (scope, "agent", str(agent)), values if agent == recorder else not_recorder
                )
    for hour, team, office, count in _open_hour_rows(start, end):
        values = [0] * len(FIELDS)
        values[OPEN] = count
        key = f"{hour:02d}"
        for scope in scopes(team, office):
            _add(acc, (scope, "hour", key), values)
    for kind, team, office, count in _breach_rows(start, end):
        kind = getattr(kind, "value", kind)
        for scope in scopes(team, office):
            _add(acc, (scope, "breach", kind), [count] + [0] * (len(FIELDS) - 1))
    return acc


def _store_day(day: date, as_of: datetime) -> None:
    figures = day_figures(day, as_of)
    db.session.execute(delete(TicketStat).where(TicketStat.day == day))
    rows = [
        {"scope_id": scope, "day": day, "dim": dim, "key": key, **dict(zip(FIELDS, v, strict=True))}
        for (scope, dim, key), v in figures.items()
    ]
    if rows:
        db.session.execute(insert(TicketStat), rows)


# --- refreshing ----------------------------------------------------------------------------


def _days_with_data() -> set[date]:
    from hai.tickets.models import SlaBreach, Ticket

    days = set(db.session.scalars(select(wib_day(Ticket.received_at)).distinct()))
    days |= set(db.session.scalars(select(wib_day(SlaBreach.detected_at)).distinct()))
    return {d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in days}


def _newly_due_days(since: datetime, now: datetime) -> set[date]:
    """Days of the tickets that became measured between two refreshes: due in
    [since, now) and not done (a ticket counts as measured once ``due < as_of``)."""
    from hai.tickets.models import Ticket

    rv: set[date] = set()
    for due, done in (
        (Ticket.response_due_at, [Ticket.first_response_at.is_(None)]),
        (
            Ticket.fulfilment_due_at,
            [Ticket.open_clause(), Ticket.answered_at.is_(None), Ticket.closed_at.is_(None)],
        ),
    ):
        rv.update(
            wib_date(r)
            for r in db.session.scalars(
                select(Ticket.received_at).where(due >= since, due < now, *done)
            )
        )
    return rv


def refresh(now: datetime, *, full: bool = False) -> dict[str, int]:
    """Bring every stored day up to ``now`` (see the module's docstring); ``full``, or no
    refresh ever made: recompute every day that has tickets or breaches."""
    state = db.session.get(TicketStatState, 1)
    marks = db.session.execute(select(TicketStatMark.id, TicketStatMark.day)).all()
    if full or state is None:
        days = _days_with_data() | {m.day for m in marks}
        db.session.execute(delete(TicketStat).where(TicketStat.day.not_in(days)))
    else:
        days = {m.day for m in marks} | _newly_due_days(state.as_of, now)
        d = wib_date(min(state.as_of, now))
        while d <= wib_date(now):
            days.add(d)
            d += timedelta(days=1)
    for n, day in enumerate(sorted(days), start=1):
        _store_day(day, now)
        if n % REBUILD_CHUNK_DAYS == 0 and db.engine.dialect.name == "sqlite":
            # A long rebuild lets the app's writers in between chunks (SQLite has one
            # writer at a time); the state row moves only at the end.
            db.session.commit()
    ids = [m.id for m in marks]
    for i in range(0, len(ids), 500):
        db.session.execute(delete(TicketStatMark).where(TicketStatMark.id.in_(ids[i : i + 500])))
    if state is None:
        db.session.add(TicketStatState(id=1, as_of=now))
    else:
        state.as_of = now
    db.session.flush()
    _forget()
    return {"days": len(days), "marks": len(ids)}


def refresh_job(now: datetime) -> dict[str, int]:
    return refresh(now)


def rebuild_job(now: datetime) -> dict[str, int]:
    return refresh(now, full=True)


# Per-session caches (a request's session: every panel of a page reads once).
_AS_OF = "hai.qa.stats.as_of"
_TOTALS = "hai.qa.stats.totals"


def _forget() -> None:
    db.session.info.pop(_AS_OF, None)
    db.session.info.pop(_TOTALS, None)


def as_of() -> datetime | None:
    """When the stored figures were last refreshed (None: never; compute live)."""
    info = db.session.info
    if _AS_OF not in info:
        info[_AS_OF] = db.session.scalar(
            select(TicketStatState.as_of).where(TicketStatState.id == 1)
        )
    return info[_AS_OF]


# --- reading -------------------------------------------------------------------------------


def day_counts(start: date, end: date, unit_id: int | None, dims: Iterable[str]):
    """(day, dim, key, tickets) of the days [start, end] in a unit's scope (all units:
    None), as plain rows (a quarter is a few thousand)."""
    return db.session.execute(
        select(TicketStat.day, TicketStat.dim, TicketStat.key, TicketStat.n).where(
            TicketStat.scope_id == (ALL_UNITS if unit_id is None else unit_id),
            TicketStat.day >= start,
            TicketStat.day <= end,
            TicketStat.dim.in_(list(dims)),
        )
    ).all()


READ_DIMS = ("all", *TICKET_DIMS, "agent", "breach")


def totals(
    start: date, end: date, unit_id: int | None, dims: Iterable[str]
) -> dict[str, dict[str, list[int]]]:
    """dim -> key -> the FIELDS summed over the days [start, end] (in SQL; one query for
    every dimension, kept for the session, so a page's panels share it)."""
    cache = db.session.info.setdefault(_TOTALS, {})
    scope = ALL_UNITS if unit_id is None else unit_id
    if (start, end, scope) not in cache:
        result = db.session.execute(
            select(
                TicketStat.dim, TicketStat.key, *(func.sum(getattr(TicketStat, f)) for f in FIELDS)
            )
            .where(
                TicketStat.scope_id == scope,
                TicketStat.day >= start,
                TicketStat.day <= end,
                TicketStat.dim.in_(READ_DIMS),
            )
            .group_by(TicketStat.dim, TicketStat.key)
        )
        rv: dict[str, dict[str, list[int]]] = {dim: {} for dim in READ_DIMS}
        for dim, key, *values in result:
            rv[dim][key] = [int(v or 0) for v in values]
        cache[(start, end, scope)] = rv
    return {dim: cache[(start, end, scope)][dim] for dim in dims}


def open_tickets(
    since: date, cut_days: Iterable[date], unit_id: int | None
) -> tuple[dict[int, int], int]:
    """Open tickets (as of the last refresh) received from the day ``since`` on, keyed by
    the WIB hour they were received in (``hour_index``; a whole day's under its first
    hour, per hour only on the ``cut_days``), and in all the days before ``since``; one
    statement of a few hundred rows at most."""
    scope = TicketStat.scope_id == (ALL_UNITS if unit_id is None else unit_id)
    cut_days = sorted(set(cut_days))
    row = (TicketStat.dim, TicketStat.day, TicketStat.key, TicketStat.open_n)
    days = select(*row).where(
        scope, TicketStat.dim == "all", TicketStat.day >= since, TicketStat.day.not_in(cut_days)
    )
    hours = select(*row).where(scope, TicketStat.dim == "hour", TicketStat.day.in_(cut_days))
    before = select(
        literal("before"), func.min(TicketStat.day), literal(""), func.sum(TicketStat.open_n)
    ).where(scope, TicketStat.dim == "all", TicketStat.day < since)
    counts, earlier = {}, 0
    for dim, day, key, n in db.session.execute(union_all(days, hours, before)).all():
        if dim == "before":
            earlier = int(n or 0)
        else:
            counts[hour_index(day, int(key or 0))] = n
    return counts, earlier


def hour_index(day: date, hour: int = 0) -> int:
    """A WIB hour as one integer (hours since the calendar's day one)."""
    return day.toordinal() * 24 + hour


def hour_index_of(instant: datetime) -> int:
    """The WIB hour an instant lies in."""
    local = instant.astimezone(WIB)
    return hour_index(local.date(), local.hour)
