"""Files attached to tickets (and later to other records), stored on disk under
``instance/uploads`` with generated names; the row keeps what the user saw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hai.db_types import UTCDateTime
from hai.extensions import db


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(32))  # "ticket"
    owner_id: Mapped[int] = mapped_column()
    event_id: Mapped[int | None] = mapped_column()  # the timeline entry it came with
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, for display
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
