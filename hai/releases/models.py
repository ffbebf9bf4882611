"""A release announced by a product owner, with the release note and broadcast request
it became."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime
from hai.extensions import db


class Release(db.Model):
    __tablename__ = "release"
    __table_args__ = (
        UniqueConstraint("ci_id", "version"),
        Index("ix_release_released_on", "released_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ci_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    version: Mapped[str] = mapped_column(String(40))
    released_on: Mapped[date] = mapped_column(Date)
    changes: Mapped[str] = mapped_column(Text)  # what changed
    impact: Mapped[str] = mapped_column(Text)  # what users notice, what they must do
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast.id"))
    announced_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime())

    ci = relationship("ConfigurationItem")
    article = relationship("Article")
    broadcast = relationship("Broadcast")
    announced_by = relationship("User")

    @property
    def title(self) -> str:
        return f"Rilis {self.ci.name} versi {self.version}"
