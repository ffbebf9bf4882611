"""Problems, the tickets linked to them, and their timeline.

suggested → confirmed (under investigation) → known error (workaround published) → fixed
→ closed; a suggestion the Manajer Layanan rejects is dismissed.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class ProblemStatus(enum.Enum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    KNOWN_ERROR = "known_error"
    FIXED = "fixed"
    CLOSED = "closed"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {
            "suggested": "Saran sistem",
            "confirmed": "Dalam investigasi",
            "known_error": "Kesalahan diketahui (ada solusi sementara)",
            "fixed": "Sudah diperbaiki",
            "closed": "Ditutup",
            "dismissed": "Saran ditolak",
        }[self.value]

    @property
    def is_active(self) -> bool:
        """Still being worked on: tickets may be linked to it."""
        return self in ACTIVE


ACTIVE = frozenset(
    {
        ProblemStatus.SUGGESTED,
        ProblemStatus.CONFIRMED,
        ProblemStatus.KNOWN_ERROR,
        ProblemStatus.FIXED,
    }
)
# Confirmed and not yet closed: the states in which linked tickets are answered together.
WORKED_ON = frozenset({ProblemStatus.CONFIRMED, ProblemStatus.KNOWN_ERROR, ProblemStatus.FIXED})


class Problem(db.Model):
    __tablename__ = "problem"
    __table_args__ = (
        Index("ix_problem_status", "status", "id"),
        Index("ix_problem_scope", "scope_id", "status"),
        Index("ix_problem_ci", "ci_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)  # PRB-2026-0001
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProblemStatus] = mapped_column(
        value_enum(ProblemStatus, 16), default=ProblemStatus.CONFIRMED
    )
    ci_id: Mapped[int | None] = mapped_column(ForeignKey("configuration_item.id"))
    scope_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_scope.id"))
    root_cause: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    workaround_article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"))
    # The permanent fix, often a change request: a free-text reference, linked to the RFC
    # when it names one (``fix_change_id``, set by ``hai.problems.services``).
    fix_reference: Mapped[str] = mapped_column(String(200), default="")
    fix_change_id: Mapped[int | None] = mapped_column(ForeignKey("change_request.id"))
    fix_note: Mapped[str] = mapped_column(Text, default="")
    # The answer sent to every linked open ticket's requester at closing.
    resolution: Mapped[str] = mapped_column(Text, default="")
    dismissed_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    known_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    ci = relationship("ConfigurationItem")
    fix_change = relationship("ChangeRequest")
    scope = relationship("CatalogScope")
    workaround_article = relationship("Article")
    created_by = relationship("User", foreign_keys=[created_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    links: Mapped[list[ProblemTicket]] = relationship(
        back_populates="problem", order_by="ProblemTicket.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[ProblemEvent]] = relationship(
        back_populates="problem", order_by="ProblemEvent.id", cascade="all, delete-orphan"
    )


class ProblemTicket(db.Model):
    """A ticket linked to a problem: by the suggestion that found it, or by an agent."""

    __tablename__ = "problem_ticket"
    __table_args__ = (
        UniqueConstraint("problem_id", "ticket_id"),
        Index("ix_problem_ticket_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    problem: Mapped[Problem] = relationship(back_populates="links")
    ticket = relationship("Ticket")
    linked_by = relationship("User")


class ProblemEvent(db.Model):
    """The problem's timeline: suggested, confirmed, tickets linked, workaround, fix…"""

    __tablename__ = "problem_event"
    __table_args__ = (Index("ix_problem_event_problem", "problem_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    problem: Mapped[Problem] = relationship(back_populates="events")
