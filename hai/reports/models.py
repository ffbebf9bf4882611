"""Periodic and problem reports (PER-8 Pasal 6(4), 30; KEP-428 Lampiran III §3).

- The QA **monthly** performance report (1st to last day of a month, WIB) per agent, for
  the Koordinator Departemen (Lampiran III 3.3.3).
- The **quarterly** performance report, due by the 10th of the month after the quarter
  (Pasal 30(2)).
- **Problem** reports to the Kepala Seksi: the problem, the related regulation, the
  analysis and the conclusion/recommendation (Pasal 6(4), Lampiran III 3.1-3.3).

A periodic report keeps a snapshot of its figures (``data``), computed by the same
functions as the dashboard; a draft can be recomputed, a delivered report never changes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class ReportKind(enum.Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    PROBLEM = "problem"

    @property
    def label(self) -> str:
        return {
            "monthly": "Laporan kinerja bulanan QA",
            "quarterly": "Laporan kinerja triwulanan",
            "problem": "Laporan permasalahan",
        }[self.value]

    @property
    def recipient(self) -> str:
        return {
            "monthly": "Koordinator Departemen",
            "quarterly": "Kepala Subdirektorat Pengelolaan Sistem Informasi Eksternal",
            "problem": "Kepala Seksi",
        }[self.value]


class ReportStatus(enum.Enum):
    DRAFT = "draft"
    DELIVERED = "delivered"
    ANSWERED = "answered"  # a problem report the Kepala Seksi has responded to

    @property
    def label(self) -> str:
        return {
            "draft": "Draf",
            "delivered": "Disampaikan",
            "answered": "Ditanggapi",
        }[self.value]


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        # One monthly and one quarterly report per period (NULL periods of problem
        # reports are distinct on every database).
        UniqueConstraint("kind", "period_start", name="uq_report_kind_period"),
        Index("ix_report_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(value_enum(ReportKind, 16))
    status: Mapped[ReportStatus] = mapped_column(
        value_enum(ReportStatus, 16), default=ReportStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)  # inclusive, WIB
    due_on: Mapped[date | None] = mapped_column(Date)
    # The figures, as computed at ``generated_at`` (periodic reports).
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Narrative: a periodic report's summary, problems and recommendations; a problem
    # report's problem, regulation, analysis and conclusion/recommendation.
    summary: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    regulation: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    ticket_numbers: Mapped[list] = mapped_column(JSON, default=list)
    # The Kepala Seksi's response to a problem report.
    response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    row_version: Mapped[int] = mapped_column(default=1)

    created_by = relationship("User", foreign_keys=[created_by_id])
    delivered_by = relationship("User", foreign_keys=[delivered_by_id])
    responded_by = relationship("User", foreign_keys=[responded_by_id])

    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_periodic(self) -> bool:
        return self.kind is not ReportKind.PROBLEM

    @property
    def is_draft(self) -> bool:
        return self.status is ReportStatus.DRAFT

    def on_time(self, today: date) -> bool | None:
        """Delivered by the due date (WIB): True/False; None while not due and not
        delivered, or without a due date."""
        if self.due_on is None:
            return None
        if self.delivered_at is not None:
            from hai.web.timefmt import today_wib

            return today_wib(self.delivered_at) <= self.due_on
        return False if today > self.due_on else None
