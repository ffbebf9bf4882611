"""Delivering the outbox over SMTP, with retries.

One batch is one SMTP connection. A message the server refuses is retried later
with growing pauses and marked FAILED after ``MAX_ATTEMPTS``; when the server
cannot be reached (or drops the connection) no message is given up: every message
of the batch not yet handed over stays QUEUED for a later run; ``attempts`` counts
the tries of each message, successful or not.

Delivery is at-least-once: should the commit after a batch fail, the batch is
sent again on the next run.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from sqlalchemy import Select, select

from hai.config import as_flag
from hai.extensions import db
from hai.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

DEFAULT_SENDER = "HAI-DJPb <hai.djpb@kemenkeu.go.id>"
# Pause before the next try after the 1st, 2nd, ... failed attempt; the last repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = 8
ERROR_MAX = 500  # OutboxMessage.last_error


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    username: str = ""
    password: str = field(default="", repr=False)  # never in logs or reprs
    starttls: bool = False
    use_ssl: bool = False
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        """From the app config (HAI_SMTP_* and HAI_MAIL_FROM); values may be strings."""
        return cls(
            host=str(config.get("HAI_SMTP_HOST") or "localhost"),
            port=int(config.get("HAI_SMTP_PORT") or 25),
            username=str(config.get("HAI_SMTP_USER") or ""),
            password=str(config.get("HAI_SMTP_PASSWORD") or ""),
            starttls=as_flag(config.get("HAI_SMTP_STARTTLS", False)),
            use_ssl=as_flag(config.get("HAI_SMTP_SSL", False)),
            sender=str(config.get("HAI_MAIL_FROM") or DEFAULT_SENDER),
            timeout=float(config.get("HAI_SMTP_TIMEOUT") or 10),
        )


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt (1-based)."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    """The RFC 5322 message: UTF-8 plain text. Raises ValueError on a bad header."""
    mime = EmailMessage(policy=SMTP_POLICY)
    # The policy itself refuses CR/LF in header values: a second line of defence
    # behind hai.mail.services, which never stores them.
    mime["From"] = sender
    mime["To"] = message.to_addr
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(message.created_at)
    mime["Message-ID"] = message.message_id
    if message.in_reply_to:
        mime["In-Reply-To"] = message.in_reply_to
        mime["References"] = message.in_reply_to
    # No out-of-office replies or bounces-to-bounces loops with the helpdesk.
    mime["Auto-Submitted"] = "auto-generated"
    mime["X-Auto-Response-Suppress"] = "All"
    mime.set_content(message.body, charset="utf-8", cte="quoted-printable")
    return mime


def _describe(exc: BaseException, settings: SmtpSettings) -> str:
    """A short error text for the message row and the log, without credentials."""
    text = f"{type(exc).__name__}: {exc}"
    if settings.password:
        text = text.replace(settings.password, "***")
    return " ".join(text.split())[:ERROR_MAX]


def _server_gone(exc: BaseException) -> bool:
    """True when the connection, not the message, failed (the rest of the batch waits)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    # 421: the server is closing the channel (overloaded, shutting down).
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in exc.recipients.values())
    # Other SMTP errors concern the message; SMTPException is an OSError, so this last.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.starttls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _retry_later(message: OutboxMessage, error: str, *, now: datetime, may_fail: bool) -> bool:
    """Count a failed attempt; return True when the message is given up (FAILED).

    ``may_fail`` is False when the server, not the message, is the problem: the
    message then stays QUEUED however many attempts it has.
    """
    message.attempts += 1
    message.last_error = error
    if may_fail and message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        return True
    message.next_attempt_at = now + backoff(message.attempts)
    return False


def due_query(*, now: datetime, batch: int) -> Select:
    """The oldest due messages, locked; rows another sender holds are skipped.

    FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite ignores it (one writer anyway).
    """
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def deliver_due(settings: SmtpSettings, *, now: datetime, batch: int = 50) -> dict:
    """Send the due messages over one SMTP connection. Flushes; the caller commits.

    Returns counts: ``sent``, ``retrying`` (still QUEUED) and ``failed`` (given up
    in this run).
    """
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    messages = list(db.session.scalars(due_query(now=now, batch=batch)))
    if not messages:
        return counts
    try:
        smtp = _connect(settings)
    except (smtplib.SMTPException, OSError) as exc:
        error = _describe(exc, settings)
        log.warning(
            "outbox: cannot reach SMTP %s:%s (%s); %d message(s) wait",
            settings.host,
            settings.port,
            error,
            len(messages),
        )
        for message in messages:
            _retry_later(message, error, now=now, may_fail=False)
        counts["retrying"] = len(messages)
        db.session.flush()
        return counts
    try:
        for position, message in enumerate(messages):
            try:
                smtp.send_message(build_message(message, settings.sender))
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                error = _describe(exc, settings)
                if _server_gone(exc):
                    # Not this message's fault: it is not given up, and the rest of
                    # the batch (untried) stays due for the next run.
                    log.warning("outbox: SMTP connection lost (%s)", error)
                    _retry_later(message, error, now=now, may_fail=False)
                    counts["retrying"] += len(messages) - position
                    break
                if _retry_later(message, error, now=now, may_fail=True):
                    counts["failed"] += 1
                    log.error(
                        "outbox: message %s to %s failed after %d attempts: %s",
                        message.id,
                        message.to_addr,
                        message.attempts,
                        error,
                    )
                else:
                    counts["retrying"] += 1
                    log.info("outbox: message %s will be retried: %s", message.id, error)
            else:
                message.attempts += 1
                message.status = OutboxStatus.SENT
                message.sent_at = now
                counts["sent"] += 1
    finally:
        _close(smtp)
    db.session.flush()
    return counts
