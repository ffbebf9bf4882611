"""Measurable items of an agent's work, computed from the tickets (never typed in).

Plain functions taking a ``Period`` (dates in WIB) and filters and returning plain
data, so that evaluations, dashboards and reports all count the same way.

Definitions (an agent A, a period [start, end] of WIB dates):
- a ticket belongs to the period when it was *received* in it, in WIB: a call at
  23:30 WIB on the last day of a month belongs to that month;
- A *handled* a ticket when A recorded it, is its assignee, or answered it
  (``Ticket.handler_columns``);
- first response on time: of the handled tickets with a response due date that were
  either responded to or already due at ``as_of``, the share responded by the due date;
- fulfilment on time: the same with the answer and the fulfilment due date;
- reopen rate: the share of handled tickets that were reopened at least once;
- average rating: the mean of the requesters' ratings (1-5) of the handled tickets;
- calls per working hour: call-center tickets A recorded in the period, divided by
  the working hours of the period in A's unit's working calendar.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select

from hai.extensions import db
from hai.web.timefmt import MONTHS, WIB

CALL_CENTER = "call_center"


@dataclass(frozen=True)
class Period:
    """Whole days in WIB, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("quarter is 1 to 4")
        first = cls.month(year, 3 * quarter - 2)
        last = cls.month(year, 3 * quarter)
        return cls(first.start, last.end)

    @property
    def starts_at(self) -> datetime:
        """The first instant, 00:00 WIB of the first day (aware)."""
        return datetime.combine(self.start, time(0), tzinfo=WIB)

    @property
    def ends_at(self) -> datetime:
        """The instant after the last: 00:00 WIB of the day after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=WIB)

    @property
    def label(self) -> str:
        if self == Period.month(self.start.year, self.start.month):
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.start.day == 1 and self.start.month % 3 == 1:
            q = (self.start.month + 2) // 3
            if self == Period.quarter(self.start.year, q):
                return f"Triwulan {q} {self.start.year}"
        return f"{self.start:%d-%m-%Y} s.d. {self.end:%d-%m-%Y}"


@dataclass(frozen=True)
class AgentMetrics:
    agent_id: int
    tickets_handled: int
    response_measured: int
    response_on_time: int
    fulfilment_measured: int
    fulfilment_on_time: int
    reopened: int
    ratings: int
    rating_sum: int
    calls: int
    working_hours: float

    @property
    def response_on_time_pct(self) -> float | None:
        return _pct(self.response_on_time, self.response_measured)

    @property
    def fulfilment_on_time_pct(self) -> float | None:
        return _pct(self.fulfilment_on_time, self.fulfilment_measured)

    @property
    def reopen_rate_pct(self) -> float | None:
        return _pct(self.reopened, self.tickets_handled)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    @property
    def calls_per_hour(self) -> float | None:
        return round(self.calls / self.working_hours, 2) if self.working_hours else None

    def as_dict(self) -> dict:
        """The counts and the derived values, JSON-ready (frozen into an evaluation)."""
        return {
            **asdict(self),
            "response_on_time_pct": self.response_on_time_pct,
            "fulfilment_on_time_pct": self.fulfilment_on_time_pct,
            "reopen_rate_pct": self.reopen_rate_pct,
            "average_rating": self.average_rating,
            "calls_per_hour": self.calls_per_hour,
        }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


# The metrics a scorecard criterion may be scored from, with their Indonesian names.
METRICS: dict[str, str] = {
    "calls_per_hour": "Panggilan per jam kerja",
    "tickets_handled": "Tiket ditangani",
    "response_on_time_pct": "Tanggapan pertama tepat waktu (%)",
    "fulfilment_on_time_pct": "Pemenuhan tepat waktu (%)",
    "reopen_rate_pct": "Tiket dibuka kembali (%)",
    "average_rating": "Rata-rata penilaian pengguna",
    # Discipline against the duty roster (hai.schedules.discipline).
    "roster_on_time_pct": "Masuk tepat waktu sesuai jadwal (%)",
    "roster_kept_pct": "Shift sesuai jadwal: tepat waktu dan istirahat dalam jatah (%)",
}


def handled_clause(agent_id: int):
    from hai.tickets.models import Ticket

    return Ticket.handled_by_clause(agent_id)


def count_if(condition):
    """The number of rows where ``condition`` holds, as a SQL aggregate (0 when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def on_time_columns(as_of: datetime) -> list:
    """First response and fulfilment on time as SQL aggregates, labelled ``r_m`` and
    ``r_ok`` (responses measured, on time), ``f_m`` and ``f_ok`` (fulfilments): a
    ticket with a due date is measured once it was done by ``as_of`` or already due at
    ``as_of``; on time when done by the due date. Fulfilment is done when answered (or
    closed without an answer). Agents, the dashboard and the reports count with this."""
    from hai.tickets.models import Ticket

    def measured_and_on_time(due, done):
        has_done = done.is_not(None) & (done <= as_of)
        measured = due.is_not(None) & (has_done | (due < as_of))
        on_time = due.is_not(None) & has_done & (done <= due)
        return count_if(measured), count_if(on_time)

    r_m, r_ok = measured_and_on_time(Ticket.response_due_at, Ticket.first_response_at)
    f_m, f_ok = measured_and_on_time(
        Ticket.fulfilment_due_at, func.coalesce(Ticket.answered_at, Ticket.closed_at)
    )
    return [r_m.label("r_m"), r_ok.label("r_ok"), f_m.label("f_m"), f_ok.label("f_ok")]


def period_clause(period: Period):
    from hai.tickets.models import Ticket

    return (Ticket.received_at >= period.starts_at) & (Ticket.received_at < period.ends_at)


def _filters(channel: str | None, unit_id: int | None) -> list:
    from hai.tickets.models import Ticket

    rv = []
    if channel:
        rv.append(Ticket.channel_code == channel)
    if unit_id is not None:
        rv.append(Ticket.unit_clause(unit_id))
    return rv


def handled_ticket_ids(
    agent_id: int, period: Period, *, channel: str | None = None, unit_id: int | None = None
) -> list[int]:
    """The tickets ``agent_id`` handled in the period, by id (the evaluation's pool)."""
    from hai.tickets.models import Ticket

    return list(
        db.session.scalars(
            select(Ticket.id)
            .where(
                period_clause(period),
                handled_clause(agent_id),
                *_filters(channel, unit_id),
            )
            .order_by(Ticket.id)
        )
    )


def working_hours(period: Period, unit_id: int | None = None) -> float:
    """Working hours of the period in the unit's calendar (national when None)."""
    from hai.sla.calendars import calendar_for

    elapsed = calendar_for(unit_id).elapsed(period.starts_at, period.ends_at)
    return elapsed.total_seconds() / 3600


COUNTS = (
    "handled", "r_m", "r_ok", "f_m", "f_ok", "reopened", "ratings", "rating_sum", "calls"
)  # fmt: skip


def _metrics_by_agent(
    agent_ids: list[int],
    period: Period,
    *,
    as_of: datetime,
    channel: str | None,
    unit_id: int | None,
) -> dict[int, dict[str, int]]:
    """The counts of the module's definitions for each agent, from one query.

    The period's tickets are summed in SQL per combination of handlers
    (``Ticket.handler_columns``: recorder, assignee, who answered; a few thousand
    combinations, one scan); each combination's sums then go to each distinct agent
    of it, so an agent who recorded and answered a ticket handled it once. Calls go
    to the recorder only."""
    from hai.tickets.models import Ticket

    if not agent_ids:
        return {}
    handlers = Ticket.handler_columns()
    rows = db.session.execute(
        select(
            *handlers,
            func.count().label("handled"),
            *on_time_columns(as_of),
            count_if(Ticket.reopen_count > 0).label("reopened"),
            func.count(Ticket.rating).label("ratings"),
            func.coalesce(func.sum(Ticket.rating), 0).label("rating_sum"),
            count_if(Ticket.channel_code == CALL_CENTER).label("calls"),
        )
        .where(
            period_clause(period),
            *_filters(channel, unit_id),
            or_(*(c.in_(agent_ids) for c in handlers)),
        )
        .group_by(*handlers)
    ).all()
    wanted = set(agent_ids)
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        recorder = row[0]
        for agent in {row[i] for i in range(len(handlers))} & wanted:
            counts = totals.setdefault(agent, dict.fromkeys(COUNTS, 0))
            for name in COUNTS:
                if name != "calls" or agent == recorder:
                    counts[name] += int(getattr(row, name))
    return totals


def _agent_metrics(agent_id: int, counts: dict[str, int] | None, hours: float) -> AgentMetrics:
    def n(name: str) -> int:
        return counts[name] if counts is not None else 0

    return AgentMetrics(
        agent_id=agent_id,
        tickets_handled=n("handled"),
        response_measured=n("r_m"),
        response_on_time=n("r_ok"),
        fulfilment_measured=n("f_m"),
        fulfilment_on_time=n("f_ok"),
        reopened=n("reopened"),
        ratings=n("ratings"),
        rating_sum=n("rating_sum"),
        calls=n("calls"),
        working_hours=round(hours, 4),
    )


def agent_metrics(
    agent_id: int,
    period: Period,
    *,
    as_of: datetime | None = None,
    channel: str | None = None,
    unit_id: int | None = None,
    calendar_unit_id: int | None = None,
) -> AgentMetrics:
    """Every measurable item of one agent for one period (see the module's definitions).

    ``as_of`` (default: the period's end) decides which unanswered tickets already count
    as late; ``channel`` and ``unit_id`` narrow the tickets; ``calendar_unit_id`` is the
    unit whose working calendar gives the working hours (the agent's unit).
    """
    rows = _metrics_by_agent(
        [agent_id], period, as_of=as_of or period.ends_at, channel=channel, unit_id=unit_id
    )
    return _agent_metrics(agent_id, rows.get(agent_id), working_hours(period, calendar_unit_id))


def agents_metrics(
    agent_ids: list[int],
    period: Period,
    *,
    as_of: datetime | None = None,
    channel: str | None = None,
    unit_id: int | None = None,
    counts: dict[int, dict[str, int]] | None = None,
) -> list[AgentMetrics]:
    """The metrics of several agents (a league table), each with its unit's calendar:
    the same numbers as ``agent_metrics`` of each, in one query (none when ``counts``,
    each agent's COUNTS, come from the dashboard's pre-aggregate)."""
    from hai.auth.models import User

    units = {
        row.id: row.unit_id
        for row in db.session.execute(select(User.id, User.unit_id).where(User.id.in_(agent_ids)))
    }
    hours = {unit: working_hours(period, unit) for unit in {units.get(a) for a in agent_ids}}
    if counts is None:
        counts = _metrics_by_agent(
            agent_ids, period, as_of=as_of or period.ends_at, channel=channel, unit_id=unit_id
        )
    return [_agent_metrics(a, counts.get(a), hours[units.get(a)]) for a in agent_ids]


def metric_score(value: float | None, thresholds: list) -> int | None:
    """1-5 from a metric and four thresholds: ascending when more is better (value >= t[i]
    gives i + 2), descending when less is better (a reopen rate: value <= t[i])."""
    if value is None:
        return None
    values = [float(t) for t in thresholds[:4]]
    lower_is_better = len(values) > 1 and values[0] > values[-1]
    score = 1
    for n, t in enumerate(values):
        if (value <= t) if lower_is_better else (value >= t):
            score = n + 2
    return score
