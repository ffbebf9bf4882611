"""Full-text search of live articles, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases hold the same terms, made in Python (``text.analyse``: Sastrawi stems,
the synonym list, no stop words): SQLite in the FTS5 table ``article_fts`` (columns
title, body, facets), PostgreSQL in the table ``article_fts`` with a ``simple``-config
tsvector of the title and of the whole article, each with a GIN index. The database
only answers "which articles contain this term (in the title / anywhere)"; a filter is
a facet term (``zzaud…``, ``zzsvc…``) in the same index, so filtering costs a posting
list, not a row read.

The ordering contract, identical on both databases because it is computed here from
those sets alone:

    weight(t) = ln(1 + 1,000,000 / df(t))      df: matching articles within the filter
    score(a)  = Σ weight(t) · ([t in a] + TITLE_BOOST · [t in title of a])
    order     = score (rounded to 9 decimals) descending, then article id ascending

An article matches when it contains at least one term of the question. Confidence is the
score over the best possible (every term in the title), between 0 and 1.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import text as sql

from hai.haipedia.models import Article, Audience
from hai.haipedia.text import FACET_PREFIX, QueryTerm, analyse, query_terms

TITLE_BOOST = 2.0
SNIPPET_SOURCE = 3000  # characters of the body a snippet is chosen from
DF_SCALE = 1_000_000


def facet(kind: str, value: str) -> str:
    return FACET_PREFIX + kind + "".join(ch for ch in value.lower() if ch.isalnum())


def facets_of(audience: Audience, service_code: str) -> list[str]:
    out = [facet("all", ""), facet("aud", audience.value)]
    if service_code:
        out.append(facet("svc", service_code))
    return out


@dataclass(frozen=True)
class IndexRow:
    article_id: int
    title: str  # space-separated terms
    body: str
    facets: str


def index_row(article_id: int, revision) -> IndexRow:
    """The terms of a revision: title; body with tags, regulation and catalog scope."""
    body_text = " ".join(
        [
            revision.body,
            " ".join(revision.tags or []),
            revision.reg_number,
            revision.reg_title,
            revision.scope_name,
        ]
    )
    return IndexRow(
        article_id,
        " ".join(analyse(revision.title)),
        " ".join(analyse(body_text)),
        " ".join(facets_of(revision.audience, revision.service_code)),
    )


def _dialect(session) -> str:
    return session.get_bind().dialect.name


INSERT = {
    "sqlite": "INSERT INTO article_fts (rowid, title, body, facets) "
    "VALUES (:article_id, :title, :body, :facets)",
    "postgresql": "INSERT INTO article_fts (article_id, title_tsv, doc_tsv) VALUES (:article_id, "
    "to_tsvector('simple', :title || ' ' || :facets), "
    "to_tsvector('simple', :title || ' ' || :body || ' ' || :facets))",
}
DELETE = {
    "sqlite": "DELETE FROM article_fts WHERE rowid = :article_id",
    "postgresql": "DELETE FROM article_fts WHERE article_id = :article_id",
}


def write_rows(session, rows: Sequence[IndexRow]) -> None:
    """Insert index rows (the bench loads many at once)."""
    if rows:
        session.execute(sql(INSERT[_dialect(session)]), [r.__dict__ for r in rows])


def reindex(session, article: Article) -> None:
    """Make the index hold the article's live revision, or nothing if it is not live."""
    session.flush()
    session.execute(sql(DELETE[_dialect(session)]), {"article_id": article.id})
    if article.is_live:
        write_rows(session, [index_row(article.id, article.live_revision)])


# --- matching ------------------------------------------------------------------------


def _fts5_phrase(t: QueryTerm) -> str:
    return f'"{t.term}"' + ("*" if t.prefix else "")


def _match(session, term: QueryTerm, filters: list[str], *, title: bool) -> tuple[str, str]:
    """(SQL condition, its one parameter) for "has ``term`` and every filter facet"."""
    if _dialect(session) == "postgresql":
        query = " & ".join([term.term + (":*" if term.prefix else ""), *filters])
        column = "title_tsv" if title else "doc_tsv"
        return f"{column} @@ to_tsquery('simple', %s)", query
    # Facet terms only ever stand in the facets column and query terms never start like
    # them, so only the title needs a column filter (which costs reading positions).
    phrase = f"title : {_fts5_phrase(term)}" if title else _fts5_phrase(term)
    return "article_fts MATCH ?", " AND ".join([phrase] + [f'"{f}"' for f in filters])


def _fetch(session, sql: str, params: tuple) -> list[tuple]:
    # Through the DB-API cursor: a common term has thousands of ids.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _postings(session, term: QueryTerm, filters: list[str]) -> tuple[set[int], set[int]]:
    """Ids of indexed articles with ``term`` and every filter facet: (anywhere, in the
    title). PostgreSQL answers both in one pass; FTS5 needs a column-filtered query."""
    condition, param = _match(session, term, filters, title=False)
    if _dialect(session) == "postgresql":
        _, title_param = _match(session, term, [], title=True)
        sql = (
            "SELECT article_id, title_tsv @@ to_tsquery('simple', %s) FROM article_fts "  # noqa: S608
            f"WHERE {condition}"
        )
        rows = _fetch(session, sql, (title_param, param))
        return {r[0] for r in rows}, {r[0] for r in rows if r[1]}
    sql = "SELECT rowid FROM article_fts WHERE article_fts MATCH ?"
    anywhere = {r[0] for r in _fetch(session, sql, (param,))}
    if not anywhere:
        return anywhere, set()
    _, param = _match(session, term, filters, title=True)
    in_title = {r[0] for r in _fetch(session, sql, (param,))}
    return anywhere, in_title


@dataclass(frozen=True)
class Ranked:
    article_id: int
    score: float
    confidence: float


def _weight(df: int) -> float:
    return math.log(1 + DF_SCALE / df)


def _top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The contract's order: score rounded to 9 decimals (equal on paper compares equal
    whatever the summing order) descending, then id ascending."""
    if not scores:
        return []
    floor = heapq.nlargest(limit, scores.values())[-1] - 1e-6
    return heapq.nsmallest(
        limit,
        ((i, round(s, 9)) for i, s in scores.items() if s >= floor),
        key=lambda item: (-item[1], item[0]),
    )


def _accumulate(
    scores: dict[int, float], weight: float, anywhere: Iterable[int], in_title: Iterable[int]
):
    boost = weight * TITLE_BOOST
    for article_id in anywhere:
        scores[article_id] = scores.get(article_id, 0.0) + weight
    for article_id in in_title:
        scores[article_id] += boost


def rank(
    session,
    terms: Sequence[QueryTerm],
    *,
    audiences: Iterable[Audience],
    service_code: str = "",
    limit: int = 10,
) -> list[Ranked]:
    """The best ``limit`` articles for ``terms`` under the ordering contract above."""
    audiences = set(audiences)
    if not terms or not audiences:
        return []
    filters = []
    if len(audiences) == 1:
        filters.append(facet("aud", next(iter(audiences)).value))
    if service_code:
        filters.append(facet("svc", service_code))
    scores: dict[int, float] = {}
    best = 0.0
    for term in sorted(terms, key=lambda t: (t.term, t.prefix)):
        anywhere, in_title = _postings(session, term, filters)
        if not anywhere:
            continue
        weight = _weight(len(anywhere))
        best += weight * (1 + TITLE_BOOST)
        _accumulate(scores, weight, anywhere, in_title)
    return [Ranked(i, s, round(s / best, 4)) for i, s in _top(scores, limit)]


# --- results -------------------------------------------------------------------------


@dataclass
class Hit:
    article: Article
    score: float
    confidence: float
    title_html: Markup
    snippet_html: Markup


@dataclass
class Results:
    q: str
    terms: list[QueryTerm] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def search(
    session,
    q: str,
    *,
    audiences: Iterable[Audience],
    service_code: str = "",
    typing: bool = False,
    limit: int = 10,
) -> Results:
    """Live articles for the question ``q``, best first, with highlighted snippets.

    ``audiences`` is decided by the caller from who is asking: only ``PUBLIC`` for
    the public side, requesters and the chatbot."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from hai.haipedia.render import to_text
    from hai.haipedia.text import highlight

    q = (q or "").strip()[:200]
    terms = query_terms(q, typing=typing)
    results = Results(q=q, terms=terms)
    ranked = rank(session, terms, audiences=audiences, service_code=service_code, limit=limit)
    if not ranked:
        return results
    articles = {
        a.id: a
        for a in session.scalars(
            select(Article)
            .where(Article.id.in_([r.article_id for r in ranked]))
            .options(joinedload(Article.live_revision))
        )
    }
    allowed = set(audiences)
    for r in ranked:
        article = articles.get(r.article_id)
        # The index follows the live revision; check it again rather than trust it.
        if article is None or not article.is_live or article.live_revision.audience not in allowed:
            continue
        live = article.live_revision
        results.hits.append(
            Hit(
                article=article,
                score=r.score,
                confidence=r.confidence,
                title_html=highlight(live.title, terms, window=60),
                snippet_html=highlight(to_text(live.body)[:SNIPPET_SOURCE], terms),
            )
        )
    return results
