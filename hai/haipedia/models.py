"""Knowledge-base articles, their revisions and timeline, and what they are used for.

An article's columns are its working copy (the latest revision). What the public side,
requesters, search and the chatbot see is the *live* revision: the one a reviewer last
published. Editing a published article therefore never changes what readers see until
a reviewer publishes the edit.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime
from hai.extensions import db


def _enum(cls, length: int = 16):
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Audience(enum.Enum):
    PUBLIC = "public"
    INTERNAL = "internal"  # never on the public side or to requesters (Pasal 12(4)c)

    @property
    def label(self) -> str:
        return {"public": "Publik", "internal": "Internal petugas"}[self.value]


class ArticleStatus(enum.Enum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return {
            "draft": "Draf",
            "in_review": "Menunggu tinjauan",
            "published": "Terbit",
            "archived": "Diarsipkan",
        }[self.value]


class ArticleKind(enum.Enum):
    ARTICLE = "article"
    RELEASE_NOTE = "release_note"  # a product owner's release (Pasal 22(7))

    @property
    def label(self) -> str:
        return {"article": "Artikel", "release_note": "Catatan rilis"}[self.value]


class ArticleOrigin(enum.Enum):
    MANUAL = "manual"
    TICKET = "ticket"  # turned from an answered ticket
    HAI_CSO = "hai_cso"  # a CSO's question and answer recorded through HAI CSO

    @property
    def label(self) -> str:
        return {"manual": "Ditulis petugas", "ticket": "Dari tiket", "hai_cso": "Tanya-jawab CSO"}[
            self.value
        ]


class Article(db.Model):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_status", "status", "id"),
        Index("ix_article_review_by", "owner_id", "review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ArticleKind] = mapped_column(_enum(ArticleKind), default=ArticleKind.ARTICLE)
    origin: Mapped[ArticleOrigin] = mapped_column(
        _enum(ArticleOrigin), default=ArticleOrigin.MANUAL
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when rendered
    service_code: Mapped[str] = mapped_column(String(32), default="")
    scope_code: Mapped[str] = mapped_column(String(40), default="")
    scope_name: Mapped[str] = mapped_column(String(500), default="")  # as in the catalog then
    tags: Mapped[list] = mapped_column(JSON, default=list)
    reg_number: Mapped[str] = mapped_column(String(100), default="")  # e.g. PER-8/PB/2024
    reg_title: Mapped[str] = mapped_column(String(300), default="")
    reg_article: Mapped[str] = mapped_column(String(100), default="")  # e.g. Pasal 19 ayat (2)
    audience: Mapped[Audience] = mapped_column(_enum(Audience), default=Audience.INTERNAL)
    status: Mapped[ArticleStatus] = mapped_column(_enum(ArticleStatus), default=ArticleStatus.DRAFT)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_by: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    live_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revision.id", use_alter=True, name="fk_article_live_revision")
    )
    source_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), unique=True)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
    source_ticket = relationship("Ticket", foreign_keys=[source_ticket_id])
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article",
        foreign_keys="ArticleRevision.article_id",
        order_by="ArticleRevision.number",
        cascade="all, delete-orphan",
    )
    live_revision: Mapped[ArticleRevision | None] = relationship(
        foreign_keys=[live_revision_id], post_update=True
    )
    events: Mapped[list[ArticleEvent]] = relationship(
        back_populates="article", order_by="ArticleEvent.id", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> ArticleRevision:
        return self.revisions[-1]

    @property
    def is_live(self) -> bool:
        """Readers see the live revision unless the article is archived."""
        return self.live_revision_id is not None and self.status is not ArticleStatus.ARCHIVED

    @property
    def is_public(self) -> bool:
        """Live, and the live revision is for the public."""
        return self.is_live and self.live_revision.audience is Audience.PUBLIC


class ArticleRevision(db.Model):
    """One saved state of the article: every edit and every restore adds one."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    kind: Mapped[ArticleKind] = mapped_column(_enum(ArticleKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    service_code: Mapped[str] = mapped_column(String(32), default="")
    scope_code: Mapped[str] = mapped_column(String(40), default="")
    scope_name: Mapped[str] = mapped_column(String(500), default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    reg_number: Mapped[str] = mapped_column(String(100), default="")
    reg_title: Mapped[str] = mapped_column(String(300), default="")
    reg_article: Mapped[str] = mapped_column(String(100), default="")
    audience: Mapped[Audience] = mapped_column(_enum(Audience))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author_label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])


class ArticleEvent(db.Model):
    """The article's timeline: proposed, edited, submitted, published, returned, archived."""

    __tablename__ = "article_event"
    __table_args__ = (Index("ix_article_event_article", "article_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    article: Mapped[Article] = relationship(back_populates="events")


class ArticleTicketLink(db.Model):
    """An article an agent used to answer a ticket (its usefulness count)."""

    __tablename__ = "article_ticket_link"
    __table_args__ = (
        UniqueConstraint("article_id", "ticket_id"),
        Index("ix_article_ticket_link_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship()


class ArticleVote(db.Model):
    """One "was this helpful" answer per browser session and article."""

    __tablename__ = "article_vote"
    __table_args__ = (UniqueConstraint("article_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))  # a random key kept in the session
    helpful: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRead(db.Model):
    """A requester opened a suggested article on the portal (ticket deflection).

    ``ticket_id`` is set when the same session then submitted a request anyway; a read
    without one, or marked ``answered``, is a deflected request."""

    __tablename__ = "article_read"
    __table_args__ = (Index("ix_article_read_article", "article_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    query: Mapped[str] = mapped_column(String(200), default="")
    answered: Mapped[bool] = mapped_column(Boolean, default=False)  # "this answered me"
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
