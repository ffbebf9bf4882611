"""Issuing, revoking and checking the bearer tokens of integrations."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from hai.api.models import ApiCall, ApiToken
from hai.audit.services import record
from hai.errors import RuleError
from hai.extensions import db

PREFIX = "hai_"
RATE_WINDOW = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    name: str, *, now: datetime, actor=None, actor_label: str = "", rate_per_minute: int = 120
) -> tuple[ApiToken, str]:
    """A new token for the integration ``name``: the row and the token, which is
    shown this once (only its hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise RuleError("Nama integrasi wajib diisi.", "name")
    if len(name) > 100:
        raise RuleError("Nama integrasi terlalu panjang (maksimum 100 karakter).", "name")
    if not 1 <= rate_per_minute <= 10_000:
        raise RuleError("Batas panggilan per menit harus 1 sampai 10.000.", "rate_per_minute")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=_digest(secret),
        prefix=secret[: len(PREFIX) + 6],
        rate_per_minute=rate_per_minute,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api.token_issued",
        now=now,
        actor=actor,
        actor_label=actor_label,
        target=token,
        name=name,
        prefix=token.prefix,
        rate_per_minute=rate_per_minute,
    )
    return token, secret


def revoke_token(token: ApiToken, *, now: datetime, actor=None, ip: str = "") -> None:
    if token.revoked_at is not None:
        raise RuleError("Token ini sudah dicabut.")
    token.revoked_at = now
    record("api.token_revoked", now=now, actor=actor, target=token, ip=ip, name=token.name)
    db.session.flush()


def token_from_header(header: str | None) -> ApiToken | None:
    """The active token an ``Authorization: Bearer …`` header carries, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(PREFIX) or len(value) > 200:
        return None
    digest = _digest(value)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by digest; compare again in constant time for good measure.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token if token.active else None


def calls_in_window(token: ApiToken, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ApiCall)
        .where(ApiCall.token_id == token.id, ApiCall.at > now - RATE_WINDOW)
    )


def created_by(token: ApiToken, ticket_id: int) -> bool:
    """Whether ``token`` created the ticket: an integration reads and updates only its own
    tickets (never a portal ticket, another integration's, or a confidential complaint
    recorded by an agent). The creating call is recorded in the ticket's transaction."""
    return (
        db.session.scalar(
            select(ApiCall.id)
            .where(
                ApiCall.token_id == token.id,
                ApiCall.ticket_id == ticket_id,
                ApiCall.method == "POST",
                ApiCall.status == 201,
            )
            .limit(1)
        )
        is not None
    )
