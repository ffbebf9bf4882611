"""Broadcast requests (PER-8 Pasal 18, 29; KEP-428 Lampiran II; catalog BMSM.01).

A request carries its text as versions: version 1 is what the requester asked, later
versions are the Kepala Seksi's edits; the approved version is frozen and is exactly
what is sent. Each (channel, recipient) of a sending has one delivery row, so a
sending interrupted half-way resumes without a duplicate.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


def _enum(cls, length: int = 24):
    return value_enum(cls, length)


class BroadcastChannel(enum.Enum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    SMS = "sms"
    SOCIAL = "social"  # the official social media accounts
    PORTAL = "portal"  # the portal's announcements page

    @property
    def label(self) -> str:
        return {
            "email": "Email",
            "whatsapp": "WhatsApp",
            "sms": "SMS",
            "social": "Media sosial resmi",
            "portal": "Pengumuman portal",
        }[self.value]

    @property
    def per_recipient(self) -> bool:
        """Email, WhatsApp and SMS go to each recipient; social and portal are one post."""
        return self in (BroadcastChannel.EMAIL, BroadcastChannel.WHATSAPP, BroadcastChannel.SMS)


class BroadcastStatus(enum.Enum):
    SUBMITTED = "submitted"  # waiting for L1's check
    CLARIFICATION = "clarification"  # L1 or the Kepala Seksi asked the requester
    IN_REVIEW = "in_review"  # forwarded to the Kepala Seksi
    APPROVED = "approved"  # text frozen, an L1 agent assigned to send
    REJECTED = "rejected"
    SENDING = "sending"
    SENT = "sent"

    @property
    def label(self) -> str:
        return {
            "submitted": "Diajukan",
            "clarification": "Menunggu klarifikasi",
            "in_review": "Menunggu persetujuan Kepala Seksi",
            "approved": "Disetujui",
            "rejected": "Ditolak",
            "sending": "Sedang dikirim",
            "sent": "Terkirim",
        }[self.value]


broadcast_recipient_group = Table(
    "broadcast_recipient_group",
    db.metadata,
    Column("broadcast_id", ForeignKey("broadcast.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("recipient_group.id"), primary_key=True),
)


class RecipientGroup(db.Model):
    """A managed list of recipients (CSO of Kanwil, interconnected banks, …)."""

    __tablename__ = "recipient_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    contacts: Mapped[list[RecipientContact]] = relationship(
        back_populates="group", order_by="RecipientContact.name", cascade="all, delete-orphan"
    )


class RecipientContact(db.Model):
    __tablename__ = "recipient_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("recipient_group.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    group: Mapped[RecipientGroup] = relationship(back_populates="contacts")


class Broadcast(db.Model):
    __tablename__ = "broadcast"
    __table_args__ = (Index("ix_broadcast_status", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_email: Mapped[str] = mapped_column(String(254))
    requester_unit: Mapped[str] = mapped_column(String(200), default="")
    channel_code: Mapped[str] = mapped_column(String(32), default="portal")  # how it came
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    channels: Mapped[list] = mapped_column(JSON, default=list)  # BroadcastChannel values
    other_recipients: Mapped[str] = mapped_column(Text, default="")
    urgent: Mapped[bool] = mapped_column(default=False)
    is_education: Mapped[bool] = mapped_column(default=False)  # Edukasi Perbendaharaan
    # The Eselon IV (or higher) official responsible for the content (KEP-428 Lampiran II).
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_position: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40))
    status: Mapped[BroadcastStatus] = mapped_column(
        _enum(BroadcastStatus), default=BroadcastStatus.SUBMITTED
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # copy of the clock's
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set once, by the job
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcast_version.id", use_alter=True, name="fk_broadcast_approved_version")
    )
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejected_reason: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    requester = relationship("User", foreign_keys=[requester_id])
    checked_by = relationship("User", foreign_keys=[checked_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    sender = relationship("User", foreign_keys=[sender_id])
    groups: Mapped[list[RecipientGroup]] = relationship(secondary=broadcast_recipient_group)
    versions: Mapped[list[BroadcastVersion]] = relationship(
        back_populates="broadcast",
        foreign_keys="BroadcastVersion.broadcast_id",
        order_by="BroadcastVersion.number",
        cascade="all, delete-orphan",
    )
    approved_version: Mapped[BroadcastVersion | None] = relationship(
        foreign_keys=[approved_version_id], post_update=True
    )
    events: Mapped[list[BroadcastEvent]] = relationship(
        back_populates="broadcast", order_by="BroadcastEvent.id", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> BroadcastVersion:
        return self.versions[-1]

    @property
    def asked(self) -> BroadcastVersion:
        return self.versions[0]

    @property
    def channel_set(self) -> list[BroadcastChannel]:
        return [BroadcastChannel(c) for c in self.channels]


class BroadcastVersion(db.Model):
    """One text of the broadcast: 1 is the request, the rest the Kepala Seksi's edits."""

    __tablename__ = "broadcast_version"
    __table_args__ = (UniqueConstraint("broadcast_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author_label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")

    broadcast: Mapped[Broadcast] = relationship(
        back_populates="versions", foreign_keys=[broadcast_id]
    )


class BroadcastEvent(db.Model):
    """The broadcast's timeline: who asked, checked, edited, approved, sent (Pasal 18)."""

    __tablename__ = "broadcast_event"
    __table_args__ = (Index("ix_broadcast_event_broadcast", "broadcast_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    to_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    broadcast: Mapped[Broadcast] = relationship(back_populates="events")


class DeliveryStatus(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "Antre", "sent": "Terkirim", "failed": "Gagal"}[self.value]


class BroadcastDelivery(db.Model):
    """One recipient on one channel (or one post for social/portal), sent at most once."""

    __tablename__ = "broadcast_delivery"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "channel", "address"),
        Index("ix_broadcast_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    channel: Mapped[BroadcastChannel] = mapped_column(_enum(BroadcastChannel, 16))
    address: Mapped[str] = mapped_column(String(254))  # email, phone, or the post target
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipient_contact.id", ondelete="SET NULL")
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus, 16), default=DeliveryStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str] = mapped_column(String(200), default="")  # gateway/outbox id
