"""Queues and search, always within what the user may see (policy.visibility_clause)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, or_, select
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


@dataclass
class Filters:
    queue: str = "mine"
    q: str = ""
    channel: str = ""
    service: str = ""
    status: str = ""
    priority: str = ""
    office: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "due"
    page: int = 1


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
            query = query.where(
                or_(
                    Ticket.subject.ilike(like),
                    Ticket.description.ilike(like),
                    Ticket.number.ilike(like),
                    Ticket.requester_name.ilike(like),
                )
            )
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
        query = query.where(or_(Ticket.office_unit_id == f.office, Ticket.team_unit_id == f.office))
    if f.date_from:
        query = query.where(Ticket.received_at >= datetime.combine(f.date_from, time(0), WIB))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time(0), WIB)
        query = query.where(Ticket.received_at < end)
    return query


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
