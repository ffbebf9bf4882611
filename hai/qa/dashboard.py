"""The dashboard's numbers: plain functions taking a ``Period`` (WIB dates) and a unit,
aggregated in SQL (GROUP BY), so that the monthly and quarterly reports count the same.

Definitions (the same as ``hai.qa.metrics`` for one agent, here for all tickets):
- a ticket belongs to the period when it was *received* in it, in WIB;
- ``unit_id`` keeps the tickets whose directorate (team) or office is that unit;
- first response on time: of the tickets with a response due date that were either
  responded to by ``as_of`` or already due at ``as_of``, the share responded by the due
  date; fulfilment on time: the same with the answer (or closing) and the fulfilment
  due date. ``as_of`` is the end of the period, or now when the period is not over;
- backlog: tickets not closed at ``now``, by days (of 24 hours) since they were received
  (whatever the period: the backlog is today's);
- breaches: SLA breaches detected in the period, by kind.

Each panel function takes ``as_of``: given, it counts live over the tickets as of that
instant (the reports, which freeze a period as of its end); None, it reads the current
figures from the pre-aggregate (``hai.qa.stats``, as of its last refresh, at most a
minute old), or counts live as of now when the pre-aggregate was never built. The
pre-aggregate is computed with this module's and ``hai.qa.metrics``' own SQL aggregates,
so both ways give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal_column, select, union_all

from hai.db_types import utcnow
from hai.extensions import db
from hai.qa import metrics, stats
from hai.qa.metrics import Period
from hai.wib_sql import wib_day, wib_week

GRAINS = {"day": "Per hari", "week": "Per minggu"}
RATINGS = range(1, 6)
DIMENSIONS = {
    "channel": "Kanal",
    "service": "Layanan",
    "team": "Direktorat",
    "office": "Kantor",
}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- scope ---------------------------------------------------------------------------------


def _scope(period: Period, unit_id: int | None) -> list:
    from hai.tickets.models import Ticket

    rv = [metrics.period_clause(period)]
    if unit_id is not None:
        rv.append(Ticket.unit_clause(unit_id))
    return rv


def as_of_for(period: Period, now: datetime) -> datetime:
    return min(now, period.ends_at)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _stored(as_of: datetime | None) -> bool:
    """Read the pre-aggregate: current figures asked for, and it was built."""
    return as_of is None and stats.as_of() is not None


def current_as_of(now: datetime) -> datetime:
    """The instant the current figures are as of: the pre-aggregate's last refresh."""
    return stats.as_of() or now


def _key_value(dimension: str, key: str):
    """A stored key back to the ticket column's value (the channel code, or an id)."""
    if dimension == "channel":
        return key
    return int(key) if key else None


# --- volume --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    key: str  # channel code, service code, unit id as text, rating, ...
    label: str
    count: int


@dataclass(frozen=True)
class Ratings:
    counts: list[Count]  # 5 down to 1

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    @property
    def average(self) -> float | None:
        total = self.total
        return round(sum(int(c.key) * c.count for c in self.counts) / total, 2) if total else None


def buckets(period: Period, grain: str) -> list[date]:
    """Every day (or Monday of every week) of the period, so empty ones show as 0."""
    first = period.start if grain == "day" else period.start - timedelta(period.start.weekday())
    step = timedelta(days=1 if grain == "day" else 7)
    rv, d = [], first
    while d <= period.end:
        rv.append(d)
        d += step
    return rv


@dataclass
class Volume:
    grain: str
    buckets: list[date]
    keys: list[Count]  # the channels (or services), largest first, with their totals
    cells: dict[tuple[date, str], int]  # (bucket, key) -> tickets

    @property
    def totals(self) -> list[int]:
        return [sum(counts) for _, counts in self.by_bucket()]

    def by_bucket(self) -> list[tuple[date, list[int]]]:
        """Each bucket with its tickets per key (in the keys' order): a table's rows."""
        return [(b, [self.cells.get((b, k.key), 0) for k in self.keys]) for b in self.buckets]

    def by_key(self) -> list[tuple[Count, list[int]]]:
        """Each key with its tickets per bucket: the transposed table's rows."""
        return [(k, [self.cells.get((b, k.key), 0) for b in self.buckets]) for k in self.keys]

    @property
    def total(self) -> int:
        return sum(k.count for k in self.keys)


_NAMES = "hai.qa.dashboard.names"  # per-session cache (a request's: its panels share it)


def _names(kind: str, keys: set) -> dict:
    """key -> (code, name) of every channel, service or unit (directorates and offices):
    read once per session and kind (a few hundred rows at most), again when one of
    ``keys`` is not among them."""
    from hai.catalog.models import CatalogService, Channel
    from hai.org.models import OrgUnit

    cache = db.session.info.setdefault(_NAMES, {})
    names = cache.get(kind)
    if names is None or not keys <= names.keys():
        table = {
            "channel": (Channel.code, Channel.code, Channel.name),
            "service": (CatalogService.id, CatalogService.code, CatalogService.name),
            "unit": (OrgUnit.id, OrgUnit.code, OrgUnit.name),
        }[kind]
        rows = db.session.execute(select(*table))
        names = cache[kind] = {key: (code, name) for key, code, name in rows}
    return names


def _labels(dimension: str, keys: set) -> dict:
    """The label of each key of a dimension: the channel's name, the service's code and
    name, the unit's name."""
    keys = {k for k in keys if k is not None}
    if not keys:
        return {}
    kind = dimension if dimension in ("channel", "service") else "unit"
    names = _names(kind, keys)
    known = (k for k in keys if k in names)
    if kind == "service":
        return {k: f"{names[k][0]} {names[k][1]}" for k in known}
    return {k: names[k][1] for k in known}


def _column(dimension: str):
    from hai.tickets.models import Ticket

    return {
        "channel": Ticket.channel_code,
        "service": Ticket.service_id,
        "team": Ticket.team_unit_id,
        "office": Ticket.office_unit_id,
    }[dimension]


def _key_text(dimension: str, value) -> str:
    """The drill-down value of a key: the channel code, the service code, the unit id."""
    return "" if value is None else str(value)


def _volume_from(items: list[tuple[date, object, int]], by: str, grain: str, period: Period):
    """A Volume from (bucket, the dimension's value, tickets) items."""
    labels = _labels(by, {value for _, value, _ in items})
    cells: dict[tuple[date, str], int] = {}
    totals: dict[str, int] = {}
    names: dict[str, str] = {}
    for bucket, value, n in items:
        key = _key_text(by, value)
        cells[(bucket, key)] = cells.get((bucket, key), 0) + n
        if key not in totals:
            totals[key] = 0
            names[key] = labels.get(value, "(tanpa layanan)" if value is None else str(value))
        totals[key] += n
    keys = sorted(
        (Count(k, names[k], n) for k, n in totals.items()), key=lambda c: (-c.count, c.label)
    )
    return Volume(grain, buckets(period, grain), keys, cells)


def _stored_volumes(period: Period, grain: str, unit_id: int | None) -> dict[str, Volume]:
    items: dict[str, list] = {"channel": [], "service": []}
    for day, dim, key, n in stats.day_counts(period.start, period.end, unit_id, items):
        bucket = day if grain == "day" else day - timedelta(day.weekday())
        items[dim].append((bucket, _key_value(dim, key), n))
    return {by: _volume_from(rows, by, grain, period) for by, rows in items.items()}


def volumes(
    period: Period,
    *,
    grain: str = "day",
    unit_id: int | None = None,
    as_of: datetime | None = None,
) -> dict[str, Volume]:
    """Tickets received per day (or week), by channel and by service, from one scan of
    the period (grouped by bucket, channel and service)."""
    from hai.tickets.models import Ticket

    if _stored(as_of):
        return _stored_volumes(period, grain, unit_id)
    bucket = (wib_day if grain == "day" else wib_week)(Ticket.received_at).label("bucket")
    rows = db.session.execute(
        select(
            bucket,
            Ticket.channel_code.label("channel"),
            Ticket.service_id.label("service"),
            func.count().label("n"),
        )
        .where(*_scope(period, unit_id))
        .group_by(literal_column("bucket"), Ticket.channel_code, Ticket.service_id)
    ).all()
    return {
        by: _volume_from(
            [(_as_date(r.bucket), getattr(r, by), r.n) for r in rows], by, grain, period
        )
        for by in ("channel", "service")
    }


def volume(
    period: Period,
    *,
    by: str = "channel",
    grain: str = "day",
    unit_id: int | None = None,
    as_of: datetime | None = None,
) -> Volume:
    """Tickets received per day (or week) and channel (or service)."""
    return volumes(period, grain=grain, unit_id=unit_id, as_of=as_of)[by]


def service_codes(service_ids: list[str]) -> dict[str, str]:
    """Service id (as text) -> catalog code, for the ticket queue's ``service`` filter."""
    ids = {int(s) for s in service_ids if s.isdigit()}
    if not ids:
        return {}
    names = _names("service", ids)
    return {str(i): names[i][0] for i in ids if i in names}


# --- SLA compliance --------------------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    key: str
    label: str
    tickets: int
    response_measured: int
    response_on_time: int
    fulfilment_measured: int
    fulfilment_on_time: int

    @property
    def response_pct(self) -> float | None:
        return _pct(self.response_on_time, self.response_measured)

    @property
    def fulfilment_pct(self) -> float | None:
        return _pct(self.fulfilment_on_time, self.fulfilment_measured)


def _cube(period: Period, as_of: datetime, unit_id: int | None) -> list:
    """One scan of the period: tickets, on-time counts and ratings per channel, service,
    directorate and office (a few thousand groups at most), summed up by each panel."""
    from hai.tickets.models import Ticket

    dims = [_column(by).label(by) for by in DIMENSIONS]
    return db.session.execute(
        select(
            *dims,
            func.count().label("n"),
            *metrics.on_time_columns(as_of),
            *(metrics.count_if(Ticket.rating == n).label(f"rated{n}") for n in RATINGS),
        )
        .where(*_scope(period, unit_id))
        .group_by(*(_column(by) for by in DIMENSIONS))
    ).all()


def _sum(rows) -> tuple[int, int, int, int, int]:
    n = r_m = r_ok = f_m = f_ok = 0
    for r in rows:
        n += r.n
        r_m += int(r.r_m)
        r_ok += int(r.r_ok)
        f_m += int(r.f_m)
        f_ok += int(r.f_ok)
    return n, r_m, r_ok, f_m, f_ok


def _compliance_from(cube, by: str) -> list[Compliance]:
    groups: dict = {}
    for r in cube:
        key = getattr(r, by)
        if key is not None:  # tickets without one (e.g. no directorate) are left out
            groups.setdefault(key, []).append(r)
    labels = _labels(by, set(groups))
    result = [
        Compliance(_key_text(by, key), labels.get(key, str(key)), *_sum(rows))
        for key, rows in groups.items()
    ]
    return sorted(result, key=lambda c: (-c.tickets, c.label))


def _ratings_from(cube) -> Ratings:
    return Ratings(
        [
            Count(str(n), f"{n} bintang", sum(int(getattr(r, f"rated{n}")) for r in cube))
            for n in sorted(RATINGS, reverse=True)
        ]
    )


@dataclass(frozen=True)
class Summary:
    total: Compliance
    sla: dict[str, list[Compliance]]  # by dimension
    ratings: Ratings


def _stored_summary(period: Period, unit_id: int | None) -> Summary:
    totals = stats.totals(period.start, period.end, unit_id, DIMENSIONS)
    total = stats.totals(period.start, period.end, unit_id, ["all"])["all"].get("")
    total = total or [0] * len(stats.FIELDS)

    def compliance(key: str, label: str, v: list[int]) -> Compliance:
        return Compliance(key, label, *v[:5])

    sla = {}
    for by, rows in totals.items():
        known = {k: v for k, v in rows.items() if k != ""}  # e.g. no directorate: left out
        labels = _labels(by, {_key_value(by, k) for k in known})
        sla[by] = sorted(
            (compliance(k, labels.get(_key_value(by, k), k), v) for k, v in known.items()),
            key=lambda c: (-c.tickets, c.label),
        )
    rated = {n: total[stats.FIELDS.index(f"rated{n}")] for n in RATINGS}
    ratings = Ratings(
        [Count(str(n), f"{n} bintang", rated[n]) for n in sorted(RATINGS, reverse=True)]
    )
    return Summary(compliance("", "Semua", total), sla, ratings)


def summary(
    period: Period, *, as_of: datetime | None = None, unit_id: int | None = None
) -> Summary:
    """SLA compliance overall and per channel, service, directorate and office, and the
    ratings, from one scan of the period."""
    if _stored(as_of):
        return _stored_summary(period, unit_id)
    cube = _cube(period, as_of or utcnow(), unit_id)
    return Summary(
        Compliance("", "Semua", *_sum(cube)),
        {by: _compliance_from(cube, by) for by in DIMENSIONS},
        _ratings_from(cube),
    )


def sla_compliance(
    period: Period, *, by: str, as_of: datetime | None = None, unit_id: int | None = None
) -> list[Compliance]:
    """First response and fulfilment on time, per channel, service, directorate or office
    (tickets without one, e.g. no directorate, are left out of that breakdown)."""
    return summary(period, as_of=as_of, unit_id=unit_id).sla[by]


def sla_total(
    period: Period, *, as_of: datetime | None = None, unit_id: int | None = None
) -> Compliance:
    """The same over all the tickets of the period."""
    return summary(period, as_of=as_of, unit_id=unit_id).total


# --- backlog, breaches, ratings -----------------------------------------------------------


def _open_count(unit_id: int | None, *where) -> int:
    """Open tickets (of a unit) matching ``where``, counted live."""
    from hai.tickets.models import Ticket

    if unit_id is not None:
        where = (*where, Ticket.unit_clause(unit_id))
    return db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.open_clause(), *where)
    )


def _stored_backlog(now: datetime, unit_id: int | None) -> list[int]:
    """The backlog's counts from the pre-aggregate's open tickets per day received, and
    per hour on the days a bucket boundary (now minus 1, 3, ... days) falls on: a whole
    day or hour lies in one bucket; the hours a boundary cuts through are counted live,
    in one statement (an index range each)."""
    from hai.tickets.models import Ticket
    from hai.tickets.queries import AGE_BUCKETS, age_bucket

    boundaries = [now - timedelta(days=high) for _, _, high in AGE_BUCKETS if high is not None]
    cut = [stats.hour_index_of(b) for b in boundaries]  # newest first, as the buckets
    counts = [0] * len(AGE_BUCKETS)
    stored, before = stats.open_tickets(
        stats.wib_date(boundaries[-1]), {stats.wib_date(b) for b in boundaries}, unit_id
    )
    for hour, n in stored.items():
        if hour not in cut:  # wholly after the boundary of its bucket, before the next's
            counts[next((k for k, h in enumerate(cut) if hour > h), len(cut))] += n
    counts[-1] += before  # every day before the oldest boundary's is older than them all
    bucket = age_bucket(now).label("bucket")
    unit = [] if unit_id is None else [Ticket.unit_clause(unit_id)]
    live = []
    for b in boundaries:
        start = b.replace(minute=0, second=0, microsecond=0)  # WIB hours are UTC's
        live.append(
            select(bucket, func.count())
            .where(
                Ticket.open_clause(),
                Ticket.received_at >= start,
                Ticket.received_at < start + timedelta(hours=1),
                *unit,
            )
            .group_by(literal_column("bucket"))
        )
    for n, count in db.session.execute(union_all(*live)).all():
        counts[n] += count
    return counts


def backlog_age(
    now: datetime, *, unit_id: int | None = None, as_of: datetime | None = None
) -> list[Count]:
    """Open (not closed) tickets by age since received, at ``now``, in the buckets of
    ``hai.tickets.queries.AGE_BUCKETS``, with the clause the queue's ``age`` filter uses
    (live: a range count per bucket over the open tickets' index; stored: see
    ``_stored_backlog``)."""
    from hai.tickets.queries import AGE_BUCKETS, age_clause

    if _stored(as_of):
        counts = _stored_backlog(now, unit_id)
    else:
        counts = [_open_count(unit_id, age_clause(n, now)) for n in range(len(AGE_BUCKETS))]
    return [
        Count(str(n), label, count)
        for n, ((label, _, _), count) in enumerate(zip(AGE_BUCKETS, counts, strict=True))
    ]


def breaches(
    period: Period, *, unit_id: int | None = None, as_of: datetime | None = None
) -> list[Count]:
    """SLA breaches detected in the period, by kind (every kind, zeros included)."""
    from hai.tickets.models import BreachKind, SlaBreach, Ticket

    if _stored(as_of):
        stored = stats.totals(period.start, period.end, unit_id, ["breach"])["breach"]
        return [Count(k.value, k.label, stored.get(k.value, [0])[0]) for k in BreachKind]
    query = (
        select(SlaBreach.kind, func.count())
        .where(SlaBreach.detected_at >= period.starts_at, SlaBreach.detected_at < period.ends_at)
        .group_by(SlaBreach.kind)
    )
    if unit_id is not None:
        query = query.join(Ticket, Ticket.id == SlaBreach.ticket_id).where(
            Ticket.unit_clause(unit_id)
        )
    counts = dict(db.session.execute(query).all())
    return [Count(k.value, k.label, counts.get(k, 0)) for k in BreachKind]


def ratings(period: Period, *, unit_id: int | None = None) -> Ratings:
    """Requesters' ratings (1-5) of the tickets received in the period."""
    return summary(period, as_of=period.ends_at, unit_id=unit_id).ratings


# --- agent league table ---------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    agent_id: int
    name: str
    m: metrics.AgentMetrics


def _stored_agent_counts(period: Period, unit_id: int | None) -> dict[int, dict[str, int]]:
    """The stored agent rows as ``hai.qa.metrics``' counts of each agent."""
    rated = [stats.FIELDS.index(f"rated{n}") for n in RATINGS]
    rv = {}
    for key, v in stats.totals(period.start, period.end, unit_id, ["agent"])["agent"].items():
        counts = dict(zip(stats.FIELDS, v, strict=True))
        rv[int(key)] = {
            "handled": counts["n"],
            **{name: counts[name] for name in ("r_m", "r_ok", "f_m", "f_ok", "reopened")},
            "ratings": sum(v[i] for i in rated),
            "rating_sum": sum(n * v[i] for n, i in zip(RATINGS, rated, strict=True)),
            "calls": counts["calls"],
        }
    return rv


def league(
    period: Period, *, as_of: datetime | None = None, unit_id: int | None = None
) -> list[LeagueRow]:
    """The evaluated agents' metrics, most tickets handled first (agents with none are
    left out)."""
    from hai.qa.services import evaluable_agent_names

    agents = evaluable_agent_names()
    counts = _stored_agent_counts(period, unit_id) if _stored(as_of) else None
    rows = metrics.agents_metrics(
        list(agents), period, as_of=as_of or utcnow(), unit_id=unit_id, counts=counts
    )
    return sorted(
        (LeagueRow(m.agent_id, agents[m.agent_id], m) for m in rows if m.tickets_handled),
        key=lambda r: (-r.m.tickets_handled, -(r.m.fulfilment_on_time_pct or 0), r.name),
    )
