"""Demo history for `make run`: a few hundred closed tickets over the past months, so that
the dashboard, the heat-map and the periodic reports have something real to show.

Recorded through ``create_ticket`` (the real due dates of the policy and calendar), then
closed as imported history: responded, answered (mostly on time, some late), closed and
often rated. Deterministic (a fixed seed); loaded once.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from hai.auth.models import User
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.extensions import db
from hai.org.models import OrgUnit
from hai.sla.calendars import calendar_for
from hai.tickets import services
from hai.tickets.demo import REQUESTERS
from hai.tickets.models import BreachKind, CloseReason, SlaBreach, Ticket, TicketStatus
from hai.web.timefmt import WIB, today_wib

SEED = 2026
DAYS = 150
TICKETS = 600
# Channels by share of contacts (the call center and email carry most).
CHANNELS = [
    ("call_center", 34),
    ("email", 22),
    ("portal", 14),
    ("whatsapp", 12),
    ("webchat", 8),
    ("hai_cso", 7),
    ("instagram", 2),
    ("twitter", 1),
]
# Contacts by WIB hour of a working day: a morning peak and a smaller one after lunch.
HOURS = [(7, 2), (8, 9), (9, 14), (10, 13), (11, 9), (12, 4), (13, 10), (14, 11), (15, 8), (16, 3)]
HISTORY_MARK = "[riwayat demo]"


def _pick(rng: random.Random, weighted: list[tuple]) -> object:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def load_demo_history(*, now: datetime, tickets: int = TICKETS) -> int:
    if db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.description == HISTORY_MARK)
    ):
        return 0
    version = version_in_force(today_wib(now))
    agents = {
        email: db.session.scalar(select(User).where(User.email == email))
        for email in ("agen1@demo.hai.test", "agen2@demo.hai.test", "cso@demo.hai.test")
    }
    if version is None or None in agents.values():
        return 0
    l1, l2, cso = agents.values()
    scopes = list(
        db.session.scalars(
            select(CatalogScope)
            .join(CatalogService)
            .where(CatalogService.version_id == version.id, CatalogScope.norm_hours.is_not(None))
            .order_by(CatalogScope.code)
        )
    )
    if not scopes:
        return 0
    directorates = list(
        db.session.scalars(select(OrgUnit).where(OrgUnit.code.like("DIT-%")).order_by(OrgUnit.code))
    )
    rng = random.Random(SEED)
    # A few scopes carry most questions (as in real contact centers).
    popular = rng.sample(scopes, min(12, len(scopes)))
    cal = calendar_for()
    today = today_wib(now)
    made = 0
    breaches = []
    for _ in range(tickets):
        day = today - timedelta(days=rng.randint(1, DAYS))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)  # mostly working days
        hour = _pick(rng, HOURS)
        received = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=WIB)
        channel = _pick(rng, CHANNELS)
        scope = rng.choice(popular) if rng.random() < 0.7 else rng.choice(scopes)
        actor = cso if channel == "hai_cso" else l1
        ticket = services.create_ticket(
            channel_code=channel,
            received_at=received,
            requester=rng.choice(REQUESTERS),
            subject=f"{scope.name[:120]}",
            description=HISTORY_MARK,
            scope=scope,
            office_unit_id=cso.unit_id if channel == "hai_cso" else None,
            now=received,
            actor=actor,
        )
        # Imported history: responded, answered and closed, mostly within the norms.
        late = rng.random() < 0.12
        ticket.assignee_id = actor.id
        response_due, fulfilment_due = ticket.response_due_at, ticket.fulfilment_due_at
        if response_due is None:
            first = cal.add(received, timedelta(minutes=rng.randint(5, 90)))
        elif late:
            first = response_due + timedelta(minutes=rng.randint(1, 90))
            breaches.append((ticket, BreachKind.RESPONSE, response_due))
        else:
            first = received + (response_due - received) * rng.uniform(0.1, 0.95)
        escalated = rng.random() < 0.2 and directorates
        if escalated:
            ticket.team_unit_id = rng.choice(directorates).id
        answerer = l2 if escalated else actor
        if fulfilment_due is None:
            answered = cal.add(first, timedelta(hours=rng.uniform(0.5, 16)))
        elif late:
            answered = fulfilment_due + timedelta(hours=rng.randint(1, 30))
            breaches.append((ticket, BreachKind.FULFILMENT, fulfilment_due))
        elif fulfilment_due <= first:
            first = answered = fulfilment_due  # answered during the call or chat itself
        else:
            answered = first + (fulfilment_due - first) * rng.uniform(0.05, 0.95)
        ticket.first_response_at = first
        ticket.answered_at = answered = max(answered, first)
        ticket.answered_by_id = answerer.id
        ticket.closed_at = answered + timedelta(hours=rng.randint(1, 20))
        ticket.status = TicketStatus.CLOSED
        ticket.close_reason = CloseReason.RESOLVED
        if rng.random() < 0.6:
            ticket.rating = _pick(rng, [(5, 45), (4, 30), (3, 14), (2, 7), (1, 4)])
        if rng.random() < 0.04:
            ticket.reopen_count = 1
        made += 1
        if made % 100 == 0:
            db.session.flush()
    db.session.flush()
    db.session.add_all(
        SlaBreach(ticket_id=t.id, kind=kind, due_at=due, detected_at=due + timedelta(minutes=2))
        for t, kind, due in breaches
    )
    db.session.flush()
    return made
