"""Change requests (RFC) through the CAB (PER-8 Pasal 3(2)e, 17, 22(6)).

A user asks for a change to a service, inside or outside the catalog (Pasal 17(2)); HAI-DJPb
records it and links the product owner; the CAB (at least one Eselon III official of the unit
running HAI-DJPb, Pasal 22(6)b) assesses category and impact, schedules and decides; the
Manajer Perubahan carries out an approved change and records implementation, result and
review (Pasal 22(6)c). The requester is told at each step.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class ChangeStatus(enum.Enum):
    SUBMITTED = "submitted"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "submitted": "Diajukan",
            "assessed": "Dinilai CAB",
            "approved": "Disetujui CAB",
            "rejected": "Ditolak CAB",
            "deferred": "Ditunda CAB",
            "in_progress": "Sedang dilaksanakan",
            "implemented": "Selesai dilaksanakan",
            "closed": "Ditutup setelah tinjauan",
        }[self.value]


class ChangeCategory(enum.Enum):
    STANDARD = "standard"
    NORMAL = "normal"
    EMERGENCY = "emergency"

    @property
    def label(self) -> str:
        return {"standard": "Standar", "normal": "Normal", "emergency": "Darurat"}[self.value]


class ChangeImpact(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"low": "Rendah", "medium": "Sedang", "high": "Tinggi"}[self.value]


class Decision(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"
    DEFER = "defer"

    @property
    def label(self) -> str:
        return {"approve": "Setujui", "reject": "Tolak", "defer": "Tunda"}[self.value]

    @property
    def outcome(self) -> str:
        return {"approve": "Disetujui", "reject": "Ditolak", "defer": "Ditunda"}[self.value]


class ChangeResult(enum.Enum):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"

    @property
    def label(self) -> str:
        return {
            "success": "Berhasil",
            "partial": "Berhasil sebagian",
            "failed": "Gagal",
            "rolled_back": "Dibatalkan (dikembalikan)",
        }[self.value]


class ChangeRequest(db.Model):
    __tablename__ = "change_request"
    __table_args__ = (Index("ix_change_request_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)  # set after insert
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    justification: Mapped[str] = mapped_column(Text, default="")
    # Pasal 17(2): a service in the catalog (a) or outside it (b).
    in_catalog: Mapped[bool] = mapped_column(default=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_service.id"))
    # A change to the service catalog itself ends in a new catalog version.
    catalog_change: Mapped[bool] = mapped_column(default=False)
    catalog_version_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_version.id"))
    # The application or infrastructure the change is about (Pasal 22(5)).
    ci_id: Mapped[int | None] = mapped_column(ForeignKey("configuration_item.id"))
    status: Mapped[ChangeStatus] = mapped_column(
        value_enum(ChangeStatus, 16), default=ChangeStatus.SUBMITTED
    )
    # Who asked: a portal user, or a caller recorded by staff.
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_email: Mapped[str] = mapped_column(String(254))
    requester_unit: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    # The product owner HAI-DJPb coordinates with (Pasal 22(6)b): the directorate and a contact.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    owner_contact: Mapped[str] = mapped_column(String(200), default="")
    # The CAB's assessment.
    category: Mapped[ChangeCategory | None] = mapped_column(value_enum(ChangeCategory, 16))
    impact: Mapped[ChangeImpact | None] = mapped_column(value_enum(ChangeImpact, 16))
    assessment: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The CAB's decision.
    decision: Mapped[Decision | None] = mapped_column(value_enum(Decision, 16))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The Manajer Perubahan's implementation and review.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    implemented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    implementation: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[ChangeResult | None] = mapped_column(value_enum(ChangeResult, 16))
    implemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    service = relationship("CatalogService")
    ci = relationship("ConfigurationItem")
    catalog_version = relationship("CatalogVersion")
    owner_unit = relationship("OrgUnit")
    requester = relationship("User", foreign_keys=[requester_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    votes: Mapped[list[ChangeVote]] = relationship(
        back_populates="change", order_by="ChangeVote.at", cascade="all, delete-orphan"
    )
    events: Mapped[list[ChangeEvent]] = relationship(
        back_populates="change", order_by="ChangeEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": row_version}


class ChangeVote(db.Model):
    """A CAB member's recorded vote on an assessed request (one per member; a new vote
    replaces the member's earlier one)."""

    __tablename__ = "change_vote"
    __table_args__ = (UniqueConstraint("change_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_request.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    vote: Mapped[Decision] = mapped_column(value_enum(Decision, 16))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    change: Mapped[ChangeRequest] = relationship(back_populates="votes")
    member = relationship("User")


class ChangeEvent(db.Model):
    """The request's timeline; ``public`` events are shown to the requester (and emailed)."""

    __tablename__ = "change_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_request.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)

    change: Mapped[ChangeRequest] = relationship(back_populates="events")
    actor = relationship("User")


class CabMember(db.Model):
    """The CAB's composition: users with the CAB role, marked when they are Eselon III
    officials (Pasal 22(6)b requires at least one of the unit running HAI-DJPb)."""

    __tablename__ = "cab_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    eselon3: Mapped[bool] = mapped_column(default=False)
    since: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)

    user = relationship("User")
