"""Surveys (Survei Perbendaharaan, PER-8 Pasal 16).

A survey is built as a draft, opened (its questions are then frozen) and closed.
Each invitation is one person on one channel, delivered at most once like a
broadcast delivery; the link it carries holds a token whose SHA-256 alone is stored.
A response is unique per (survey, respondent key): the invitation for people invited
by email/WhatsApp/SMS, the account for requesters answering on the portal.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.broadcasts.models import DeliveryStatus
from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


def _enum(cls, length: int = 16):
    return value_enum(cls, length)


class SurveyStatus(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "Draf", "open": "Dibuka", "closed": "Ditutup"}[self.value]


class QuestionKind(enum.Enum):
    CHOICE = "choice"  # one option
    MULTI = "multi"  # any number of options
    SCALE = "scale"  # 1..5
    TEXT = "text"

    @property
    def label(self) -> str:
        return {
            "choice": "Pilihan tunggal",
            "multi": "Pilihan ganda (boleh lebih dari satu)",
            "scale": "Skala 1–5",
            "text": "Isian teks",
        }[self.value]

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.CHOICE, QuestionKind.MULTI)


class InvitationChannel(enum.Enum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    SMS = "sms"
    PORTAL = "portal"  # a requester, answering logged in on the portal

    @property
    def label(self) -> str:
        return {
            "email": "Email",
            "whatsapp": "WhatsApp",
            "sms": "SMS",
            "portal": "Portal (pengguna layanan)",
        }[self.value]


class Survey(db.Model):
    __tablename__ = "survey"
    __table_args__ = (Index("ix_survey_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus), default=SurveyStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("User")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey",
        order_by="SurveyQuestion.position",
        cascade="all, delete-orphan",
    )

    def accepting(self, now: datetime) -> bool:
        """Open, and inside its answering window."""
        return (
            self.status is SurveyStatus.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class SurveyQuestion(db.Model):
    __tablename__ = "survey_question"
    __table_args__ = (Index("ix_survey_question_survey", "survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(500))
    options: Mapped[list] = mapped_column(JSON, default=list)  # choice/multi
    scale_low_label: Mapped[str] = mapped_column(String(100), default="")  # what 1 means
    scale_high_label: Mapped[str] = mapped_column(String(100), default="")  # what 5 means
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


class SurveyInvitation(db.Model):
    """One person on one channel; sent at most once (queued → sent, or failed)."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        UniqueConstraint("survey_id", "channel", "address"),
        Index("ix_survey_invitation_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    channel: Mapped[InvitationChannel] = mapped_column(_enum(InvitationChannel))
    address: Mapped[str] = mapped_column(String(254))  # email, phone, or the account's email
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipient_contact.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The link carries a token; only its SHA-256 is kept (see services.invitation_token).
    token_nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str] = mapped_column(String(200), default="")  # gateway/outbox id

    survey: Mapped[Survey] = relationship()
    user = relationship("User")


class SurveyResponse(db.Model):
    __tablename__ = "survey_response"
    # The one rule that makes "once per respondent" hold, also under a race.
    __table_args__ = (UniqueConstraint("survey_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(String(40))  # "inv:<id>" or "user:<id>"
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16), default="")  # how the respondent came
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"))
    value_text: Mapped[str] = mapped_column(Text, default="")  # choice option or text
    value_number: Mapped[int | None] = mapped_column()  # scale 1..5
    value_list: Mapped[list | None] = mapped_column(JSON)  # multi: the options chosen

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()
