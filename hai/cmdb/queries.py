"""Reads about configuration items: which tickets, problems and releases point to one.

``related_records`` is the one function other modules (the change requests) call to list
what concerns an item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, false, func, or_, select

from hai.cmdb.models import ConfigurationItem
from hai.cmdb.services import matching_catalog_ids
from hai.extensions import db
from hai.tickets.models import Ticket, TicketType


def tickets_clause(ci: ConfigurationItem):
    """Tickets about the item: recorded for it by a handler, or (none recorded) on a
    catalog scope or service it serves."""
    service_ids, scope_ids = matching_catalog_ids(ci)
    derived = or_(
        Ticket.scope_id.in_(scope_ids) if scope_ids else false(),
        and_(Ticket.scope_id.is_(None), Ticket.service_id.in_(service_ids))
        if service_ids
        else false(),
    )
    return or_(Ticket.ci_id == ci.id, and_(Ticket.ci_id.is_(None), derived))


def open_disruptions_clause(ci: ConfigurationItem):
    return and_(tickets_clause(ci), Ticket.type == TicketType.DISRUPTION, Ticket.open_clause())


def count_open_disruptions(ci: ConfigurationItem) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Ticket).where(open_disruptions_clause(ci))
    )


def open_disruptions(ci: ConfigurationItem, user, *, limit: int = 100) -> list[Ticket]:
    """The open disruption tickets of the item that ``user`` may see, newest first."""
    from hai.tickets.policy import visibility_clause

    return list(
        db.session.scalars(
            select(Ticket)
            .where(open_disruptions_clause(ci), visibility_clause(user))
            .order_by(Ticket.received_at.desc(), Ticket.id.desc())
            .limit(limit)
        )
    )


def problems_of(ci: ConfigurationItem, *, active_only: bool = True) -> list:
    from hai.problems.models import ACTIVE, Problem

    query = select(Problem).where(Problem.ci_id == ci.id)
    if active_only:
        query = query.where(Problem.status.in_(ACTIVE))
    return list(db.session.scalars(query.order_by(Problem.id.desc())))


def changes_of(ci: ConfigurationItem, *, limit: int = 20) -> list:
    from hai.changes.models import ChangeRequest

    return list(
        db.session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.ci_id == ci.id)
            .order_by(ChangeRequest.created_at.desc())
            .limit(limit)
        )
    )


def releases_of(ci: ConfigurationItem, *, limit: int = 20) -> list:
    from hai.releases.models import Release

    return list(
        db.session.scalars(
            select(Release)
            .where(Release.ci_id == ci.id)
            .order_by(Release.released_on.desc(), Release.id.desc())
            .limit(limit)
        )
    )


@dataclass
class RelatedRecords:
    ci: ConfigurationItem
    open_disruption_count: int
    open_disruptions: list = field(default_factory=list)  # only those the user may see
    problems: list = field(default_factory=list)  # active problems
    releases: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # change requests about the item


def related_records(ci: ConfigurationItem, *, user=None) -> RelatedRecords:
    """Everything that points to the item: its open disruption tickets (the count of all,
    the rows ``user`` may see; none without a user), its active problems, its releases."""
    return RelatedRecords(
        ci=ci,
        open_disruption_count=count_open_disruptions(ci),
        open_disruptions=open_disruptions(ci, user) if user is not None else [],
        problems=problems_of(ci),
        releases=releases_of(ci),
        changes=changes_of(ci),
    )


@dataclass(frozen=True)
class OverviewRow:
    ci: ConfigurationItem
    open_disruptions: int
    active_problems: int


def overview(*, include_inactive: bool = False) -> list[OverviewRow]:
    """Every item with its open disruptions and active problems: what is broken where."""
    from hai.problems.models import ACTIVE, Problem

    query = select(ConfigurationItem).order_by(ConfigurationItem.kind, ConfigurationItem.code)
    if not include_inactive:
        query = query.where(ConfigurationItem.is_active.is_(True))
    items = list(db.session.scalars(query))
    problems = dict(
        db.session.execute(
            select(Problem.ci_id, func.count())
            .where(Problem.status.in_(ACTIVE), Problem.ci_id.is_not(None))
            .group_by(Problem.ci_id)
        ).all()
    )
    return [OverviewRow(ci, count_open_disruptions(ci), problems.get(ci.id, 0)) for ci in items]
