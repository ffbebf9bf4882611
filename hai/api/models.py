"""Bearer tokens issued per integration, and the record of every call made with one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime
from hai.extensions import db


class ApiToken(db.Model):
    """Only a SHA-256 of the token is kept; the token itself is shown once, when issued."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # the integration, e.g. "WhatsApp HAI"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists to tell tokens apart
    rate_per_minute: Mapped[int] = mapped_column(default=120)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiCall(db.Model):
    """Every call with a token (the audit of the API, and what the rate limit counts)."""

    __tablename__ = "api_call"
    __table_args__ = (
        Index("ix_api_call_token_at", "token_id", "at"),
        # A token reads only the tickets it created (hai.api.tokens.created_by).
        Index("ix_api_call_token_ticket", "token_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column()
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
