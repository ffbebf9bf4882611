"""Putting messages in the outbox, and giving a failed one another chance.

``enqueue`` is called inside the transaction of the change that causes the email,
so the message exists exactly when the change does. Nothing here talks to SMTP;
``hai.mail.sender`` does that from the scheduler.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import make_msgid

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from hai.audit.services import record
from hai.errors import RuleError
from hai.extensions import db
from hai.mail.models import OutboxMessage, OutboxStatus

MESSAGE_ID_DOMAIN = "hai.kemenkeu.go.id"
SUBJECT_MAX = 300  # OutboxMessage.subject
ADDRESS_MAX = 254  # OutboxMessage.to_addr
HEADER_MAX = 200  # OutboxMessage.message_id / in_reply_to / dedupe_key

# Line breaks of every kind (CR, LF, NEL, LS, PS, VT, FF) and the other controls.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def clean_subject(subject: str) -> str:
    """One line of text: line breaks and control characters become spaces.

    A subject can carry user text (a ticket's subject); a line break in it would
    otherwise start a new header (header injection).
    """
    text = _CONTROLS.sub(" ", _LINE_BREAKS.sub(" ", subject or ""))
    return _SPACES.sub(" ", text).strip()[:SUBJECT_MAX]


def _check_header_value(value: str, field: str) -> str:
    value = (value or "").strip()
    if _LINE_BREAKS.search(value) or _CONTROLS.search(value):
        raise RuleError("Nilai tidak boleh memuat baris baru atau karakter kendali.", field)
    if len(value) > HEADER_MAX:
        raise RuleError(f"Nilai terlalu panjang (maksimum {HEADER_MAX} karakter).", field)
    return value


def normalize_address(to: str) -> str:
    """The address as it will be written in the To header, or RuleError(field="to")."""
    to = (to or "").strip()
    if not to or _LINE_BREAKS.search(to) or _CONTROLS.search(to):
        raise RuleError("Alamat email tujuan tidak valid.", "to")
    try:
        info = validate_email(
            to,
            check_deliverability=False,
            test_environment=True,
            # Every server we hand mail to must be able to take it: no SMTPUTF8.
            allow_smtputf8=False,
        )
    except EmailNotValidError as exc:
        raise RuleError("Alamat email tujuan tidak valid.", "to") from exc
    address = info.ascii_email or info.normalized
    if len(address) > ADDRESS_MAX:
        raise RuleError("Alamat email tujuan terlalu panjang.", "to")
    return address


def _dedupe_key_exists(dedupe_key: str) -> bool:
    found = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key).limit(1)
    )
    return found is not None


def enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    subject_type: str = "",
    subject_id: int | None = None,
    dedupe_key: str | None = None,
    in_reply_to: str = "",
    created_by=None,
) -> OutboxMessage | None:
    """Queue one plain-text email to ``to``; due at once.

    With ``dedupe_key``, a second call with the same key inserts nothing and
    returns None, also when another transaction inserts the same key at the same
    moment (the unique constraint decides; only a savepoint is rolled back, so the
    caller's own work in this transaction is kept). Flushes, never commits.
    """
    address = normalize_address(to)
    in_reply_to = _check_header_value(in_reply_to, "in_reply_to")
    if dedupe_key is not None:
        dedupe_key = _check_header_value(dedupe_key, "dedupe_key")
        if not dedupe_key:
            raise RuleError("Kunci deduplikasi tidak boleh kosong.", "dedupe_key")
        if _dedupe_key_exists(dedupe_key):
            return None
    message = OutboxMessage(
        created_at=now,
        to_addr=address,
        subject=clean_subject(subject),
        body=body or "",
        status=OutboxStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        subject_type=(subject_type or "")[:32],
        subject_id=subject_id,
        dedupe_key=dedupe_key,
        message_id=make_msgid(domain=MESSAGE_ID_DOMAIN),
        in_reply_to=in_reply_to,
        created_by_id=getattr(created_by, "id", None),
    )
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # Lost the race to a concurrent transaction with the same key: that one's
        # message is the message. Anything else (a bad foreign key) is a bug.
        if _dedupe_key_exists(dedupe_key):
            return None
        raise
    return message


def enqueue_many(messages: list[dict], *, now: datetime) -> int:
    """Queue many emails at once, each a dict of ``enqueue``'s keyword arguments with
    a ``dedupe_key``; keys already in the outbox are skipped. Returns how many were
    queued. One bulk insert instead of a savepoint per message (a breach pass can
    queue thousands); if a concurrent transaction wins a key meanwhile, falls back to
    ``enqueue`` one by one, which settles each key."""
    rows, keys = [], []
    for m in messages:
        key = _check_header_value(m["dedupe_key"], "dedupe_key")
        if not key:
            raise RuleError("Kunci deduplikasi tidak boleh kosong.", "dedupe_key")
        keys.append(key)
        rows.append(
            dict(
                created_at=now,
                to_addr=normalize_address(m["to"]),
                subject=clean_subject(m["subject"]),
                body=m.get("body") or "",
                status=OutboxStatus.QUEUED,
                attempts=0,
                next_attempt_at=now,
                last_error="",
                subject_type=(m.get("subject_type") or "")[:32],
                subject_id=m.get("subject_id"),
                dedupe_key=key,
                message_id=make_msgid(domain=MESSAGE_ID_DOMAIN),
                in_reply_to="",
                created_by_id=None,
            )
        )
    existing: set[str] = set()
    for i in range(0, len(keys), 500):
        existing.update(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_(keys[i : i + 500])
                )
            )
        )
    fresh, seen = [], set(existing)
    for row in rows:
        if row["dedupe_key"] not in seen:
            seen.add(row["dedupe_key"])
            fresh.append(row)
    if not fresh:
        return 0
    try:
        with db.session.begin_nested():
            db.session.execute(insert(OutboxMessage), fresh)
    except IntegrityError:
        return sum(enqueue(now=now, **m) is not None for m in messages)
    return len(fresh)


def messages_about(subject_type: str, subject_id: int) -> list[OutboxMessage]:
    """What was emailed about one thing (a ticket), oldest first, with its delivery state."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.subject_type == subject_type,
                OutboxMessage.subject_id == subject_id,
            )
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def requeue(message: OutboxMessage, *, now: datetime, actor=None, ip: str = "") -> OutboxMessage:
    """Put a FAILED message back in the queue, due now, with a fresh set of attempts."""
    if message.status is not OutboxStatus.FAILED:
        raise RuleError("Hanya email yang gagal terkirim yang dapat dikirim ulang.")
    previous_attempts = message.attempts
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = now
    record(
        "mail.requeued",
        now=now,
        actor=actor,
        target=message,
        ip=ip,
        to=message.to_addr,
        previous_attempts=previous_attempts,
        last_error=message.last_error,
    )
    db.session.flush()
    return message
