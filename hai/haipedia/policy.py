"""Who reads which article: the one place every read path asks.

Staff with ``KB_VIEW`` read every article (drafts and internal ones included). Everyone
else — the public side, requesters, the chatbot — reads only *live public* articles,
and only their live revision; anything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from flask import abort

from hai.auth.permissions import Capability
from hai.extensions import db
from hai.haipedia.models import Article, Audience


def audiences_for(user) -> set[Audience]:
    """The audiences a search may return to this user (anonymous: public only)."""
    if getattr(user, "is_authenticated", False) and user.can(Capability.KB_VIEW):
        return {Audience.PUBLIC, Audience.INTERNAL}
    return {Audience.PUBLIC}


def get_article_or_404(article_id: int) -> Article:
    """For staff pages (the view already required KB_VIEW)."""
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


def get_public_article_or_404(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None or not article.is_public:
        abort(404)
    return article
