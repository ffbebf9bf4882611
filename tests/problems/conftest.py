from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.tickets.models import TicketType
from hai.web.timefmt import WIB

_n = itertools.count(1)


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def people(make_user):
    return {
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "l2": make_user(Role.AGEN_L2, name="Budi L2"),
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Rina Manajer"),
        "pengguna": make_user(Role.PENGGUNA, name="Joko Pengguna"),
    }


def scope_of(code: str, on) -> CatalogScope:
    from hai.extensions import db

    version = version_in_force(on.date())
    return db.session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogScope.code == code)
    )


@pytest.fixture
def disruption(db_session, people):
    """A disruption ticket received at a WIB instant on a catalog scope, each from its
    own requester (so that each requester's email can be checked)."""
    from hai.tickets.services import RequesterData, create_ticket

    def make(received: datetime, scope_code: str = "ITSM.01.04.03", **kw):
        n = next(_n)
        ticket = create_ticket(
            channel_code="email",
            received_at=received,
            requester=RequesterData(
                name=f"Pemohon {n}", email=f"pemohon{n}@satker.test", user_type=1
            ),
            subject=kw.pop("subject", f"SAKTI tidak dapat dibuka ({n})"),
            description="Aplikasi menampilkan galat saat login.",
            ticket_type=kw.pop("ticket_type", TicketType.DISRUPTION),
            scope=scope_of(scope_code, received),
            now=received,
            actor=people["l1"],
        )
        db_session.flush()
        return ticket

    return make
