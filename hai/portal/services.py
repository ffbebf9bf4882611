"""Portal accounts: registration, the activation link, and the requester's own tickets.

Every function takes the time explicitly and flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from hai.audit.services import record
from hai.auth.models import User
from hai.auth.roles import Role
from hai.auth.services import (
    AccountError,
    checked_email,
    create_user,
    find_user_by_email,
    is_official_email,
)
from hai.extensions import db
from hai.tickets.models import CloseReason, Requester, Ticket, TicketStatus

ACTIVATION_SALT = "hai.portal.activation"
ACTIVATION_MAX_AGE = timedelta(hours=48)
# User types that are DJPb's own offices and directorates (KPPN, Kanwil, Direktorat
# Teknis, Pimpinan): they register with an official-domain address.
OFFICIAL_USER_TYPES = frozenset({2, 3, 8, 9})
# At most one resent activation link per account in this window.
RESEND_WINDOW_MINUTES = 10


class ActivationError(AccountError):
    """The activation link is not (or no longer) valid."""


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    phone: str
    user_type: int
    satker_name: str
    satker_code: str
    password: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=ACTIVATION_SALT)


def activation_token(user: User, secret_key: str) -> str:
    """A signed token with the account id and its row version: any change to the row
    (activation itself) makes every earlier link useless, so a link works once."""
    return _serializer(secret_key).dumps({"u": user.id, "v": user.version})


REGISTRATION_WINDOW = timedelta(hours=1)


def registrations_from(ip: str, *, now: datetime) -> int:
    """Accounts registered from this address in the last hour (from the audit log)."""
    from sqlalchemy import func, select

    from hai.audit.models import AuditEvent

    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "portal.registered",
            AuditEvent.ip_address == ip,
            AuditEvent.at > now - REGISTRATION_WINDOW,
        )
    )


def register(
    data: Registration,
    *,
    official_domains,
    now: datetime,
    ip: str = "",
    max_per_hour: int | None = None,
) -> tuple[User, Requester]:
    """Create a requester account awaiting activation, and its requester record.

    ``max_per_hour`` limits the accounts one address may create in an hour (a bot
    filling the public form); the refusal names no field and stores nothing."""
    if max_per_hour is not None and ip and registrations_from(ip, now=now) >= max_per_hour:
        raise AccountError(
            "Terlalu banyak pendaftaran dari jaringan Anda dalam satu jam terakhir. "
            "Silakan coba lagi nanti."
        )
    email = checked_email(data.email)
    if data.user_type in OFFICIAL_USER_TYPES and not is_official_email(email, official_domains):
        raise AccountError(
            "Jenis pengguna ini (kantor dan direktorat DJPb) wajib mendaftar dengan email "
            f"kedinasan ({', '.join('@' + d for d in official_domains)}).",
            "email",
        )
    if not data.satker_name.strip() and data.user_type in (1, 2, 3, 11):
        raise AccountError("Nama satker/unit wajib diisi untuk jenis pengguna ini.", "satker_name")
    user = create_user(
        email=email,
        name=data.name,
        password=data.password,
        roles=[Role.PENGGUNA],
        user_type=data.user_type,
        phone=data.phone,
        now=now,
        actor=None,
        actor_label="Portal HAI-DJPb",
        ip=ip,
    )
    user.activation_pending = True
    requester = Requester(
        name=user.name,
        email=user.email,
        phone=user.phone,
        user_type=data.user_type,
        satker_name=data.satker_name.strip(),
        satker_code=data.satker_code.strip(),
        user_id=user.id,
        created_at=now,
    )
    db.session.add(requester)
    db.session.flush()
    record(
        "portal.registered",
        now=now,
        actor=user,
        target=user,
        ip=ip,
        user_type=data.user_type,
        official=is_official_email(email, official_domains),
    )
    return user, requester


def send_activation(user: User, *, link: str, now: datetime, dedupe_key: str | None = None):
    """Queue the activation email (the link itself is never recorded in the audit log)."""
    from hai.mail.services import enqueue

    body = (
        f"Yth. {user.name},\n\n"
        "Terima kasih telah mendaftar di Portal HAI-DJPb. Untuk mengaktifkan akun Anda, "
        "buka tautan berikut (berlaku 48 jam dan hanya dapat dipakai sekali):\n\n"
        f"{link}\n\n"
        "Jika Anda tidak merasa mendaftar, abaikan email ini.\n\n"
        "HAI-DJPb — Direktorat Jenderal Perbendaharaan"
    )
    message = enqueue(
        to=user.email,
        subject="Aktivasi akun Portal HAI-DJPb",
        body=body,
        now=now,
        subject_type="user",
        subject_id=user.id,
        dedupe_key=dedupe_key,
    )
    if message is not None:
        record("portal.activation_sent", now=now, actor=user, target=user)
    return message


def account_for_resend(email: str) -> User | None:
    """The account a resend request may concern: an unactivated requester account."""
    user = find_user_by_email(email or "")
    if user is None or not user.activation_pending or not user.has_role(Role.PENGGUNA):
        return None
    return user


def resend_key(user: User, now: datetime) -> str:
    """At most one resent link per account per window (the outbox's unique key)."""
    bucket = now.astimezone(UTC)
    bucket = bucket.replace(
        minute=bucket.minute - bucket.minute % RESEND_WINDOW_MINUTES, second=0, microsecond=0
    )
    return f"user:{user.id}:activation:{bucket:%Y%m%d%H%M}"


def user_for_token(token: str, *, secret_key: str, now: datetime) -> User:
    """The account a valid, unexpired, unused activation link names; else ActivationError."""
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature:
        raise ActivationError("Tautan aktivasi tidak sah.") from None
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    if now - signed_at > ACTIVATION_MAX_AGE:
        raise ActivationError(
            "Tautan aktivasi sudah kedaluwarsa (berlaku 48 jam). Minta tautan baru."
        )
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise ActivationError("Tautan aktivasi tidak sah.")
    user = db.session.get(User, payload["u"])
    if user is None or user.version != payload.get("v") or not user.activation_pending:
        raise ActivationError("Tautan aktivasi sudah dipakai atau tidak berlaku lagi.")
    return user


def activate(token: str, *, secret_key: str, now: datetime, ip: str = "") -> User:
    try:
        user = user_for_token(token, secret_key=secret_key, now=now)
    except ActivationError:
        record("portal.activation_refused", now=now, actor_label="Portal HAI-DJPb", ip=ip)
        raise
    user.activation_pending = False
    flag_modified(user, "activation_pending")
    db.session.flush()  # the row version goes up: the link is spent
    record("portal.activated", now=now, actor=user, target=user, ip=ip)
    return user


def requester_of(user: User) -> Requester | None:
    """The requester record of a portal account (the first one, should there be more)."""
    return db.session.scalar(
        select(Requester).where(Requester.user_id == user.id).order_by(Requester.id).limit(1)
    )


PAGE_SIZE = 20


def my_tickets(user: User, page: int) -> tuple[list[Ticket], int]:
    """The requester's own tickets, newest first, and how many there are."""
    own = select(Requester.id).where(Requester.user_id == user.id)
    query = select(Ticket).where(Ticket.requester_id.in_(own))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(
        db.session.scalars(
            query.order_by(Ticket.received_at.desc(), Ticket.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
        )
    )
    return rows, total


def awaiting_me(ticket: Ticket) -> str:
    """What the requester is asked to do on a ticket, if anything."""
    if ticket.status is TicketStatus.WAITING:
        return "Lengkapi data/dokumen"
    if ticket.status is TicketStatus.ANSWERED:
        return "Konfirmasi jawaban"
    if (
        ticket.status is TicketStatus.CLOSED
        and ticket.close_reason is CloseReason.RESOLVED
        and ticket.rated_at is None
    ):
        return "Beri penilaian"
    return ""
