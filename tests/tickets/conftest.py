"""Fixtures for ticket tests: staff of each role, a directorate with an L2 agent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.org.models import OrgUnit

WIB = ZoneInfo("Asia/Jakarta")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def unit(db_session, code: str) -> OrgUnit:
    return db_session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def scope(db_session, code: str, version: str = "2023.1") -> CatalogScope:
    return db_session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version, CatalogScope.code == code)
    )


def service(db_session, code: str, version: str = "2023.1") -> CatalogService:
    return db_session.scalar(
        select(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version, CatalogService.code == code)
    )


@pytest.fixture
def staff(make_user, db_session):
    sitp = unit(db_session, "DIT-SITP")
    kppn = unit(db_session, "KPPN-JKT1")
    return {
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "l1b": make_user(Role.AGEN_L1, name="Bayu L1"),
        "l2": make_user(Role.AGEN_L2, name="Budi L2", unit_id=sitp.id),
        "l2_other": make_user(Role.AGEN_L2, name="Lain L2", unit_id=unit(db_session, "DIT-PA").id),
        "l3": make_user(Role.AGEN_L3, name="Citra L3", unit_id=sitp.id),
        "kasi": make_user(Role.KEPALA_SEKSI, name="Kasi"),
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Manajer"),
        "cso": make_user(Role.CSO, name="Eko CSO", unit_id=kppn.id),
        "qa": make_user(Role.QA, name="Dewi QA"),
        "admin": make_user(Role.ADMIN, name="Admin"),
    }
