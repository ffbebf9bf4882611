"""SLA clocks: open one for a request, pause and resume it, recompute its due dates.

Subjects (tickets, broadcast requests) own a clock; the clock keeps the inputs of
the policy so its due dates can be recomputed whenever the calendar changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from hai.audit.services import record
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.errors import RuleError
from hai.extensions import db
from hai.sla.calendars import calendar_for
from hai.sla.models import SlaClock
from hai.sla.norms import load_norms
from hai.sla.policy import PRIORITIES, Request, Targets, resolve_targets


def scope_norm_hours(scope: CatalogScope | None, service: CatalogService | None) -> int | None:
    """The catalog norm of a request: its scope's, else its service's."""
    if scope is not None:
        return scope.norm_hours
    if service is not None:
        return service.norm_hours
    return None


def request_of(clock: SlaClock) -> Request:
    return Request(
        received_at=clock.received_at,
        channel_code=clock.channel_code,
        scope_norm_hours=scope_norm_hours(clock.scope, clock.service),
        escalated=clock.escalated,
        priority=clock.priority,
        paused=timedelta(microseconds=clock.paused_us),
    )


def targets_of(clock: SlaClock) -> Targets:
    return resolve_targets(
        calendar_for(clock.unit_id), load_norms(clock.version), request_of(clock)
    )


# Subjects that mirror their clock's dates (e.g. tickets, for set-based queue
# filters and breach flagging) register a function here: (clock, targets) -> None.
MIRRORS: dict[str, Callable[[SlaClock, Targets], None]] = {}


def refresh(clock: SlaClock) -> bool:
    """Recompute the due dates from the clock's inputs; True if any changed."""
    targets = targets_of(clock)
    before = (clock.response_due_at, clock.fulfilment_due_at, clock.fulfilment_basis)
    clock.response_due_at = targets.response.due
    clock.fulfilment_due_at = targets.fulfilment.due
    clock.fulfilment_basis = targets.fulfilment.basis
    mirror = MIRRORS.get(clock.subject_type)
    if mirror is not None:
        mirror(clock, targets)
    return before != (clock.response_due_at, clock.fulfilment_due_at, clock.fulfilment_basis)


def open_clock(
    *,
    subject_type: str,
    subject_id: int,
    version: CatalogVersion,
    channel_code: str,
    received_at: datetime,
    scope: CatalogScope | None = None,
    service: CatalogService | None = None,
    priority: str | None = None,
    escalated: bool = False,
    unit_id: int | None = None,
) -> SlaClock:
    if priority is not None and priority not in PRIORITIES:
        raise RuleError("Prioritas tidak dikenal.", "priority")
    if scope is not None and service is None:
        service = scope.service
    clock = SlaClock(
        subject_type=subject_type,
        subject_id=subject_id,
        version=version,
        channel_code=channel_code,
        received_at=received_at,
        scope=scope,
        service=service,
        priority=priority,
        escalated=escalated,
        unit_id=unit_id,
        paused_us=0,
    )
    db.session.add(clock)
    refresh(clock)
    db.session.flush()
    return clock


def set_priority(clock: SlaClock, priority: str | None) -> None:
    if priority is not None and priority not in PRIORITIES:
        raise RuleError("Prioritas tidak dikenal.", "priority")
    clock.priority = priority
    refresh(clock)


def set_escalated(clock: SlaClock, escalated: bool = True) -> None:
    clock.escalated = escalated
    refresh(clock)


def pause(clock: SlaClock, *, now: datetime) -> None:
    """Stop the clock while waiting for the requester (PER-8 Pasal 25 d)."""
    if clock.closed_at is not None:
        raise RuleError("Jam SLA sudah ditutup.")
    if clock.paused_since is not None:
        raise RuleError("Jam SLA sedang dijeda.")
    clock.paused_since = now


def resume(clock: SlaClock, *, now: datetime) -> timedelta:
    """Start the clock again; every due date moves by the paused working time."""
    if clock.paused_since is None:
        raise RuleError("Jam SLA tidak sedang dijeda.")
    paused = calendar_for(clock.unit_id).elapsed(clock.paused_since, now)
    if paused < timedelta(0):
        raise RuleError("Waktu lanjut tidak boleh sebelum waktu jeda.")
    clock.paused_us += paused // timedelta(microseconds=1)
    clock.paused_since = None
    refresh(clock)
    return paused


def close(clock: SlaClock, *, now: datetime) -> None:
    """A closed clock keeps its due dates forever, whatever the calendar does later."""
    if clock.paused_since is not None:
        resume(clock, now=now)
    clock.closed_at = now


def recompute_open_clocks(*, now: datetime, actor, reason: str, ip: str = "") -> int:
    """After a calendar change: new due dates for every open clock, audited.

    Closed clocks keep theirs. Returns how many clocks changed.
    """
    changed = []
    for clock in db.session.scalars(select(SlaClock).where(SlaClock.closed_at.is_(None))):
        if refresh(clock):
            changed.append(f"{clock.subject_type}:{clock.subject_id}")
    db.session.flush()
    record(
        "sla.due_dates_recomputed",
        now=now,
        actor=actor,
        ip=ip,
        reason=reason,
        changed=len(changed),
        subjects=changed[:200],
    )
    return len(changed)
