from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.org.models import OrgUnit


@pytest.fixture
def office(db_session):
    return db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))


@pytest.fixture
def people(make_user, office):
    return {
        "bcm": make_user(
            Role.KOORDINATOR_BCM, name="Fajar Koordinator", unit_id=office.id, phone="0811"
        ),
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "head": make_user(Role.KETUA_TIM_BENCANA, name="Gita Ketua Tim"),
        "admin": make_user(Role.ADMIN),
    }


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
