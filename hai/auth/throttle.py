"""Login throttling per account and per address (ASVS 2.2.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from hai.auth.models import LoginAttempt
from hai.extensions import db


@dataclass(frozen=True)
class ThrottlePolicy:
    max_per_account: int
    max_per_address: int
    window: timedelta


def _failures(column, value: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            column == value, LoginAttempt.attempted_at >= since, LoginAttempt.succeeded.is_(False)
        )
    )


def is_throttled(email: str, ip: str, *, now: datetime, policy: ThrottlePolicy) -> bool:
    """True when the account or the address has failed too often in the window.

    A successful login clears the account's count; the address count is not
    cleared, so one attacker cannot reset it with a known account.
    """
    since = now - policy.window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    account_since = max(since, last_success) if last_success else since
    return (
        _failures(LoginAttempt.email, email, account_since) >= policy.max_per_account
        or _failures(LoginAttempt.ip_address, ip, since) >= policy.max_per_address
    )


def record_attempt(email: str, ip: str, *, now: datetime, succeeded: bool) -> None:
    db.session.add(
        LoginAttempt(email=email[:254], ip_address=ip[:64], attempted_at=now, succeeded=succeeded)
    )
