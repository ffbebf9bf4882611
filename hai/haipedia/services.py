"""The HAIPEDIA workflow as plain functions, called by the pages, the API and the demo.

Agents (L1, L2, L3, CSO and their leads) propose articles and edits; a reviewer
(Manajer Layanan) publishes. Every edit is a revision; what readers see is the last
published (live) revision, so an edit of a published article waits for review without
taking the article down. The search index is updated here, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from hai.audit.services import record
from hai.auth.permissions import Capability
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.errors import RuleError
from hai.extensions import db
from hai.haipedia import search
from hai.haipedia.models import (
    Article,
    ArticleEvent,
    ArticleKind,
    ArticleOrigin,
    ArticleRead,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVote,
    Audience,
)
from hai.web.timefmt import today_wib

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MAX = 50_000
TAGS_MAX, TAG_MAX = 20, 40
REVIEW_PERIOD = timedelta(days=365)


class ArticleError(RuleError):
    """A HAIPEDIA rule refused the change."""


@dataclass
class ArticleData:
    """What an author writes (form, ticket, HAI CSO)."""

    title: str
    body: str
    kind: ArticleKind = ArticleKind.ARTICLE
    audience: Audience = Audience.INTERNAL
    service_code: str = ""
    scope_code: str = ""
    tags: list[str] = field(default_factory=list)
    reg_number: str = ""
    reg_title: str = ""
    reg_article: str = ""
    review_by: date | None = None
    owner_id: int | None = None  # None: keep (or the author, for a new article)
    note: str = ""  # what this revision changes


FIELDS = (
    "kind",
    "title",
    "body",
    "service_code",
    "scope_code",
    "scope_name",
    "tags",
    "reg_number",
    "reg_title",
    "reg_article",
    "audience",
)


def parse_tags(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in (raw or "").replace(";", ",").split(","):
        tag = " ".join(part.split()).lower()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def _label(actor) -> str:
    return getattr(actor, "name", "") or "Sistem"


def _event(article: Article, action: str, *, now, actor=None, body: str = "", **data):
    event = ArticleEvent(
        article=article,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=_label(actor),
        action=action,
        body=body,
        data=data,
    )
    db.session.add(event)
    return event


def resolve_scope(service_code: str, scope_code: str, on: date) -> tuple[str, str, str]:
    """(service code, scope code, scope name) checked against the catalog in force."""
    service_code, scope_code = service_code.strip().upper(), scope_code.strip()
    if not service_code and not scope_code:
        return "", "", ""
    version = version_in_force(on)
    if version is None:
        raise ArticleError("Belum ada katalog layanan yang berlaku.", "service_code")
    if scope_code and not service_code:
        scope = db.session.scalar(
            select(CatalogScope)
            .join(CatalogService)
            .where(CatalogService.version_id == version.id, CatalogScope.code == scope_code)
        )
        if scope is None:
            raise ArticleError(f"Ruang lingkup {scope_code} tidak ada di katalog.", "scope_code")
        return scope.service.code, scope.code, scope.name
    service = db.session.scalar(
        select(CatalogService).where(
            CatalogService.version_id == version.id, CatalogService.code == service_code
        )
    )
    if service is None:
        raise ArticleError(
            f"Layanan {service_code} tidak ada di katalog {version.code}.", "service_code"
        )
    if not scope_code:
        return service.code, "", service.name
    scope = next((s for s in service.scopes if s.code == scope_code), None)
    if scope is None:
        raise ArticleError(
            f"Ruang lingkup {scope_code} bukan bagian dari layanan {service.code}.", "scope_code"
        )
    return service.code, scope.code, scope.name


def _check(data: ArticleData) -> None:
    title = " ".join(data.title.split())
    if len(title) < TITLE_MIN:
        raise ArticleError(f"Judul sekurang-kurangnya {TITLE_MIN} karakter.", "title")
    if len(title) > TITLE_MAX:
        raise ArticleError(f"Judul paling panjang {TITLE_MAX} karakter.", "title")
    if not data.body.strip():
        raise ArticleError("Isi artikel wajib diisi.", "body")
    if len(data.body) > BODY_MAX:
        raise ArticleError(f"Isi artikel paling panjang {BODY_MAX} karakter.", "body")
    if len(data.tags) > TAGS_MAX or any(len(t) > TAG_MAX for t in data.tags):
        raise ArticleError(
            f"Paling banyak {TAGS_MAX} label, masing-masing {TAG_MAX} karakter.", "tags"
        )
    for value, name, limit in (
        (data.reg_number, "reg_number", 100),
        (data.reg_title, "reg_title", 300),
        (data.reg_article, "reg_article", 100),
        (data.note, "note", 500),
    ):
        if len(value) > limit:
            raise ArticleError(f"Paling panjang {limit} karakter.", name)


def _values(data: ArticleData, now: datetime) -> dict:
    service_code, scope_code, scope_name = resolve_scope(
        data.service_code, data.scope_code, today_wib(now)
    )
    return {
        "kind": data.kind,
        "title": " ".join(data.title.split()),
        "body": data.body.strip().replace("\r\n", "\n"),
        "service_code": service_code,
        "scope_code": scope_code,
        "scope_name": scope_name,
        "tags": list(data.tags),
        "reg_number": data.reg_number.strip(),
        "reg_title": data.reg_title.strip(),
        "reg_article": data.reg_article.strip(),
        "audience": data.audience,
    }


def _revise(article: Article, values: dict, *, actor, now, note: str) -> ArticleRevision:
    for name in FIELDS:
        setattr(article, name, values[name])
    article.updated_at = now
    revision = ArticleRevision(
        number=len(article.revisions) + 1,
        author_id=getattr(actor, "id", None),
        author_label=_label(actor),
        created_at=now,
        note=note.strip(),
        **values,
    )
    article.revisions.append(revision)
    return revision


def _owner(owner_id: int | None):
    from hai.auth.models import User

    user = db.session.get(User, owner_id) if owner_id else None
    if user is None or not user.is_active or not user.is_staff:
        raise ArticleError("Pemilik artikel harus petugas yang aktif.", "owner_id")
    return user


def create_article(
    data: ArticleData,
    *,
    actor,
    now: datetime,
    origin: ArticleOrigin = ArticleOrigin.MANUAL,
    source_ticket=None,
    status: ArticleStatus = ArticleStatus.DRAFT,
) -> Article:
    _check(data)
    values = _values(data, now)
    owner = _owner(data.owner_id) if data.owner_id else actor
    article = Article(
        origin=origin,
        status=status,
        owner_id=getattr(owner, "id", None),
        review_by=data.review_by,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        source_ticket_id=getattr(source_ticket, "id", None),
    )
    db.session.add(article)
    _revise(article, values, actor=actor, now=now, note=data.note or "Usulan awal")
    db.session.flush()
    _event(article, "created", now=now, actor=actor, origin=origin.value)
    if status is ArticleStatus.IN_REVIEW:
        _event(article, "submitted", now=now, actor=actor)
    record("haipedia.created", now=now, actor=actor, target=article, origin=origin.value)
    return article


def edit_article(article: Article, data: ArticleData, *, actor, now: datetime) -> ArticleRevision:
    """A new revision. A published article goes back to draft; its live revision stays."""
    if article.status is ArticleStatus.ARCHIVED:
        raise ArticleError("Artikel diarsipkan; buka kembali sebelum menyunting.")
    _check(data)
    values = _values(data, now)
    changed = any(getattr(article, name) != values[name] for name in FIELDS)
    if data.owner_id and data.owner_id != article.owner_id:
        article.owner_id = _owner(data.owner_id).id
        _event(article, "owner_changed", now=now, actor=actor)
    if data.review_by != article.review_by:
        article.review_by = data.review_by
        article.updated_at = now
        _event(article, "review_by_changed", now=now, actor=actor)
    if not changed:
        if db.session.is_modified(article):
            return article.current
        raise ArticleError("Tidak ada perubahan yang disimpan.", "body")
    revision = _revise(article, values, actor=actor, now=now, note=data.note)
    if article.status is ArticleStatus.PUBLISHED:
        article.status = ArticleStatus.DRAFT
    db.session.flush()
    _event(article, "edited", now=now, actor=actor, body=data.note, revision=revision.number)
    return revision


def submit_for_review(article: Article, *, actor, now: datetime) -> None:
    if article.status is not ArticleStatus.DRAFT:
        raise ArticleError("Hanya draf yang dapat diajukan untuk ditinjau.")
    article.status = ArticleStatus.IN_REVIEW
    article.updated_at = now
    _event(article, "submitted", now=now, actor=actor)


def _require_reviewer(actor) -> None:
    if not actor.can(Capability.KB_PUBLISH):
        raise ArticleError("Hanya peninjau (Manajer Layanan) yang dapat melakukan ini.")


def publish(article: Article, *, actor, now: datetime) -> None:
    """The latest revision becomes live (and searchable)."""
    _require_reviewer(actor)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW):
        raise ArticleError("Artikel ini sudah terbit atau diarsipkan.")
    article.status = ArticleStatus.PUBLISHED
    article.live_revision = article.current
    article.published_at = now
    article.published_by_id = actor.id
    article.updated_at = now
    if article.review_by is None or article.review_by <= today_wib(now):
        article.review_by = today_wib(now) + REVIEW_PERIOD
    _event(article, "published", now=now, actor=actor, revision=article.current.number)
    record("haipedia.published", now=now, actor=actor, target=article)
    search.reindex(db.session, article)


def return_to_author(article: Article, note: str, *, actor, now: datetime) -> None:
    _require_reviewer(actor)
    if article.status is not ArticleStatus.IN_REVIEW:
        raise ArticleError("Hanya artikel yang menunggu tinjauan yang dapat dikembalikan.")
    if not note.strip():
        raise ArticleError("Tuliskan apa yang perlu diperbaiki.", "body")
    article.status = ArticleStatus.DRAFT
    article.updated_at = now
    _event(article, "returned", now=now, actor=actor, body=note.strip())


def archive(article: Article, note: str, *, actor, now: datetime) -> None:
    _require_reviewer(actor)
    if article.status is ArticleStatus.ARCHIVED:
        raise ArticleError("Artikel sudah diarsipkan.")
    article.status = ArticleStatus.ARCHIVED
    article.updated_at = now
    _event(article, "archived", now=now, actor=actor, body=note.strip())
    record("haipedia.archived", now=now, actor=actor, target=article)
    search.reindex(db.session, article)


def unarchive(article: Article, *, actor, now: datetime) -> None:
    """Back to draft: readers see nothing until a reviewer publishes again."""
    _require_reviewer(actor)
    if article.status is not ArticleStatus.ARCHIVED:
        raise ArticleError("Artikel tidak diarsipkan.")
    article.status = ArticleStatus.DRAFT
    article.live_revision = None
    article.updated_at = now
    _event(article, "unarchived", now=now, actor=actor)
    search.reindex(db.session, article)


def restore_revision(
    article: Article, revision: ArticleRevision, *, actor, now: datetime
) -> ArticleRevision:
    """A new revision with the content of an earlier one (history is never rewritten)."""
    if revision.article_id != article.id:
        raise ArticleError("Revisi itu bukan milik artikel ini.")
    if revision.number == article.current.number:
        raise ArticleError("Revisi itu sudah yang terbaru.")
    if article.status is ArticleStatus.ARCHIVED:
        raise ArticleError("Artikel diarsipkan; buka kembali sebelum memulihkan revisi.")
    values = {name: getattr(revision, name) for name in FIELDS}
    new = _revise(
        article, values, actor=actor, now=now, note=f"Dipulihkan dari revisi {revision.number}"
    )
    if article.status is ArticleStatus.PUBLISHED:
        article.status = ArticleStatus.DRAFT
    db.session.flush()
    _event(article, "restored", now=now, actor=actor, revision=revision.number)
    record("haipedia.restored", now=now, actor=actor, target=article, revision=revision.number)
    return new


# --- from tickets and HAI CSO ---------------------------------------------------------------


def ticket_answer(ticket) -> str:
    """The last answer given to the requester."""
    from hai.tickets.models import EventKind, TicketEvent

    return (
        db.session.scalar(
            select(TicketEvent.body)
            .where(
                TicketEvent.ticket_id == ticket.id,
                TicketEvent.kind == EventKind.REPLY,
                TicketEvent.action == "answered",
            )
            .order_by(TicketEvent.id.desc())
            .limit(1)
        )
        or ""
    )


def article_from_ticket(ticket) -> Article | None:
    return db.session.scalar(select(Article).where(Article.source_ticket_id == ticket.id))


def _ticket_data(ticket, answer: str) -> ArticleData:
    title = " ".join(ticket.subject.split())[:TITLE_MAX]
    return ArticleData(
        title=title if len(title) >= TITLE_MIN else f"Pertanyaan: {title}",
        body=answer,
        audience=Audience.INTERNAL,  # a reviewer decides what the public may read
        service_code=ticket.service.code if ticket.service else "",
        scope_code=ticket.scope.code if ticket.scope else "",
        note=f"Dari tiket {ticket.number}",
    )


def ticket_to_article(ticket, *, actor, now: datetime) -> tuple[Article, bool]:
    """An answered ticket as a draft article in one step: question → title, answer →
    body, scope carried over. Returns (article, created); a ticket gives one article."""
    existing = article_from_ticket(ticket)
    if existing is not None:
        return existing, False
    if ticket.confidential:
        raise ArticleError("Tiket rahasia tidak dapat dijadikan artikel.")
    answer = ticket_answer(ticket)
    if ticket.answered_at is None or not answer:
        raise ArticleError("Hanya tiket yang sudah dijawab yang dapat dijadikan artikel.")
    data = _ticket_data(ticket, answer)
    try:
        article = create_article(
            data, actor=actor, now=now, origin=ArticleOrigin.TICKET, source_ticket=ticket
        )
    except ArticleError as exc:
        if exc.field not in ("service_code", "scope_code"):
            raise
        # The ticket's scope is no longer in the catalog in force: keep the text.
        data.service_code = data.scope_code = ""
        article = create_article(
            data, actor=actor, now=now, origin=ArticleOrigin.TICKET, source_ticket=ticket
        )
    return article, True


def queue_cso_answer(ticket, answer: str, *, actor, now: datetime) -> Article | None:
    """A CSO's question and answer recorded through HAI CSO, for a reviewer to consider."""
    if ticket.confidential or not answer.strip() or article_from_ticket(ticket) is not None:
        return None
    data = _ticket_data(ticket, answer.strip())
    data.note = f"Tanya-jawab CSO melalui HAI CSO ({ticket.number})"
    try:
        return create_article(
            data,
            actor=actor,
            now=now,
            origin=ArticleOrigin.HAI_CSO,
            source_ticket=ticket,
            status=ArticleStatus.IN_REVIEW,
        )
    except ArticleError:
        data.service_code = data.scope_code = ""
        return create_article(
            data,
            actor=actor,
            now=now,
            origin=ArticleOrigin.HAI_CSO,
            source_ticket=ticket,
            status=ArticleStatus.IN_REVIEW,
        )


def link_ticket(article: Article, ticket, *, actor, now: datetime) -> ArticleTicketLink:
    """Record that the article answered the ticket (once per pair)."""
    if not article.is_live:
        raise ArticleError("Hanya artikel yang terbit yang dapat dipakai untuk menjawab.")
    link = db.session.scalar(
        select(ArticleTicketLink).where(
            ArticleTicketLink.article_id == article.id, ArticleTicketLink.ticket_id == ticket.id
        )
    )
    if link is None:
        link = ArticleTicketLink(
            article_id=article.id, ticket_id=ticket.id, user_id=actor.id, at=now
        )
        db.session.add(link)
        db.session.flush()
    return link


# --- readers --------------------------------------------------------------------------------


def vote(article: Article, voter: str, helpful: bool, *, now: datetime) -> bool:
    """One vote per browser session; False when this session already voted."""
    if not article.is_public:
        raise ArticleError("Artikel tidak tersedia.")
    exists = db.session.scalar(
        select(ArticleVote.id).where(
            ArticleVote.article_id == article.id, ArticleVote.voter == voter
        )
    )
    if exists is not None:
        return False
    db.session.add(ArticleVote(article_id=article.id, voter=voter, helpful=helpful, at=now))
    db.session.flush()
    return True


def record_read(article: Article, user, query: str, *, now: datetime) -> ArticleRead:
    read = ArticleRead(
        article_id=article.id, user_id=getattr(user, "id", None), at=now, query=query[:200]
    )
    db.session.add(read)
    db.session.flush()
    return read


def mark_answered(read: ArticleRead) -> None:
    read.answered = True


def reads_led_to(read_ids: list[int], ticket, user) -> None:
    """The requester submitted a ticket after reading these: not deflected after all."""
    if not read_ids:
        return
    for read in db.session.scalars(
        select(ArticleRead).where(
            ArticleRead.id.in_(read_ids[:50]),
            ArticleRead.user_id == user.id,
            ArticleRead.ticket_id.is_(None),
        )
    ):
        read.ticket_id = ticket.id
        read.answered = False
