"""Test fixtures: one database per run (SQLite file, or PostgreSQL when
HAI_TEST_DATABASE_URL is set), built by the real migrations and seeded with the
reference data; each test runs inside a transaction that is rolled back.

CSRF protection stays ON: tests read the token from the page like a browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from hai import create_app
from hai.config import TestingConfig
from hai.extensions import db

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"'
)


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("HAI_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("hai")
    url = _database_url(tmp_dir)
    application = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(tmp_dir),
            "UPLOAD_FOLDER": str(tmp_dir / "uploads"),
        },
    )
    with application.app_context():
        _reset_schema(url)
        from flask_migrate import upgrade

        upgrade()
        _seed_reference_data()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def _seed_reference_data() -> None:
    from hai.db_types import utcnow
    from hai.reference import load_reference_data

    load_reference_data(now=utcnow())
    db.session.commit()


class _TestSession(scoped_session):
    """One session for the whole test, shared by the test code and every request.

    Flask-SQLAlchemy removes the session when an app context ends; here that
    would detach the objects the test holds, so ``remove`` only clears pending
    state of a failed request.
    """

    def remove(self):
        if self.registry.has():
            session = self.registry()
            if session.in_transaction() and not session.is_active:
                session.rollback()


@pytest.fixture
def db_session(app):
    """Every test in one transaction rolled back at the end; commits become savepoints.

    No app context is held during the test, so each request gets its own ``g``
    as in production.
    """
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = _TestSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: "test",
    )
    try:
        yield db.session
    finally:
        db.session.registry().close()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return next(g for g in match.groups() if g)


class Browser:
    """A test client that behaves like a browser with respect to CSRF tokens."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        # Downloads (an XLSX export) carry no token and are not text.
        body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
        match = CSRF_RE.search(body)
        if match:
            self.token = next(g for g in match.groups() if g)
        return response

    def post(self, url, data=None, *, csrf=True, headers=None, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, headers=headers or {}, **kwargs)

    def htmx_get(self, url, **kwargs):
        return self.get(url, headers={"HX-Request": "true"}, **kwargs)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make_user(db_session):
    from tests.factories import make_user as factory

    return factory


@pytest.fixture
def login_as(browser):
    from tests.factories import PASSWORD

    def do_login(user, password: str = PASSWORD):
        browser.get("/login")
        response = browser.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        browser.get("/home")
        return browser

    return do_login


@pytest.fixture
def signed_in(app):
    """A fresh browser per person (``login_as`` shares one client between people)."""
    from tests.factories import PASSWORD

    def sign_in(user):
        browser = Browser(app.test_client())
        browser.get("/login")
        response = browser.post("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        browser.get("/home")  # a page of the new session, for its CSRF token
        return browser

    return sign_in
