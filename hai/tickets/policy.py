"""Who may see and handle which ticket. Every read path (pages, fragments, queues,
search, attachments) goes through ``visible_tickets`` or ``can_view``."""

from __future__ import annotations

from flask import abort
from sqlalchemy import and_, false, or_, select, true

from hai.auth.roles import Role
from hai.extensions import db
from hai.tickets.models import Level, Ticket

# Roles that see every ticket, confidential complaints included (PER-8 Pasal 6–7).
SEE_ALL = {Role.KOORDINATOR, Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI}
# Roles that see every non-confidential ticket.
SEE_OPEN = {Role.AGEN_L1, Role.QA}


def visibility_clause(user):
    """A SQL condition on Ticket for what ``user`` may see."""
    roles = user.roles
    if roles & SEE_ALL:
        return true()
    conditions = [Ticket.assignee_id == user.id]
    if roles & SEE_OPEN:
        conditions.append(Ticket.confidential.is_(False))
    if roles & {Role.AGEN_L2, Role.AGEN_L3} and user.unit_id:
        conditions.append(
            and_(
                Ticket.team_unit_id == user.unit_id,
                Ticket.level.in_([Level.L2, Level.L3]),
                Ticket.confidential.is_(False),
            )
        )
    if Role.CSO in roles and user.unit_id:
        conditions.append(
            and_(Ticket.office_unit_id == user.unit_id, Ticket.confidential.is_(False))
        )
    if Role.PENGGUNA in roles:
        from hai.tickets.models import Requester

        conditions.append(
            Ticket.requester_id.in_(select(Requester.id).where(Requester.user_id == user.id))
        )
    return or_(*conditions) if conditions else false()


def can_view(user, ticket: Ticket) -> bool:
    return bool(
        db.session.scalar(select(Ticket.id).where(Ticket.id == ticket.id, visibility_clause(user)))
    )


def can_handle(user, ticket: Ticket) -> bool:
    """Staff who may act on it (reply, escalate, answer…), not requesters."""
    from hai.auth.permissions import Capability

    return user.can(Capability.TICKET_HANDLE) and can_view(user, ticket)


def is_requester_of(user, ticket: Ticket) -> bool:
    """The portal's rule: a requester's own tickets are those recorded for the
    requester record linked to their account; nothing else, whatever their roles."""
    user_id = getattr(user, "id", None)
    requester = ticket.requester
    return user_id is not None and requester is not None and requester.user_id == user_id


def get_own_ticket_or_404(user, ticket_id: int) -> Ticket:
    """A ticket of the requester's own, or 404 (never 403: ids are not confirmed)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not is_requester_of(user, ticket):
        abort(404)
    return ticket


def requester_may_download(user, ticket: Ticket, attachment) -> bool:
    """An attachment the requester may fetch from the portal: one of their own ticket's,
    that they uploaded or that belongs to a public entry of its timeline (never a file
    added with an internal note)."""
    from hai.tickets.models import TicketEvent

    if attachment is None or attachment.owner_type != "ticket" or attachment.owner_id != ticket.id:
        return False
    if not is_requester_of(user, ticket):
        return False
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.id:
        return True
    if attachment.event_id is None:
        return False
    event = db.session.get(TicketEvent, attachment.event_id)
    return event is not None and event.ticket_id == ticket.id and event.kind.is_public


def get_ticket_or_404(user, ticket_id: int, *, for_handling: bool = False) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not can_view(user, ticket):
        abort(404)
    if for_handling and not can_handle(user, ticket):
        abort(403)
    return ticket
