"""The SLA policy: which norms apply to a request and when each target falls due.

Plain functions on plain values (no Flask, no database): the views, the API, the
scheduler and the tests all call these.

Precedence for the fulfilment due date — this is the one place it is decided:
1. a priority set by an agent governs (P6: no fixed deadline);
2. else, once the request is escalated, the norm of its catalog scope (or of the
   service when it has no scopes; none where the catalog says "-");
3. else the channel's normal fulfilment norm of the version.
Every target is working time counted from receipt, plus the working time the
clock spent paused while waiting for the requester.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hai.sla.worktime import WorkingCalendar

LEVELS = ("high", "medium", "low")
LEVEL_LABELS = {"high": "Tinggi", "medium": "Sedang", "low": "Rendah"}
PRIORITIES = ("P1", "P2", "P3", "P4", "P5", "P6")


@dataclass(frozen=True)
class ChannelNorm:
    response: timedelta | None  # None: the version sets no response norm for the channel
    fulfilment: timedelta | None  # timedelta(0): at once; None: no norm
    basis: str = ""


@dataclass(frozen=True)
class SlaNorms:
    """The SLA parameters of one catalog version, as plain values."""

    version_code: str
    priority_hours: dict[str, int | None]
    matrix: dict[tuple[str, str], str]  # (impact, urgency) -> priority
    channels: dict[str, ChannelNorm]

    def priority_for(self, impact: str, urgency: str) -> str:
        try:
            return self.matrix[(impact, urgency)]
        except KeyError:
            raise ValueError(f"unknown impact/urgency {impact!r}/{urgency!r}") from None


@dataclass(frozen=True)
class Request:
    """What the policy needs to know about one request."""

    received_at: datetime
    channel_code: str
    scope_norm_hours: int | None = None
    escalated: bool = False
    priority: str | None = None
    paused: timedelta = timedelta(0)


AT_RISK_SHARE = (3, 4)  # a target is at risk once 75 % of its allowance is used


@dataclass(frozen=True)
class Target:
    name: str
    norm: timedelta | None  # working time; None: no fixed deadline
    due: datetime | None
    basis: str  # "priority", "scope", "channel", "none"
    note: str = ""
    at_risk: datetime | None = None  # when 75 % of the allowance is used


@dataclass
class Targets:
    response: Target
    fulfilment: Target
    candidates: list[Target] = field(default_factory=list)  # every norm, for explaining


def fulfilment_norm(norms: SlaNorms, request: Request) -> tuple[timedelta | None, str]:
    """The governing fulfilment norm and its basis (see the module docstring)."""
    if request.priority:
        if request.priority not in norms.priority_hours:
            raise ValueError(f"unknown priority {request.priority!r}")
        hours = norms.priority_hours[request.priority]
        return (timedelta(hours=hours) if hours is not None else None), "priority"
    if request.escalated:
        hours = request.scope_norm_hours
        return (timedelta(hours=hours) if hours is not None else None), "scope"
    channel = norms.channels.get(request.channel_code)
    if channel is None or channel.fulfilment is None:
        return None, "none"
    return channel.fulfilment, "channel"


def _due(calendar: WorkingCalendar, request: Request, norm: timedelta | None) -> datetime | None:
    if norm is None:
        return None
    return calendar.add(request.received_at, norm + request.paused)


def _at_risk(calendar: WorkingCalendar, request: Request, norm: timedelta | None):
    if norm is None:
        return None
    share, whole = AT_RISK_SHARE
    return calendar.add(request.received_at, norm * share / whole + request.paused)


def resolve_targets(calendar: WorkingCalendar, norms: SlaNorms, request: Request) -> Targets:
    channel = norms.channels.get(request.channel_code)
    response_norm = channel.response if channel else None
    response = Target(
        "Tanggapan pertama",
        response_norm,
        _due(calendar, request, response_norm),
        "channel" if response_norm is not None else "none",
        at_risk=_at_risk(calendar, request, response_norm),
    )
    norm, basis = fulfilment_norm(norms, request)
    fulfilment = Target(
        "Pemenuhan",
        norm,
        _due(calendar, request, norm),
        basis,
        at_risk=_at_risk(calendar, request, norm),
    )

    candidates = []
    channel_ful = channel.fulfilment if channel else None
    candidates.append(
        Target(
            "Pemenuhan normal kanal", channel_ful, _due(calendar, request, channel_ful), "channel"
        )
    )
    scope_norm = (
        timedelta(hours=request.scope_norm_hours) if request.scope_norm_hours is not None else None
    )
    candidates.append(
        Target(
            "Norma ruang lingkup (eskalasi)",
            scope_norm,
            _due(calendar, request, scope_norm),
            "scope",
        )
    )
    if request.priority:
        hours = norms.priority_hours.get(request.priority)
        pnorm = timedelta(hours=hours) if hours is not None else None
        candidates.append(
            Target(
                f"Prioritas {request.priority}", pnorm, _due(calendar, request, pnorm), "priority"
            )
        )
    return Targets(response, fulfilment, candidates)
