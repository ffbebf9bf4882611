"""People, articles and clients for HAIPEDIA tests."""

from __future__ import annotations

import pytest

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.haipedia import services
from hai.haipedia.models import Article, ArticleKind, Audience
from tests.api.conftest import ApiClient, api, token  # noqa: F401
from tests.portal.conftest import portal_login, register, requester, submit_ticket  # noqa: F401


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def login_fresh(app, db_session):
    """Log ``user`` in on a browser of its own (two people at once in one test)."""
    from tests.conftest import Browser
    from tests.factories import PASSWORD

    def do(user, password: str = PASSWORD):
        browser = Browser(app.test_client())
        browser.get("/login")
        response = browser.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302
        browser.get("/home")
        return browser

    return do


@pytest.fixture
def people(make_user):
    return {
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "l2": make_user(Role.AGEN_L2, name="Budi L2"),
        "cso": make_user(Role.CSO, name="Eko CSO"),
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Maya Manajer"),
        "qa": make_user(Role.QA, name="Dewi QA"),
        "admin": make_user(Role.ADMIN, name="Admin"),
    }


@pytest.fixture
def write(db_session, people):
    """Create (and by default publish) an article through the services."""

    def do(
        title: str,
        body: str = "Isi artikel.",
        *,
        audience: Audience = Audience.PUBLIC,
        publish: bool = True,
        service_code: str = "",
        scope_code: str = "",
        tags=(),
        kind: ArticleKind = ArticleKind.ARTICLE,
        author=None,
    ) -> Article:
        article = services.create_article(
            services.ArticleData(
                title=title,
                body=body,
                audience=audience,
                service_code=service_code,
                scope_code=scope_code,
                tags=list(tags),
                kind=kind,
            ),
            actor=author or people["l1"],
            now=utcnow(),
        )
        if publish:
            services.publish(article, actor=people["manajer"], now=utcnow())
        db_session.commit()
        return article

    return do
