"""The email outbox: a message is a row written in the same transaction as the
change that causes it; a sender job delivers it over SMTP with retries."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hai.db_types import UTCDateTime
from hai.extensions import db


class OutboxStatus(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; visible to administrators

    @property
    def label(self) -> str:
        return {"queued": "Antre", "sent": "Terkirim", "failed": "Gagal"}[self.value]


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_message_id", "message_id"),  # replies' In-Reply-To
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=16), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What caused it (e.g. "ticket"/id) and a key that makes enqueueing idempotent.
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None] = mapped_column()
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(200), default="")
    in_reply_to: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InboundOutcome(enum.Enum):
    NEW_TICKET = "new_ticket"
    REPLY = "reply"  # added to the ticket it answers
    AUTO_REPLY = "auto_reply"  # out-of-office and the like: kept, no ticket
    BOUNCE = "bounce"  # a delivery failure report: kept, no ticket
    REFUSED = "refused"  # could not become a ticket (reason in ``note``)


class InboundEmail(db.Model):
    """Each message taken in, once (its Message-ID is unique): what became of it."""

    __tablename__ = "inbound_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    from_addr: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # its Date header
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[InboundOutcome] = mapped_column(
        Enum(
            InboundOutcome,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
