from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.org.models import OrgUnit, UnitKind
from hai.web.timefmt import WIB


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def people(make_user):
    unit = None
    return {
        "qa": make_user(Role.QA, name="Dewi QA"),
        "l1": make_user(Role.AGEN_L1, name="Andi L1", unit_id=unit),
        "other": make_user(Role.AGEN_L1, name="Bayu L1"),
        "l2": make_user(Role.AGEN_L2, name="Budi L2"),
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Rina Manajer"),
        "koordinator": make_user(Role.KOORDINATOR, name="Sekar Koordinator"),
    }


@pytest.fixture
def make_ticket(db_session):
    """A ticket received at a WIB instant, recorded by ``by``, with its SLA fields set
    by hand afterwards (a hand-built fixture: the numbers are chosen, not computed)."""
    from hai.tickets.services import RequesterData, create_ticket

    def make(received: datetime, channel: str, by, **fields):
        ticket = create_ticket(
            channel_code=channel,
            received_at=received,
            requester=RequesterData(name="Pemohon Uji", email="p@test.hai", user_type=1),
            subject=fields.pop("subject", "Uji metrik"),
            description="",
            now=utcnow(),
            actor=by,
        )
        ticket.response_due_at = None
        ticket.fulfilment_due_at = None
        for name, value in fields.items():
            setattr(ticket, name, value)
        db_session.flush()
        return ticket

    return make


@pytest.fixture
def directorate(db_session):
    return db_session.scalar(
        select(OrgUnit).where(OrgUnit.kind == UnitKind.DIREKTORAT).order_by(OrgUnit.id).limit(1)
    )


@pytest.fixture
def signed_in(app):
    """A fresh browser per person (``login_as`` shares one client)."""
    from tests.conftest import Browser
    from tests.factories import PASSWORD

    def sign_in(user):
        browser = Browser(app.test_client())
        browser.get("/login")
        response = browser.post("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        browser.get("/home")
        return browser

    return sign_in
