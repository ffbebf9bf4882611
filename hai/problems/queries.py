"""Reads for the problem pages and the ticket page's problem panel."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select

from hai.auth.permissions import Capability
from hai.extensions import db
from hai.problems.models import ACTIVE, Problem, ProblemStatus, ProblemTicket
from hai.tickets.models import Ticket, TicketType


def problem_choices(ticket: Ticket | None = None) -> list[tuple[int, str]]:
    """Problems a ticket may be linked to (suggested or being worked on), those on the
    ticket's scope or item first."""
    query = select(Problem).where(Problem.status.in_(ACTIVE))
    same = []
    if ticket is not None and ticket.scope_id:
        same.append(Problem.scope_id == ticket.scope_id)
    if ticket is not None and ticket.ci_id:
        same.append(Problem.ci_id == ticket.ci_id)
    if same:
        query = query.order_by(case((or_(*same), 0), else_=1), Problem.id.desc())
    else:
        query = query.order_by(Problem.id.desc())
    return [(p.id, f"{p.number} {p.title} ({p.status.label})") for p in db.session.scalars(query)]


def ci_choices() -> list[tuple[int, str]]:
    from hai.cmdb.services import active_items

    return [(ci.id, f"{ci.code} — {ci.name}") for ci in active_items()]


def problems_of_ticket(ticket: Ticket) -> list[Problem]:
    """Every problem the ticket is linked to except rejected suggestions."""
    return list(
        db.session.scalars(
            select(Problem)
            .join(ProblemTicket, ProblemTicket.problem_id == Problem.id)
            .where(ProblemTicket.ticket_id == ticket.id, Problem.status != ProblemStatus.DISMISSED)
            .order_by(Problem.id.desc())
        )
    )


def ticket_panel(user, ticket: Ticket, *, link_form=None, ci_form=None) -> dict:
    """What the ticket page shows about the ticket's item and problems, with the forms
    the user may use."""
    from hai.cmdb.forms import TicketCIForm
    from hai.cmdb.services import suggest_ci
    from hai.problems.forms import LinkForm, PlainForm
    from hai.tickets.policy import can_handle

    handle = can_handle(user, ticket) and ticket.status.is_open
    linked = problems_of_ticket(ticket)
    active_linked = any(p.status.is_active for p in linked)
    can_link = handle and user.can(Capability.PROBLEM_LINK) and not ticket.confidential
    if ci_form is None and handle:
        ci_form = TicketCIForm(
            formdata=None, data={"ci_id": str(ticket.ci_id or "")}, items=ci_choices()
        )
    if link_form is None and can_link and not active_linked:
        link_form = LinkForm(formdata=None, problems=problem_choices(ticket))
    return {
        "ticket": ticket,
        "ci": ticket.ci,
        "suggested_ci": None if ticket.ci_id else suggest_ci(ticket),
        "problems": linked,
        "can_link": can_link,
        "can_view_problems": user.can(Capability.PROBLEM_VIEW),
        "link_form": link_form if can_link and not active_linked else None,
        "ci_form": ci_form if handle else None,
        "unlink_form": PlainForm(formdata=None) if can_link else None,
    }


def linked_tickets(problem: Problem, user) -> tuple[list[Ticket], int]:
    """The linked tickets ``user`` may see, and how many others are linked."""
    from hai.tickets.policy import visibility_clause

    ids = select(ProblemTicket.ticket_id).where(ProblemTicket.problem_id == problem.id)
    rows = list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.id.in_(ids), visibility_clause(user))
            .order_by(Ticket.received_at, Ticket.id)
        )
    )
    total = db.session.scalar(
        select(func.count())
        .select_from(ProblemTicket)
        .where(ProblemTicket.problem_id == problem.id)
    )
    return rows, total - len(rows)


def candidate_tickets(problem: Problem, user, *, limit: int = 20) -> list[Ticket]:
    """Open disruption tickets on the problem's scope or item, linked to no active
    problem, that ``user`` may see: the ones an agent would link next."""
    from hai.cmdb.queries import tickets_clause
    from hai.tickets.policy import visibility_clause

    if not problem.status.is_active or (problem.scope_id is None and problem.ci is None):
        return []
    where = []
    if problem.scope_id is not None:
        where.append(Ticket.scope_id == problem.scope_id)
    if problem.ci is not None:
        where.append(tickets_clause(problem.ci))
    busy = (
        select(ProblemTicket.ticket_id)
        .join(Problem, Problem.id == ProblemTicket.problem_id)
        .where(Problem.status.in_(ACTIVE))
    )
    return list(
        db.session.scalars(
            select(Ticket)
            .where(
                or_(*where),
                Ticket.type == TicketType.DISRUPTION,
                Ticket.open_clause(),
                Ticket.confidential.is_(False),
                Ticket.id.not_in(busy),
                visibility_clause(user),
            )
            .order_by(Ticket.received_at.desc())
            .limit(limit)
        )
    )


def listing() -> dict[str, list[Problem]]:
    def rows(*statuses, limit=200):
        return list(
            db.session.scalars(
                select(Problem)
                .where(Problem.status.in_(statuses))
                .order_by(Problem.id.desc())
                .limit(limit)
            )
        )

    return {
        "suggested": rows(ProblemStatus.SUGGESTED),
        "active": rows(ProblemStatus.CONFIRMED, ProblemStatus.KNOWN_ERROR, ProblemStatus.FIXED),
        "closed": rows(ProblemStatus.CLOSED, ProblemStatus.DISMISSED, limit=50),
    }


def link_counts(problem_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per problem: (linked tickets, of which open)."""
    if not problem_ids:
        return {}
    rows = db.session.execute(
        select(
            ProblemTicket.problem_id,
            func.count(),
            func.sum(case((Ticket.open_clause(), 1), else_=0)),
        )
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(ProblemTicket.problem_id.in_(problem_ids))
        .group_by(ProblemTicket.problem_id)
    )
    return {pid: (total, int(open_ or 0)) for pid, total, open_ in rows}
