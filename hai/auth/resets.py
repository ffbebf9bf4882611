"""Password reset by email ("Lupa kata sandi", ASVS 2.5 and 3.3).

A request always gets the same answer, whether or not the address has an account.
For an active account a random token is emailed as a link; only its SHA-256 is kept.
A link works once, for ``PASSWORD_RESET_LIFETIME``; it is also spent when a newer link
is asked for, and by any password change made after it was issued. Requests are
limited per network address (refused with a message: it reveals nothing about
accounts) and per account (silently: the answer stays the same).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from hai.audit.models import AuditEvent
from hai.audit.services import record
from hai.auth import sessions
from hai.auth.models import PasswordReset, User
from hai.auth.passwords import hash_password, password_problem
from hai.auth.services import AccountError, find_user_by_email, normalise_email
from hai.auth.throttle import record_attempt
from hai.extensions import db

REQUESTED = "auth.password_reset_requested"
WINDOW = timedelta(hours=1)


class ResetError(AccountError):
    """The reset link is not (or no longer) valid."""


class ResetThrottled(AccountError):
    """Too many requests from one network address."""


@dataclass(frozen=True)
class ResetPolicy:
    lifetime: timedelta
    max_per_account: int  # links emailed per account per hour
    max_per_address: int  # requests (any address typed) per network address per hour
    allow_demo: bool = True


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _requests_from(ip: str, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == REQUESTED, AuditEvent.ip_address == ip)
        .where(AuditEvent.at > now - WINDOW)
    )


def _links_sent_to(user: User, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.created_at > now - WINDOW)
    )


def _eligible(user: User | None, policy: ResetPolicy) -> bool:
    """Accounts that may sign in: active, activated, and not a demo account where those
    are refused (an unactivated account asks for its activation link instead)."""
    return (
        user is not None
        and user.is_active
        and not user.activation_pending
        and (policy.allow_demo or not user.is_demo)
    )


def request_reset(
    email: str, *, now: datetime, ip: str, policy: ResetPolicy
) -> tuple[User, str] | None:
    """Record the request and, for an eligible account under its limit, issue a link.

    Returns the account and the token to email, or None (nothing to send). Raises
    ``ResetThrottled`` when the address has asked too often.
    """
    email = normalise_email(email)[:254]
    if ip and _requests_from(ip, now) >= policy.max_per_address:
        record("auth.password_reset_throttled", now=now, actor_label=email, ip=ip, per="address")
        raise ResetThrottled(
            "Terlalu banyak permintaan atur ulang kata sandi dari jaringan Anda. "
            "Silakan coba lagi dalam satu jam."
        )
    record(REQUESTED, now=now, actor_label=email, ip=ip)
    user = find_user_by_email(email)
    if not _eligible(user, policy):
        return None
    assert user is not None
    if _links_sent_to(user, now) >= policy.max_per_account:
        record("auth.password_reset_throttled", now=now, target=user, ip=ip, per="account")
        return None
    _spend_open_links(user, now, "superseded")
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + policy.lifetime,
            ip_address=ip[:64],
        )
    )
    db.session.flush()
    record("auth.password_reset_sent", now=now, target=user, ip=ip)
    return user, token


def send_reset_email(user: User, *, link: str, minutes: int, now: datetime):
    """Queue the email with the link (never written to the audit log or any log)."""
    from hai.mail.services import enqueue

    body = (
        f"Yth. {user.name},\n\n"
        "Kami menerima permintaan untuk mengatur ulang kata sandi akun HAI Anda. "
        f"Buka tautan berikut untuk membuat kata sandi baru (berlaku {minutes} menit dan "
        "hanya dapat dipakai sekali):\n\n"
        f"{link}\n\n"
        "Jika Anda tidak meminta ini, abaikan email ini; kata sandi Anda tidak berubah.\n\n"
        "HAI-DJPb — Direktorat Jenderal Perbendaharaan"
    )
    return enqueue(
        to=user.email,
        subject="Atur ulang kata sandi HAI",
        body=body,
        now=now,
        subject_type="user",
        subject_id=user.id,
    )


def link_for(token: str, *, now: datetime) -> PasswordReset:
    """The open link a token names; ``ResetError`` when it is unknown, spent or expired."""
    if not token or len(token) > 200:
        raise ResetError("Tautan atur ulang kata sandi tidak sah.")
    row = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token)))
    if row is None:
        raise ResetError("Tautan atur ulang kata sandi tidak sah.")
    user = row.user
    if (
        row.spent_at is not None
        or row.created_at < user.password_changed_at
        or not user.is_active
        or user.activation_pending
    ):
        raise ResetError("Tautan ini sudah dipakai atau tidak berlaku lagi. Minta tautan baru.")
    if now >= row.expires_at:
        raise ResetError("Tautan ini sudah kedaluwarsa. Minta tautan baru.")
    return row


def complete_reset(token: str, new_password: str, *, now: datetime, ip: str = "") -> User:
    """Set the new password through a valid link; every session of the account ends."""
    try:
        row = link_for(token, now=now)
    except ResetError:
        record_refusal(now=now, ip=ip)
        raise
    user = row.user
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    _spend_open_links(user, now, "used")
    ended = sessions.end_all_sessions(user, now=now, reason="password_reset_by_email")
    # Owning the mailbox is proof enough: earlier failed logins no longer throttle it.
    record_attempt(user.email, ip, now=now, succeeded=True)
    db.session.flush()
    record(
        "auth.password_reset_completed",
        now=now,
        actor=user,
        target=user,
        ip=ip,
        sessions_ended=ended,
    )
    return user


def record_refusal(*, now: datetime, ip: str = "") -> None:
    """Audit a link that was used when no longer valid (the token itself is not kept)."""
    record("auth.password_reset_refused", now=now, actor_label="Lupa kata sandi", ip=ip)


def _spend_open_links(user: User, now: datetime, reason: str) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.spent_at.is_(None))
        .values(spent_at=now, spent_reason=reason)
    )
