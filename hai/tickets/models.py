"""Tickets (PER-8 Pasal 13–15, 25–28): the record, its timeline, requesters,
breaches, notifications and the OLA targets of the directorates."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


def _enum(cls, length: int = 24):
    return value_enum(cls, length)


class TicketType(enum.Enum):
    QUESTION = "question"
    INFORMATION = "information_request"
    DISRUPTION = "disruption"
    CHANGE = "change_request"
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        return {
            "question": "Pertanyaan",
            "information_request": "Permintaan informasi",
            "disruption": "Gangguan/permasalahan",
            "change_request": "Permintaan perubahan",
            "complaint": "Pengaduan",
        }[self.value]


class TicketStatus(enum.Enum):
    NEW = "new"  # received, not yet triaged
    OPEN = "open"  # being handled at the current level
    WAITING = "waiting"  # waiting for the requester (documents); the SLA clock is paused
    ESCALATED = "escalated"  # handed to Kepala Seksi / L2 / L3 / L1 (from CSO)
    ANSWERED = "answered"  # answered; awaiting the final confirmation
    CLOSED = "closed"  # confirmed and closed (or closed with a reason)

    @property
    def label(self) -> str:
        return {
            "new": "Baru",
            "open": "Diproses",
            "waiting": "Menunggu pengguna",
            "escalated": "Dieskalasi",
            "answered": "Dijawab",
            "closed": "Selesai",
        }[self.value]

    @property
    def is_open(self) -> bool:
        return self is not TicketStatus.CLOSED


class Level(enum.Enum):
    CSO = "cso"
    L1 = "l1"
    KEPALA_SEKSI = "kepala_seksi"
    L2 = "l2"
    L3 = "l3"

    @property
    def label(self) -> str:
        return {
            "cso": "CSO",
            "l1": "Layer 1",
            "kepala_seksi": "Kepala Seksi",
            "l2": "Layer 2",
            "l3": "Layer 3",
        }[self.value]


class CloseReason(enum.Enum):
    RESOLVED = "resolved"  # answered and confirmed
    REFUSED_CATALOG = "refused_catalog"  # outside the catalog (Pasal 13(6))
    REFUSED_USER_TYPE = "refused_user_type"  # the access matrix excludes the user type
    EXCLUDED = "excluded"  # excluded information (Pasal 12(4))
    FORWARDED = "forwarded"  # forwarded to / directed to a linked external unit
    NO_RESPONSE = "no_response"  # the requester never answered a request for documents

    @property
    def label(self) -> str:
        return {
            "resolved": "Selesai dijawab",
            "refused_catalog": "Ditolak: di luar katalog layanan",
            "refused_user_type": "Ditolak: jenis pengguna tidak berhak atas layanan ini",
            "excluded": "Ditutup: informasi yang dikecualikan",
            "forwarded": "Diteruskan ke unit lintas layanan",
            "no_response": "Ditutup: pengguna tidak melengkapi data",
        }[self.value]


class Requester(db.Model):
    """Someone who asks: looked up or created by the agent as they type.

    A portal account (``user_id``) is optional: callers and walk-in users often have none.
    """

    __tablename__ = "requester"
    __table_args__ = (Index("ix_requester_email", "email"), Index("ix_requester_name", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    user_type: Mapped[int | None] = mapped_column()
    satker_name: Mapped[str] = mapped_column(String(200), default="")
    satker_code: Mapped[str] = mapped_column(String(20), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Partial indexes over open tickets only (about a fifth of a year's tickets, and the
# only ones queues and breach flagging look at). Measured with bench/tickets.py.
OPEN_ONLY = "status <> 'closed'"


def _open_index(name: str, *columns: str, where: str = OPEN_ONLY) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class Ticket(db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_queue", "status", "level", "assignee_id"),
        Index("ix_ticket_received", "received_at"),
        # L1/L2 queues: one level's open tickets in due order.
        _open_index(
            "ix_ticket_open_level_due",
            "level",
            "fulfilment_due_at",
            "id",
            "confidential",
            "assignee_id",
        ),
        # Fulfilment breaches and the "due soon" queue.
        _open_index(
            "ix_ticket_open_due",
            "fulfilment_due_at",
            "fulfilment_risk_at",
            "answered_at",
            "paused",
            "confidential",
            "assignee_id",
        ),
        _open_index(
            "ix_ticket_open_risk", "fulfilment_risk_at", "fulfilment_due_at", "answered_at"
        ),
        # Response breaches.
        _open_index(
            "ix_ticket_open_response",
            "response_due_at",
            "response_risk_at",
            "first_response_at",
            "paused",
        ),
        _open_index("ix_ticket_open_response_risk", "response_risk_at", "first_response_at"),
        # The backlog by age (QA dashboard) and the queue's age filter, per unit.
        _open_index("ix_ticket_open_received", "received_at", "team_unit_id", "office_unit_id"),
        # Tickets not yet responded to, by response due date: the dashboard's refresh finds
        # those that fell due since its previous pass (hai.qa.stats), closed ones included.
        Index(
            "ix_ticket_unresponded_due",
            "response_due_at",
            sqlite_where=text("first_response_at IS NULL"),
            postgresql_where=text("first_response_at IS NULL"),
        ),
        # OLA breaches of escalated tickets.
        _open_index(
            "ix_ticket_open_ola",
            "ola_due_at",
            "l2_answered_at",
            where=f"{OPEN_ONLY} AND ola_due_at IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    channel_code: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recording_ref: Mapped[str] = mapped_column(String(100), default="")  # PER-8 Pasal 23

    requester_id: Mapped[int | None] = mapped_column(ForeignKey("requester.id"))
    # The requester's data as given for this ticket (kept even if the directory changes).
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_email: Mapped[str] = mapped_column(String(254), default="")
    requester_phone: Mapped[str] = mapped_column(String(40), default="")
    requester_user_type: Mapped[int | None] = mapped_column()
    satker_name: Mapped[str] = mapped_column(String(200), default="")
    satker_code: Mapped[str] = mapped_column(String(20), default="")

    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_service.id"))
    scope_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_scope.id"))
    # What is broken (PER-8 Pasal 22(5)): set by a handler, suggested from the scope.
    ci_id: Mapped[int | None] = mapped_column(ForeignKey("configuration_item.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[TicketType] = mapped_column(_enum(TicketType), default=TicketType.QUESTION)
    impact: Mapped[str | None] = mapped_column(String(8))
    urgency: Mapped[str | None] = mapped_column(String(8))
    priority: Mapped[str | None] = mapped_column(String(4))

    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus), default=TicketStatus.NEW)
    level: Mapped[Level] = mapped_column(_enum(Level), default=Level.L1)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    team_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))  # L2 directorate
    office_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))  # CSO office
    confidential: Mapped[bool] = mapped_column(default=False)  # WBSM.01 complaints

    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ola_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    l2_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[CloseReason | None] = mapped_column(_enum(CloseReason))
    close_note: Mapped[str] = mapped_column(Text, default="")
    forwarded_unit: Mapped[str] = mapped_column(String(200), default="")
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_count: Mapped[int] = mapped_column(default=0)
    rating: Mapped[int | None] = mapped_column()
    feedback: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Copies of the clock's due dates for queue filters and sorting, and the instants
    # when 75 % of each allowance is used (at risk), so breach flagging is set-based.
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilment_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused: Mapped[bool] = mapped_column(default=False)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    @classmethod
    def open_clause(cls):
        """Not closed, written as the partial indexes' predicate is (a literal, not a
        bound parameter, so that a prepared statement's generic plan can use them)."""
        return cls.status != literal_column("'closed'")

    @classmethod
    def unit_clause(cls, unit_id: int):
        """A unit's tickets: those of its directorate (Layer 2 team) or its office."""
        return or_(cls.team_unit_id == unit_id, cls.office_unit_id == unit_id)

    @classmethod
    def handler_columns(cls) -> list:
        """Who *handled* a ticket (QA's metrics, the league table, the queue's ``agent``
        filter): who recorded it, its assignee, who answered it."""
        return [cls.created_by_id, cls.assignee_id, cls.answered_by_id]

    @classmethod
    def handled_by_clause(cls, user_id: int):
        return or_(*(column == user_id for column in cls.handler_columns()))

    requester = relationship("Requester")
    version = relationship("CatalogVersion")
    service = relationship("CatalogService")
    scope = relationship("CatalogScope")
    ci = relationship("ConfigurationItem")
    assignee = relationship("User", foreign_keys=[assignee_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    team_unit = relationship("OrgUnit", foreign_keys=[team_unit_id])
    office_unit = relationship("OrgUnit", foreign_keys=[office_unit_id])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )


class EventKind(enum.Enum):
    CREATED = "created"
    REPLY = "reply"  # to the requester
    NOTE = "note"  # internal
    STATUS = "status"  # a state change with what and why
    REQUESTER_MESSAGE = "requester_message"

    @property
    def is_public(self) -> bool:
        return self in (EventKind.CREATED, EventKind.REPLY, EventKind.REQUESTER_MESSAGE)


class TicketEvent(db.Model):
    """One entry of the timeline: who did what, when."""

    __tablename__ = "ticket_event"
    __table_args__ = (Index("ix_ticket_event_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    action: Mapped[str] = mapped_column(String(40), default="")  # e.g. "escalated", "paused"
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor = relationship("User")


class BreachKind(enum.Enum):
    RESPONSE_AT_RISK = "response_at_risk"
    RESPONSE = "response"
    FULFILMENT_AT_RISK = "fulfilment_at_risk"
    FULFILMENT = "fulfilment"
    OLA = "ola"

    @property
    def label(self) -> str:
        return {
            "response_at_risk": "Tanggapan hampir jatuh tempo",
            "response": "Tanggapan melewati SLA",
            "fulfilment_at_risk": "Pemenuhan hampir jatuh tempo",
            "fulfilment": "Pemenuhan melewati SLA",
            "ola": "Jawaban Layer 2 melewati OLA",
        }[self.value]


class SlaBreach(db.Model):
    """Recorded once per ticket and kind (unique), whatever runs the job how often."""

    __tablename__ = "sla_breach"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind"),
        # Breaches detected in a period, by kind (QA dashboard), without reading the rows.
        Index("ix_sla_breach_detected_kind", "detected_at", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[BreachKind] = mapped_column(_enum(BreachKind))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(String(300))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Where a notification that is not about one ticket (e.g. a digest) leads: an
    # endpoint and its query, e.g. "tickets.index?queue=breached", built when shown.
    link: Mapped[str] = mapped_column(String(300), default="", server_default="")

    def href(self) -> str | None:
        from urllib.parse import parse_qsl

        from flask import url_for

        if self.ticket_id:
            return url_for("tickets.detail", ticket_id=self.ticket_id)
        if self.link:
            endpoint, _, query = self.link.partition("?")
            return url_for(endpoint, **dict(parse_qsl(query)))
        return None


class OlaTarget(db.Model):
    """HAI-DJPb's internal agreement with a directorate (PER-8 Pasal 1(6)): how many
    working hours its L2 has to answer an escalation."""

    __tablename__ = "ola_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), unique=True)
    hours: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit = relationship("OrgUnit")
