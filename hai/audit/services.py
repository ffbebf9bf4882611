"""Write audit rows. Callers pass the actor and time; nothing here reads the request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hai.audit.models import AuditEvent
from hai.extensions import db

# Keys whose values must never reach the log.
_SECRET_KEYS = {"password", "token", "secret", "password_hash"}


def record(
    action: str,
    *,
    now: datetime,
    actor=None,
    actor_label: str = "",
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    ip: str = "",
    **details: Any,
) -> AuditEvent:
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id or getattr(target, "id", "")
    clean = {k: v for k, v in details.items() if k not in _SECRET_KEYS}
    event = AuditEvent(
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label or getattr(actor, "email", ""),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        ip_address=ip[:64],
        details=clean,
    )
    db.session.add(event)
    return event
