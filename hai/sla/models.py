"""SLA data: calendar exceptions, the SLA parameters of each catalog version, and
the clocks that carry due dates for tickets (and later broadcasts)."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import BigInteger, Date, Enum, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime
from hai.extensions import db


class ExceptionKind(enum.Enum):
    DAY_OFF = "day_off"  # libur: cuti bersama, office closure
    WORKING_DAY = "working_day"  # a holiday (or weekend) made a normal working day
    HOURS = "hours"  # working with other hours (Ramadan, an announced change)

    @property
    def label(self) -> str:
        return {
            ExceptionKind.DAY_OFF: "Hari libur",
            ExceptionKind.WORKING_DAY: "Hari kerja (holiday dibatalkan)",
            ExceptionKind.HOURS: "Jam kerja khusus",
        }[self]


class CalendarException(db.Model):
    """An administrator's change on top of the national holidays (PER-8 Pasal 10(2)).

    ``unit_id`` None is the national calendar; a unit's own calendar (a regional
    office closed by a disaster) adds its rows on top of the national ones.
    Removing an exception keeps the row (``removed_at``) for the audit trail.
    """

    __tablename__ = "calendar_exception"
    __table_args__ = (Index("ix_calendar_exception_dates", "start_date", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[ExceptionKind] = mapped_column(Enum(ExceptionKind, native_enum=False, length=16))
    opens: Mapped[time | None] = mapped_column(Time)
    closes: Mapped[time | None] = mapped_column(Time)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit = relationship("OrgUnit")
    created_by = relationship("User", foreign_keys=[created_by_id])


class SlaPriority(db.Model):
    """P1..P6 and their fulfilment hours in one catalog (SLA) version (003 §6.3)."""

    __tablename__ = "sla_priority"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(4))
    label: Mapped[str] = mapped_column(String(40))
    hours: Mapped[int | None] = mapped_column()  # None: no fixed deadline (P6)


class SlaMatrixCell(db.Model):
    """Impact × urgency → priority (dampak × kepentingan)."""

    __tablename__ = "sla_matrix_cell"
    __table_args__ = (UniqueConstraint("version_id", "impact", "urgency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    impact: Mapped[str] = mapped_column(String(8))  # high / medium / low
    urgency: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(4))


class SlaChannelNorm(db.Model):
    """Response and normal fulfilment norms of a channel in one version, in working
    seconds. ``fulfilment_seconds`` 0 is "at once"; None: the version sets none."""

    __tablename__ = "sla_channel_norm"
    __table_args__ = (UniqueConstraint("version_id", "channel_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    channel_code: Mapped[str] = mapped_column(String(32))
    response_seconds: Mapped[int | None] = mapped_column()
    fulfilment_seconds: Mapped[int | None] = mapped_column()
    basis: Mapped[str] = mapped_column(String(300), default="")


class SlaClock(db.Model):
    """The SLA clock of one subject (a ticket, a broadcast request).

    The inputs (version, channel, scope, priority, escalation) are kept so that the
    due dates can be recomputed when the calendar changes; paused working time is
    added to every due date.
    """

    __tablename__ = "sla_clock"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id"),
        Index("ix_sla_clock_open", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column()
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))  # whose calendar
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    channel_code: Mapped[str] = mapped_column(String(32))
    scope_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_scope.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_service.id"))
    priority: Mapped[str | None] = mapped_column(String(4))
    escalated: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Working time paused so far, in microseconds (exact, like the engine).
    paused_us: Mapped[int] = mapped_column(BigInteger, default=0)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilment_basis: Mapped[str] = mapped_column(String(16), default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    version = relationship("CatalogVersion")
    scope = relationship("CatalogScope")
    service = relationship("CatalogService")
