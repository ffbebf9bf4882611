"""Reads: article lists for the staff tabs, usage figures, revision diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from hai.extensions import db
from hai.haipedia.models import (
    Article,
    ArticleOrigin,
    ArticleRead,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVote,
)

PAGE_SIZE = 50
TABS = {
    "published": "Terbit",
    "review": "Menunggu tinjauan",
    "cso": "Tanya-jawab CSO",
    "drafts": "Draf",
    "overdue": "Lewat tanggal tinjau",
    "release_notes": "Catatan rilis",
    "archived": "Arsip",
}


def tab_query(tab: str, user, today: date, *, all_owners: bool):
    query = select(Article)
    if tab == "review":
        query = query.where(Article.status == ArticleStatus.IN_REVIEW)
    elif tab == "cso":
        query = query.where(
            Article.status == ArticleStatus.IN_REVIEW, Article.origin == ArticleOrigin.HAI_CSO
        )
    elif tab == "drafts":
        query = query.where(Article.status == ArticleStatus.DRAFT)
    elif tab == "overdue":
        # Past their review-by date: the owner's list (a reviewer sees everyone's).
        query = query.where(
            Article.status != ArticleStatus.ARCHIVED,
            Article.review_by.is_not(None),
            Article.review_by < today,
        )
        if not all_owners:
            query = query.where(Article.owner_id == user.id)
        return query.order_by(Article.review_by, Article.id)
    elif tab == "release_notes":
        from hai.haipedia.models import ArticleKind

        query = query.where(
            Article.kind == ArticleKind.RELEASE_NOTE, Article.status != ArticleStatus.ARCHIVED
        )
    elif tab == "archived":
        query = query.where(Article.status == ArticleStatus.ARCHIVED)
    else:
        query = query.where(Article.status == ArticleStatus.PUBLISHED)
    return query.order_by(Article.updated_at.desc(), Article.id.desc())


def tab_counts(user, today: date, *, all_owners: bool) -> dict[str, int]:
    return {
        key: db.session.scalar(
            select(func.count()).select_from(
                tab_query(key, user, today, all_owners=all_owners).order_by(None).subquery()
            )
        )
        for key in TABS
    }


@dataclass(frozen=True)
class Usage:
    tickets: int  # tickets it answered (usefulness)
    helpful: int
    not_helpful: int
    reads: int  # portal reads
    deflected: int  # portal reads not followed by a request


def usage_of(article: Article) -> Usage:
    tickets = db.session.scalar(
        select(func.count()).where(ArticleTicketLink.article_id == article.id)
    )
    votes = dict(
        db.session.execute(
            select(ArticleVote.helpful, func.count())
            .where(ArticleVote.article_id == article.id)
            .group_by(ArticleVote.helpful)
        ).all()
    )
    reads = db.session.scalar(select(func.count()).where(ArticleRead.article_id == article.id))
    deflected = db.session.scalar(
        select(func.count()).where(
            ArticleRead.article_id == article.id, ArticleRead.ticket_id.is_(None)
        )
    )
    return Usage(tickets, votes.get(True, 0), votes.get(False, 0), reads, deflected)


def usefulness(article_ids: list[int]) -> dict[int, int]:
    if not article_ids:
        return {}
    return dict(
        db.session.execute(
            select(ArticleTicketLink.article_id, func.count())
            .where(ArticleTicketLink.article_id.in_(article_ids))
            .group_by(ArticleTicketLink.article_id)
        ).all()
    )


def linked_articles(ticket_id: int) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .join(ArticleTicketLink, ArticleTicketLink.article_id == Article.id)
            .where(ArticleTicketLink.ticket_id == ticket_id)
            .order_by(ArticleTicketLink.id)
        )
    )


def revision(article: Article, number: int) -> ArticleRevision | None:
    return next((r for r in article.revisions if r.number == number), None)


def _lines(r: ArticleRevision) -> list[str]:
    meta = [
        f"Judul: {r.title}",
        f"Jenis: {r.kind.label}",
        f"Pembaca: {r.audience.label}",
        f"Katalog: {r.service_code} {r.scope_code} {r.scope_name}".rstrip(),
        f"Label: {', '.join(r.tags or [])}",
        f"Peraturan: {r.reg_number} {r.reg_title} {r.reg_article}".rstrip(),
        "",
    ]
    return meta + r.body.splitlines()


def diff(old: ArticleRevision | None, new: ArticleRevision) -> list[tuple[str, str]]:
    """(kind, line) pairs, kind "same", "added" or "removed": ``old`` to ``new``."""
    before = _lines(old) if old else []
    out = []
    for line in difflib.ndiff(before, _lines(new)):
        if line.startswith("? "):
            continue
        out.append(({"+": "added", "-": "removed"}.get(line[0], "same"), line[2:]))
    return out
