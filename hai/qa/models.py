"""Quality assurance (PER-8 Pasal 6(3)f-h, 11): versioned scorecards, agent evaluations,
follow-up verification of escalated tickets, trainings and call-center certificates.

A scorecard is a versioned template: an evaluation keeps the version it was made with,
so changing the scorecard later never changes a past evaluation.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class CriterionMode(enum.Enum):
    TICKET = "ticket"  # scored on each sampled ticket, averaged
    PERIOD = "period"  # scored once for the period by QA
    METRIC = "metric"  # scored from a computed metric and the thresholds

    @property
    def label(self) -> str:
        return {
            "ticket": "Per tiket sampel",
            "period": "Sekali per periode",
            "metric": "Dihitung dari data",
        }[self.value]


class EvaluationStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"

    @property
    def label(self) -> str:
        return {
            "draft": "Draf",
            "submitted": "Disampaikan kepada agen",
            "acknowledged": "Diterima agen",
        }[self.value]


class ContactMethod(enum.Enum):
    PHONE = "phone"
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    LETTER = "letter"
    VISIT = "visit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "phone": "Telepon",
            "email": "Email",
            "whatsapp": "WhatsApp",
            "letter": "Surat/nota dinas",
            "visit": "Tatap muka",
            "other": "Lainnya",
        }[self.value]


class TrainingTopic(enum.Enum):
    """The two trainings PER-8 Pasal 11(3) asks of a call-center agent, and others."""

    INFORMATION = "information"  # technical information service (Pasal 11(3)a)
    COMMUNICATION = "communication"  # communication (Pasal 11(3)b)
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "information": "Teknis layanan informasi",
            "communication": "Komunikasi",
            "other": "Lainnya",
        }[self.value]


class Scorecard(db.Model):
    """One version of the evaluation scorecard; a new version for every change."""

    __tablename__ = "qa_scorecard"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")

    criteria: Mapped[list[ScorecardCriterion]] = relationship(
        back_populates="scorecard",
        order_by="ScorecardCriterion.position",
        cascade="all, delete-orphan",
    )


class ScorecardCriterion(db.Model):
    __tablename__ = "qa_scorecard_criterion"
    __table_args__ = (UniqueConstraint("scorecard_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecard.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column()  # the weights of a version sum to 100
    mode: Mapped[CriterionMode] = mapped_column(value_enum(CriterionMode, 16))
    guide: Mapped[str] = mapped_column(Text, default="")
    # METRIC mode: the metric's name (hai.qa.metrics.METRICS) and the four ascending
    # values from which the score is 2, 3, 4 and 5 (below the first: 1).
    metric: Mapped[str] = mapped_column(String(40), default="")
    thresholds: Mapped[list] = mapped_column(JSON, default=list)

    scorecard: Mapped[Scorecard] = relationship(back_populates="criteria")


class Evaluation(db.Model):
    """QA's evaluation of one agent (L1, L2 or Manajer Layanan) for a period in WIB."""

    __tablename__ = "qa_evaluation"
    __table_args__ = (Index("ix_qa_evaluation_agent", "agent_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    agent_role: Mapped[str] = mapped_column(String(32))  # the role evaluated (Role value)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecard.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # inclusive, WIB
    status: Mapped[EvaluationStatus] = mapped_column(
        value_enum(EvaluationStatus, 16), default=EvaluationStatus.DRAFT
    )
    # How the tickets were sampled: "random" (with the seed and the pool's size) or "chosen".
    sample_method: Mapped[str] = mapped_column(String(16), default="random")
    sample_seed: Mapped[int | None] = mapped_column()
    sample_pool: Mapped[int] = mapped_column(default=0)
    # The computed metrics of the period, frozen when the evaluation is submitted.
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agent_response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    agent = relationship("User", foreign_keys=[agent_id])
    evaluator = relationship("User", foreign_keys=[evaluator_id])
    scorecard: Mapped[Scorecard] = relationship()
    samples: Mapped[list[EvaluationSample]] = relationship(
        back_populates="evaluation",
        order_by="EvaluationSample.position",
        cascade="all, delete-orphan",
    )
    scores: Mapped[list[EvaluationScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )

    def score_for(self, criterion_id: int, ticket_id: int | None) -> EvaluationScore | None:
        return next(
            (s for s in self.scores if s.criterion_id == criterion_id and s.ticket_id == ticket_id),
            None,
        )


class EvaluationSample(db.Model):
    __tablename__ = "qa_evaluation_sample"
    __table_args__ = (UniqueConstraint("evaluation_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluation.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    position: Mapped[int] = mapped_column()

    evaluation: Mapped[Evaluation] = relationship(back_populates="samples")
    ticket = relationship("Ticket")


class EvaluationScore(db.Model):
    """A criterion's score (1-5) with QA's comment: per sampled ticket, or for the period
    (``ticket_id`` None)."""

    __tablename__ = "qa_evaluation_score"
    __table_args__ = (UniqueConstraint("evaluation_id", "criterion_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluation.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecard_criterion.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")
    criterion: Mapped[ScorecardCriterion] = relationship()


class FollowUpCheck(db.Model):
    """QA's verification that the unit an escalated ticket went to contacted the user
    (PER-8 Pasal 6(3)g). One per ticket; also written on the ticket's timeline."""

    __tablename__ = "qa_follow_up_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contacted: Mapped[bool] = mapped_column()
    method: Mapped[ContactMethod | None] = mapped_column(value_enum(ContactMethod, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id"))

    ticket = relationship("Ticket")
    checked_by = relationship("User")


class Training(db.Model):
    """A training QA organised or recorded (PER-8 Pasal 6(3)h)."""

    __tablename__ = "qa_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[TrainingTopic] = mapped_column(value_enum(TrainingTopic, 16))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(default=0)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    attendance: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="training", cascade="all, delete-orphan"
    )


class TrainingAttendance(db.Model):
    __tablename__ = "qa_training_attendance"
    __table_args__ = (UniqueConstraint("training_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("qa_training.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    training: Mapped[Training] = relationship(back_populates="attendance")
    user = relationship("User")


class Certificate(db.Model):
    """A call-center agent's certificate (PER-8 Pasal 11(2)); valid from issue to expiry."""

    __tablename__ = "qa_certificate"
    __table_args__ = (Index("ix_qa_certificate_user", "user_id", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    number: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user = relationship("User", foreign_keys=[user_id])

    def valid_on(self, day: date) -> bool:
        return self.issued_on <= day <= self.expires_on


# --- the dashboard's pre-aggregate (hai.qa.stats) ----------------------------------------------


class TicketStat(db.Model):
    """The dashboard's figures of one WIB day, summed per unit scope, dimension and key.

    ``scope_id`` 0 holds every ticket; a unit's id holds the tickets of that directorate
    or office (``Ticket.unit_clause``). ``dim`` is all, channel, service, team, office or
    agent (tickets, by the day received), hour (the open tickets by the WIB hour they were
    received, for the backlog's ages) or breach (SLA breaches, by the day detected);
    ``key`` the channel code, the id, the hour ("00"-"23") or the breach kind as text (''
    for none). Rewritten per day by ``hai.qa.stats.refresh``; never edited by hand.
    """

    __tablename__ = "qa_ticket_stat"

    # Read by scope and a range of days (and dimension); rewritten by day. The primary
    # key serves one dimension over many days; this index a range of days, every
    # dimension (a plain index on day alone tempted PostgreSQL into filtering all the
    # scopes' rows of the range).
    # The "all" rows' open tickets are summed over every past day by the backlog: an
    # index they are read from alone (no visit to the table's pages).
    __table_args__ = (
        Index("ix_qa_ticket_stat_day_scope", "day", "scope_id", "dim"),
        Index(
            "ix_qa_ticket_stat_open",
            "scope_id",
            "day",
            "open_n",
            sqlite_where=text("dim = 'all'"),
            postgresql_where=text("dim = 'all'"),
        ),
    )

    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    r_m: Mapped[int] = mapped_column(default=0)
    r_ok: Mapped[int] = mapped_column(default=0)
    f_m: Mapped[int] = mapped_column(default=0)
    f_ok: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    rated1: Mapped[int] = mapped_column(default=0)
    rated2: Mapped[int] = mapped_column(default=0)
    rated3: Mapped[int] = mapped_column(default=0)
    rated4: Mapped[int] = mapped_column(default=0)
    rated5: Mapped[int] = mapped_column(default=0)
    calls: Mapped[int] = mapped_column(default=0)
    open_n: Mapped[int] = mapped_column(default=0)  # not closed (now): the backlog


class TicketStatMark(db.Model):
    """A day whose figures changed since the last refresh (a ticket received that day, or
    a breach detected that day, was written). Insert-only, so writers never wait on each
    other; the refresh deletes exactly the marks it saw."""

    __tablename__ = "qa_ticket_stat_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)


class TicketStatState(db.Model):
    """When the figures were last refreshed (one row; none: never built)."""

    __tablename__ = "qa_ticket_stat_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
