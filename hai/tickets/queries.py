"""Queues and search, always within what the user may see (policy.visibility_clause)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, and_, case, exists, func, literal_column, or_, select
from sqlalchemy.orm import joinedload

from hai.auth.models import User
from hai.auth.roles import Role
from hai.catalog.models import CatalogService
from hai.extensions import db
from hai.tickets.models import BreachKind, Level, SlaBreach, Ticket, TicketStatus
from hai.tickets.policy import visibility_clause
from hai.web.timefmt import WIB

QUEUES = {
    "mine": "Tiket saya",
    "action": "Menunggu tindakan saya",
    "team": "Antrean tim saya",
    "unassigned": "Belum ditugaskan",
    "due_soon": "Segera jatuh tempo",
    "breached": "Melewati SLA",
    "all": "Semua yang terlihat",
}
PAGE_SIZE = 50
NUMBER = re.compile(r"^HAI-\d{4}-\d{1,10}$", re.IGNORECASE)
# Counting every match of a large queue costs more than showing it; past these a
# count reads "100+" (queue tabs) or "1.000+" (results, beyond the current page).
TAB_COUNT_CAP = 100
RESULT_COUNT_CAP = 1000
SORTS = {
    "due": (Ticket.fulfilment_due_at.asc().nulls_last(), Ticket.id.asc()),
    "received": (Ticket.received_at.desc(), Ticket.id.desc()),
}


# Backlog age of open tickets, in days of 24 hours since received at ``now``:
# (label, lower bound, upper bound or None). The dashboard's backlog panel counts with
# ``age_bucket``, its drill-down lists with ``age_clause``: the same bounds.
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("< 1 hari", 0, 1),
    ("1–3 hari", 1, 3),
    ("3–7 hari", 3, 7),
    ("7–14 hari", 7, 14),
    ("14–30 hari", 14, 30),
    ("> 30 hari", 30, None),
]


def age_bucket(now: datetime):
    """The bucket (index into AGE_BUCKETS) of a ticket's age, as a SQL expression."""
    whens = [
        (Ticket.received_at > now - timedelta(days=high), n)
        for n, (_, _low, high) in enumerate(AGE_BUCKETS)
        if high is not None
    ]
    return case(*whens, else_=len(AGE_BUCKETS) - 1)


def age_bucket_of(received_at: datetime, now: datetime) -> int:
    """The same for one instant, in Python."""
    for n, (_, _low, high) in enumerate(AGE_BUCKETS):
        if high is not None and received_at > now - timedelta(days=high):
            return n
    return len(AGE_BUCKETS) - 1


def age_clause(bucket: int, now: datetime):
    """Open tickets whose age at ``now`` falls in the bucket."""
    _, low, high = AGE_BUCKETS[bucket]
    rv = [Ticket.open_clause()]
    if low:
        rv.append(Ticket.received_at <= now - timedelta(days=low))
    if high is not None:
        rv.append(Ticket.received_at > now - timedelta(days=high))
    return and_(*rv)


def wib_midnight(day: date) -> datetime:
    """00:00 WIB of a day: the first instant of that day's tickets."""
    return datetime.combine(day, time(0), WIB)


@dataclass
class Filters:
    queue: str = "mine"
    q: str = ""
    channel: str = ""
    service: str = ""
    status: str = ""
    priority: str = ""
    office: int | None = None  # a unit: its directorate's or office's tickets
    date_from: date | None = None  # received, WIB
    date_to: date | None = None
    agent: int | None = None  # handled by (Ticket.handler_columns)
    rating: int | None = None
    breach: str = ""  # a BreachKind value: tickets with that breach …
    detected_from: date | None = None  # … detected in these WIB days
    detected_to: date | None = None
    age: int | None = None  # open tickets of a backlog age bucket
    sort: str = "due"
    page: int = 1

    def args(self) -> dict[str, str]:
        """The filters as the queue's query string (no page), for links and the pager."""
        rv = {
            "queue": self.queue,
            "q": self.q,
            "channel": self.channel,
            "service": self.service,
            "status": self.status,
            "priority": self.priority,
            "office": self.office,
            "from": self.date_from,
            "to": self.date_to,
            "agent": self.agent,
            "rating": self.rating,
            "breach": self.breach,
            "detected_from": self.detected_from,
            "detected_to": self.detected_to,
            "age": self.age,
            "sort": self.sort if self.sort != "due" else None,
        }
        return {k: str(v) for k, v in rv.items() if v not in (None, "")}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _whole(value: str, low: int, high: int) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def parse_filters(args) -> tuple[Filters, list[str]]:
    """The queue's filters from a query string, and a message for each value that cannot
    be used (that filter is then left out: the list shows it was not applied)."""
    from hai.auth.models import User
    from hai.org.models import OrgUnit

    def text(name: str, length: int) -> str:
        return (args.get(name) or "").strip()[:length]

    errors: list[str] = []
    f = Filters(
        queue=args.get("queue") if args.get("queue") in QUEUES else "mine",
        q=text("q", 100),
        channel=text("channel", 32),
        service=text("service", 32),
        status=args.get("status") if args.get("status") in {s.value for s in TicketStatus} else "",
        priority=text("priority", 4),
        sort=args.get("sort") if args.get("sort") in SORTS else "due",
    )
    if args.get("status") and not f.status:
        errors.append("Status tidak dikenali; saringan status diabaikan.")
    if args.get("page"):
        page = _whole(args["page"], 1, 10**6)
        if page is None:
            errors.append("Nomor halaman tidak dikenali; ditampilkan halaman 1.")
        f.page = page or 1
    for name, attr, label in (
        ("from", "date_from", "Diterima dari"),
        ("to", "date_to", "Diterima sampai"),
        ("detected_from", "detected_from", "Pelanggaran terdeteksi dari"),
        ("detected_to", "detected_to", "Pelanggaran terdeteksi sampai"),
    ):
        if args.get(name):
            value = _day(args[name])
            if value is None:
                errors.append(
                    f"Tanggal “{label}” tidak dikenali (tulis TTTT-BB-HH); saringan ini diabaikan."
                )
            setattr(f, attr, value)
    if args.get("office"):
        unit = _whole(args["office"], 1, 2**31 - 1)
        if unit is None or db.session.get(OrgUnit, unit) is None:
            errors.append("Unit tidak dikenali; saringan unit diabaikan.")
        else:
            f.office = unit
    if args.get("agent"):
        agent = _whole(args["agent"], 1, 2**31 - 1)
        if agent is None or db.session.get(User, agent) is None:
            errors.append("Petugas tidak dikenali; saringan petugas diabaikan.")
        else:
            f.agent = agent
    if args.get("rating"):
        f.rating = _whole(args["rating"], 1, 5)
        if f.rating is None:
            errors.append("Penilaian harus 1 sampai 5; saringan penilaian diabaikan.")
    if args.get("breach"):
        if args["breach"] in {k.value for k in BreachKind}:
            f.breach = args["breach"]
        else:
            errors.append("Jenis pelanggaran SLA tidak dikenali; saringan ini diabaikan.")
    if args.get("age"):
        f.age = _whole(args["age"], 0, len(AGE_BUCKETS) - 1)
        if f.age is None:
            errors.append("Kelompok umur tiket tidak dikenali; saringan umur diabaikan.")
    return f, errors


def describe(f: Filters) -> list[tuple[str, dict[str, str]]]:
    """The filters the form does not show (those a dashboard link sets), in Indonesian,
    each with the query string without it (to remove it)."""
    from hai.auth.models import User
    from hai.org.models import OrgUnit
    from hai.web.timefmt import format_date

    args = f.args()

    def without(*names: str) -> dict[str, str]:
        return {k: v for k, v in args.items() if k not in names}

    rv = []
    if f.office is not None:
        unit = db.session.get(OrgUnit, f.office)
        rv.append((f"Unit: {unit.name}", without("office")))
    if f.agent is not None:
        user = db.session.get(User, f.agent)
        rv.append((f"Ditangani oleh: {user.name}", without("agent")))
    if f.rating is not None:
        rv.append((f"Penilaian pengguna: {f.rating} bintang", without("rating")))
    if f.breach or f.detected_from or f.detected_to:
        kind = BreachKind(f.breach).label if f.breach else "semua jenis"
        when = ""
        if f.detected_from or f.detected_to:
            start = format_date(f.detected_from) if f.detected_from else "…"
            end = format_date(f.detected_to) if f.detected_to else "…"
            when = f", terdeteksi {start} s.d. {end}"
        rv.append(
            (
                f"Pelanggaran SLA: {kind}{when}",
                without("breach", "detected_from", "detected_to"),
            )
        )
    if f.age is not None:
        rv.append((f"Umur tiket terbuka: {AGE_BUCKETS[f.age][0]}", without("age")))
    return rv


def team_levels(user) -> list[Level]:
    levels = []
    if user.has_role(Role.AGEN_L1):
        levels.append(Level.L1)
    if user.has_role(Role.KEPALA_SEKSI):
        levels.append(Level.KEPALA_SEKSI)
    if user.has_role(Role.AGEN_L2):
        levels.append(Level.L2)
    if user.has_role(Role.AGEN_L3):
        levels.append(Level.L3)
    if user.has_role(Role.CSO):
        levels.append(Level.CSO)
    return levels


def _team_clause(user):
    levels = team_levels(user)
    parts = []
    for level in levels:
        if level in (Level.L2, Level.L3, Level.CSO):
            column = Ticket.office_unit_id if level is Level.CSO else Ticket.team_unit_id
            parts.append((Ticket.level == level) & (column == user.unit_id))
        else:
            parts.append(Ticket.level == level)
    return or_(*parts) if parts else Ticket.id.is_(None)


def queue_query(user, f: Filters, now: datetime):
    query = select(Ticket).where(visibility_clause(user))
    open_ = Ticket.open_clause()
    if f.queue == "mine":
        query = query.where(open_, Ticket.assignee_id == user.id)
    elif f.queue == "action":
        query = query.where(
            Ticket.assignee_id == user.id,
            Ticket.status.in_([TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ESCALATED]),
        )
    elif f.queue == "team":
        query = query.where(open_, _team_clause(user))
    elif f.queue == "unassigned":
        query = query.where(open_, Ticket.assignee_id.is_(None), _team_clause(user))
    elif f.queue == "due_soon":
        query = query.where(
            open_,
            Ticket.answered_at.is_(None),
            Ticket.fulfilment_risk_at <= now,
            Ticket.fulfilment_due_at > now,
        )
    elif f.queue == "breached":
        query = query.where(
            open_,
            exists().where(
                SlaBreach.ticket_id == Ticket.id,
                SlaBreach.kind.in_([BreachKind.RESPONSE, BreachKind.FULFILMENT]),
            ),
        )
    if f.q and NUMBER.match(f.q.strip()):
        # A ticket number: the unique index answers at once.
        query = query.where(Ticket.number == f.q.strip().upper())
    elif f.q:
        for word in f.q.split()[:6]:
            like = f"%{word.replace('%', '').replace('_', '')}%"
            query = query.where(SEARCH_TEXT.ilike(like))
    if f.channel:
        query = query.where(Ticket.channel_code == f.channel)
    if f.service:
        query = query.where(
            Ticket.service_id.in_(select(CatalogService.id).where(CatalogService.code == f.service))
        )
    if f.status:
        query = query.where(Ticket.status == TicketStatus(f.status))
    if f.priority:
        query = query.where(Ticket.priority == f.priority)
    if f.office:
        query = query.where(Ticket.unit_clause(f.office))
    if f.date_from:
        query = query.where(Ticket.received_at >= wib_midnight(f.date_from))
    if f.date_to:
        query = query.where(Ticket.received_at < wib_midnight(f.date_to + timedelta(days=1)))
    if f.agent:
        query = query.where(Ticket.handled_by_clause(f.agent))
    if f.rating:
        query = query.where(Ticket.rating == f.rating)
    if f.breach or f.detected_from or f.detected_to:
        breached = select(SlaBreach.ticket_id)
        if f.breach:
            breached = breached.where(SlaBreach.kind == BreachKind(f.breach))
        if f.detected_from:
            breached = breached.where(SlaBreach.detected_at >= wib_midnight(f.detected_from))
        if f.detected_to:
            end = wib_midnight(f.detected_to + timedelta(days=1))
            breached = breached.where(SlaBreach.detected_at < end)
        query = query.where(_id_in(breached))
    if f.age is not None:
        query = query.where(age_clause(f.age, now))
    return query


# What the free-text search looks in: every word must occur in the subject, description,
# number or requester's name. The same expression as PostgreSQL's trigram index
# ``ix_ticket_search`` (migration b7e4a9c2d1f3), which answers ILIKE '%word%' on it
# (tests/tickets/test_search_index.py checks the plan).
SEARCH_TEXT = literal_column(
    "ticket.subject || ' ' || ticket.description || ' ' || coalesce(ticket.number, '')"
    " || ' ' || ticket.requester_name",
    String,
)


def _id_in(ticket_ids):
    """``Ticket.id IN (ticket_ids)``; on PostgreSQL ``= ANY(ARRAY(...))``: the ids are
    found first, then each ticket by its key. (As a semi-join, with the queue's LIMIT,
    the planner walks the whole ticket table in id order hoping to stop early: 1 s at a
    million tickets when the matches are the recent ones.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        return Ticket.id == func.any(func.array(ticket_ids.scalar_subquery()))
    return Ticket.id.in_(ticket_ids)


@dataclass(frozen=True)
class Count:
    """How many rows match, counted up to a cap: ``value`` is exact unless ``capped``."""

    value: int
    capped: bool


def count_upto(query, cap: int) -> Count:
    limited = query.order_by(None).with_only_columns(Ticket.id).limit(cap + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(limited))
    return Count(min(n, cap), n > cap)


def run_queue(user, f: Filters, now: datetime) -> tuple[list[Ticket], Count]:
    query = queue_query(user, f, now)
    offset = (max(f.page, 1) - 1) * PAGE_SIZE
    total = count_upto(query, offset + RESULT_COUNT_CAP)
    rows = list(
        db.session.scalars(
            # The assignee's name only: their roles load if something asks (not selectin).
            query.options(joinedload(Ticket.assignee).lazyload(User.role_rows))
            .order_by(*SORTS.get(f.sort, SORTS["due"]))
            .limit(PAGE_SIZE)
            .offset(offset)
        )
    )
    return rows, total


def queue_counts(user, now: datetime) -> dict[str, Count]:
    return {
        key: count_upto(queue_query(user, Filters(queue=key), now), TAB_COUNT_CAP) for key in QUEUES
    }


def breaches_of(ticket: Ticket) -> list[SlaBreach]:
    return list(
        db.session.scalars(
            select(SlaBreach).where(SlaBreach.ticket_id == ticket.id).order_by(SlaBreach.id)
        )
    )
