"""Server-side session records.

The signed cookie carries only a random token; the row behind it decides whether
the login is still valid. Logout, a password change and disabling an account end
rows, so a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from hai.auth.models import User, UserSession
from hai.extensions import db

# Writing last_seen_at on every request would make every page a write; a minute
# of slack on the idle timeout is an acceptable price.
TOUCH_INTERVAL = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, now: datetime, ip: str = "", user_agent: str = "") -> str:
    """Create a session row and return the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip_address=ip[:64],
            user_agent=user_agent[:255],
        )
    )
    return token


def resolve_session(
    token: str | None,
    user_id: str | int,
    *,
    now: datetime,
    idle_timeout: timedelta,
    absolute_timeout: timedelta,
) -> User | None:
    """Return the user of a live session, ending it if it has timed out."""
    if not token:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None or str(row.user_id) != str(user_id):
        return None
    if now - row.last_seen_at > idle_timeout:
        _end(row, now, "idle_timeout")
        return None
    if now - row.created_at > absolute_timeout:
        _end(row, now, "absolute_timeout")
        return None
    user = row.user
    if not user.is_active:
        _end(row, now, "account_disabled")
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
    return user


def end_session(token: str | None, *, now: datetime, reason: str = "logout") -> None:
    if not token:
        return
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is not None and row.ended_at is None:
        _end(row, now, reason)


def end_all_sessions(user: User, *, now: datetime, reason: str) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return result.rowcount or 0


def active_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.created_at.desc())
        )
    )


def _end(row: UserSession, now: datetime, reason: str) -> None:
    row.ended_at = now
    row.end_reason = reason
