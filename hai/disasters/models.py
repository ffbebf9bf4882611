"""Disaster reports (PER-8 Pasal 21): the business-continuity help desk.

The coordinator's checklist is a versioned template: a report keeps the version it
was filed with, so changing the template later never changes a filed report.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


def _enum(cls, length: int = 24):
    return value_enum(cls, length)


class EventType(enum.Enum):
    FLOOD = "flood"
    EARTHQUAKE = "earthquake"
    FIRE = "fire"
    POWER = "power"
    NETWORK = "network"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "flood": "Banjir",
            "earthquake": "Gempa bumi",
            "fire": "Kebakaran",
            "power": "Gangguan listrik",
            "network": "Gangguan jaringan",
            "other": "Lainnya",
        }[self.value]


class ReportStatus(enum.Enum):
    RECEIVED = "received"
    CLARIFYING = "clarifying"
    ANALYSED = "analysed"
    FORWARDED = "forwarded"
    IN_RECOVERY = "in_recovery"
    RECOVERED = "recovered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "received": "Diterima",
            "clarifying": "Klarifikasi dengan koordinator",
            "analysed": "Dianalisis",
            "forwarded": "Diteruskan ke Ketua Tim",
            "in_recovery": "Dalam pemulihan",
            "recovered": "Pulih",
            "closed": "Ditutup",
        }[self.value]


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"yes": "Ya", "no": "Tidak", "unknown": "Belum diketahui"}[self.value]


class Severity(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return {"low": "Rendah", "medium": "Sedang", "high": "Tinggi", "critical": "Kritis"}[
            self.value
        ]


class ChecklistTemplate(db.Model):
    """One version of the coordinator's checklist; a new version for every change."""

    __tablename__ = "disaster_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")

    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="template", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )


class ChecklistItem(db.Model):
    __tablename__ = "disaster_checklist_item"
    __table_args__ = (UniqueConstraint("template_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("disaster_checklist.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")


class DisasterReport(db.Model):
    __tablename__ = "disaster_report"
    __table_args__ = (Index("ix_disaster_report_status", "status", "office_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    channel_code: Mapped[str] = mapped_column(String(32), default="call_center")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The reporter (Pasal 21: the coordinator, or when they cannot, anyone of the office).
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reporter_name: Mapped[str] = mapped_column(String(120))
    reporter_position: Mapped[str] = mapped_column(String(120), default="")
    reporter_phone: Mapped[str] = mapped_column(String(40), default="")
    reporter_is_employee: Mapped[bool] = mapped_column(default=True)
    reporter_is_coordinator: Mapped[bool] = mapped_column(default=False)
    # The event.
    event_type: Mapped[EventType] = mapped_column(_enum(EventType, 16))
    event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    template_id: Mapped[int] = mapped_column(ForeignKey("disaster_checklist.id"))
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus, 16), default=ReportStatus.RECEIVED
    )
    # Clarification with the office's coordinator, when someone else reported.
    clarification_required: Mapped[bool] = mapped_column(default=False)
    clarified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clarified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    clarified_with: Mapped[str] = mapped_column(String(200), default="")
    clarification_outcome: Mapped[str] = mapped_column(Text, default="")
    # Impact analysis by HAI-DJPb.
    affected_functions: Mapped[list] = mapped_column(JSON, default=list)
    affected_services: Mapped[list] = mapped_column(JSON, default=list)  # catalog codes
    severity: Mapped[Severity | None] = mapped_column(_enum(Severity, 16))
    estimated_recovery_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    takeover_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    analysis: Mapped[str] = mapped_column(Text, default="")
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    analysed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    forwarded_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The office's calendar closed for these days (a calendar exception of its unit).
    closed_from: Mapped[date | None] = mapped_column(Date)
    closed_to: Mapped[date | None] = mapped_column(Date)
    calendar_exception_id: Mapped[int | None] = mapped_column(ForeignKey("calendar_exception.id"))
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    office = relationship("OrgUnit", foreign_keys=[office_unit_id])
    takeover_unit = relationship("OrgUnit", foreign_keys=[takeover_unit_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    forwarded_to = relationship("User", foreign_keys=[forwarded_to_id])
    template: Mapped[ChecklistTemplate] = relationship()
    answers: Mapped[list[ChecklistAnswer]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    events: Mapped[list[DisasterEvent]] = relationship(
        back_populates="report", order_by="DisasterEvent.id", cascade="all, delete-orphan"
    )

    def answer_for(self, item_id: int) -> ChecklistAnswer | None:
        return next((a for a in self.answers if a.item_id == item_id), None)


class ChecklistAnswer(db.Model):
    __tablename__ = "disaster_checklist_answer"
    __table_args__ = (UniqueConstraint("report_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("disaster_report.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("disaster_checklist_item.id"))
    answer: Mapped[Answer] = mapped_column(_enum(Answer, 16))
    note: Mapped[str] = mapped_column(String(500), default="")

    report: Mapped[DisasterReport] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()


class DisasterEvent(db.Model):
    __tablename__ = "disaster_event"
    __table_args__ = (Index("ix_disaster_event_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("disaster_report.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    report: Mapped[DisasterReport] = relationship(back_populates="events")
