"""Fixtures for the requester portal: a registered, activated requester and helpers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hai.catalog.models import CatalogService, CatalogVersion
from hai.db_types import utcnow
from hai.mail.models import OutboxMessage

PASSWORD = "kata-sandi-portal-uji"
# Links are built from HAI_PUBLIC_URL (unset in tests: http://localhost:5000), never from
# the request's Host header.
LINK_RE = re.compile(r"http://localhost:5000/daftar/aktivasi/(\S+)")


def service(db_session, code: str, version: str = "2023.1") -> CatalogService:
    return db_session.scalar(
        select(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version, CatalogService.code == code)
    )


def activation_links(db_session, email: str) -> list[str]:
    """The activation paths emailed to ``email``, oldest first."""
    rows = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == email).order_by(OutboxMessage.id)
    )
    return [f"/daftar/aktivasi/{m}" for row in rows for m in LINK_RE.findall(row.body)]


def register_form(**overrides) -> dict:
    data = {
        "name": "Sari Operator Satker",
        "email": "sari@satker-uji.go.id",
        "phone": "0812000111",
        "user_type": "1",
        "satker_name": "Satker Uji Kementerian",
        "satker_code": "123456",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.fixture
def register(app, db_session):
    """Register (and by default activate) a requester through the services."""
    from hai.portal import services as portal

    def do(email: str, *, user_type: int = 1, name: str = "Pemohon Portal", activate=True):
        user, requester = portal.register(
            portal.Registration(
                name=name,
                email=email,
                phone="0811",
                user_type=user_type,
                satker_name="Satker Uji",
                satker_code="654321",
                password=PASSWORD,
            ),
            official_domains=app.config["HAI_OFFICIAL_DOMAINS"],
            now=utcnow(),
        )
        if activate:
            token = portal.activation_token(user, app.config["SECRET_KEY"])
            portal.activate(token, secret_key=app.config["SECRET_KEY"], now=utcnow())
        db_session.commit()
        return user

    return do


@pytest.fixture
def requester(register):
    return register("pemohon@satker-uji.go.id")


@pytest.fixture
def portal_login(login_as):
    def do(user):
        return login_as(user, PASSWORD)

    return do


@pytest.fixture
def staff(make_user):
    from hai.auth.roles import Role

    return {"l1": make_user(Role.AGEN_L1, name="Andi L1")}


@pytest.fixture
def submit_ticket(db_session):
    """A portal ticket of ``user`` created through the page."""

    def do(browser, subject="Cara rekam data supplier", code="BCSM.02.01", files=None):
        svc = service(db_session, code)
        browser.get("/portal/baru")
        data = {
            "service": str(svc.id),
            "scope": "",
            "ticket_type": "question",
            "subject": subject,
            "description": "Mohon petunjuk langkah-langkahnya.",
        }
        if files:
            data["attachments"] = files
        response = browser.post("/portal/baru", data, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        ticket_id = int(response.headers["Location"].rsplit("/", 1)[1])
        from hai.tickets.models import Ticket

        return db_session.get(Ticket, ticket_id)

    return do
