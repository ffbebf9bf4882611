from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.schedules.models import Shift
from hai.web.timefmt import WIB


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=WIB)


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def people(make_user):
    return {
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Rina Manajer"),
        "qa": make_user(Role.QA, name="Dewi QA"),
        "l1": make_user(Role.AGEN_L1, name="Andi Agen"),
        "l1b": make_user(Role.AGEN_L1, name="Bayu Agen"),
        "l2": make_user(Role.AGEN_L2, name="Budi Layer Dua"),
        "cso": make_user(Role.CSO, name="Eko CSO"),
    }


@pytest.fixture
def shifts(db_session) -> dict[str, Shift]:
    """The reference shifts: Pagi 07.30-12.15 and Siang 12.15-17.00, 30 minutes' break."""
    return {s.name: s for s in db_session.scalars(select(Shift))}


@pytest.fixture
def make_ticket(db_session):
    from hai.tickets.services import RequesterData, create_ticket

    def make(received: datetime, channel: str = "call_center", by=None):
        ticket = create_ticket(
            channel_code=channel,
            received_at=received,
            requester=RequesterData(name="Pemohon Uji", email="p@test.hai", user_type=1),
            subject="Uji jadwal",
            description="",
            now=utcnow(),
            actor=by,
        )
        db_session.flush()
        return ticket

    return make
