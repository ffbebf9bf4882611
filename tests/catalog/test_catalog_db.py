"""The seeded catalog as it sits in the DATABASE after the real migrations and
``load_seed_catalog`` (the parser itself is covered by test_seeds.py).

Expected numbers are read off the source documents (002/003/004), not derived
from the code under test.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.catalog.models import (
    CatalogLinkedUnit,
    CatalogScope,
    CatalogService,
    CatalogVersion,
    Channel,
    VersionState,
)
from hai.catalog.queries import version_in_force
from hai.catalog.services import load_channels, load_seed_catalog
from hai.db_types import utcnow

ALL_TYPES = frozenset(range(1, 12))


def _version(db_session, code: str) -> CatalogVersion:
    version = db_session.scalar(select(CatalogVersion).where(CatalogVersion.code == code))
    assert version is not None, f"version {code} is not in the database"
    return version


def _service(db_session, version_code: str, code: str) -> CatalogService:
    service = db_session.scalar(
        select(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version_code, CatalogService.code == code)
    )
    assert service is not None, f"{code} is not in version {version_code}"
    return service


def _scope(db_session, version_code: str, code: str) -> CatalogScope:
    scope = db_session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version_code, CatalogScope.code == code)
    )
    assert scope is not None, f"scope {code} is not in version {version_code}"
    return scope


# --- versions and their size ---------------------------------------------------------


def test_exactly_the_two_seed_versions_are_loaded(db_session):
    rows = db_session.execute(
        select(CatalogVersion.code, CatalogVersion.state, CatalogVersion.effective_from).order_by(
            CatalogVersion.effective_from
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("2023.0", VersionState.RETIRED, date(2023, 1, 1)),
        ("2023.1", VersionState.ACTIVE, date(2023, 6, 30)),
    ]


@pytest.mark.parametrize(
    ("code", "services", "depth1", "depth2"),
    [("2023.0", 12, 43, 167), ("2023.1", 19, 254, 94)],
)
def test_service_and_scope_counts_per_version(db_session, code, services, depth1, depth2):
    version = _version(db_session, code)
    service_count = db_session.scalar(
        select(func.count())
        .select_from(CatalogService)
        .where(CatalogService.version_id == version.id)
    )
    depths = dict(
        db_session.execute(
            select(CatalogScope.depth, func.count())
            .join(CatalogService)
            .where(CatalogService.version_id == version.id)
            .group_by(CatalogScope.depth)
        ).all()
    )
    assert service_count == services
    assert depths == {1: depth1, 2: depth2}


@pytest.mark.parametrize("code", ["2023.0", "2023.1"])
def test_scope_tree_is_consistent(db_session, code):
    """Depth-1 scopes have no parent; depth-2 scopes hang under a depth-1 scope of
    the same service."""
    version = _version(db_session, code)
    for service in version.services:
        for scope in service.scopes:
            if scope.depth == 1:
                assert scope.parent_id is None, scope.code
            else:
                assert scope.parent is not None, scope.code
                assert scope.parent.service_id == service.id, scope.code
                assert scope.parent.depth == scope.depth - 1, scope.code
                assert scope.code.startswith(scope.parent.code + "."), scope.code


@pytest.mark.parametrize("code", ["2023.0", "2023.1"])
def test_each_version_has_21_linked_units(db_session, code):
    version = _version(db_session, code)
    count = db_session.scalar(
        select(func.count())
        .select_from(CatalogLinkedUnit)
        .where(CatalogLinkedUnit.version_id == version.id)
    )
    assert count == 21
    assert sorted(u.number for u in version.linked_units) == list(range(1, 22))
    assert all(u.codes for u in version.linked_units)


# --- norms ---------------------------------------------------------------------------


def test_2023_0_scope_norms_spot_checks(db_session):
    assert _scope(db_session, "2023.0", "BCSM.02.01").norm_hours == 32
    assert _scope(db_session, "2023.0", "BCSM.02.03").norm_hours == 24


@pytest.mark.parametrize("version_code", ["2023.0", "2023.1"])
def test_broadcast_service_norm_is_8_hours_without_scopes(db_session, version_code):
    broadcast = _service(db_session, version_code, "BMSM.01")
    assert broadcast.norm_hours == 8
    assert broadcast.scopes == []


def test_itsm_04_norm_is_16_hours(db_session):
    service = _service(db_session, "2023.0", "ITSM.04")
    assert service.norm_hours == 16
    assert [s.norm_hours for s in service.scopes] == [16, 16]


def test_crsm_01_six_scopes_and_their_norms(db_session):
    service = _service(db_session, "2023.0", "CRSM.01")
    assert [(s.code, s.norm_hours) for s in service.scopes] == [
        ("CRSM.01.01", 8),
        ("CRSM.01.02", 16),
        ("CRSM.01.03", None),
        ("CRSM.01.04", 8),
        ("CRSM.01.05", 8),
        ("CRSM.01.06", None),
    ]
    assert service.norm_hours is None  # no single norm for the whole service


def test_2023_1_every_scope_is_24_hours_except_broadcast_at_8(db_session):
    version = _version(db_session, "2023.1")
    norms = {s.code: s.norm_hours for s in version.services}
    assert norms.pop("BMSM.01") == 8
    assert set(norms.values()) == {24}
    scope_norms = Counter(sc.norm_hours for s in version.services for sc in s.scopes)
    assert scope_norms == Counter({24: 254 + 94})


# --- access matrix -----------------------------------------------------------------


def test_user_type_4_has_no_access_to_itsm_01(db_session):
    itsm01 = _service(db_session, "2023.0", "ITSM.01")
    assert not itsm01.allows(4)
    assert itsm01.access == {8, 9}


@pytest.mark.parametrize("version_code", ["2023.0", "2023.1"])
def test_only_types_8_and_9_have_broadcast(db_session, version_code):
    assert _service(db_session, version_code, "BMSM.01").access == {8, 9}


@pytest.mark.parametrize("code", ["WBSM.01", "CRSM.01"])
def test_every_user_type_has_complaints_and_change_requests(db_session, code):
    service = _service(db_session, "2023.0", code)
    assert service.access == ALL_TYPES
    assert all(service.allows(t) for t in range(1, 12))


def test_every_access_row_is_a_user_type_1_to_11(db_session):
    for version_code in ("2023.0", "2023.1"):
        for service in _version(db_session, version_code).services:
            assert service.access <= ALL_TYPES, service.code


def test_revision_carries_access_over_from_2023_0(db_session):
    sakti = _service(db_session, "2023.1", "ITSM.01.04")
    assert sakti.access == _service(db_session, "2023.0", "ITSM.01").access
    old = {s.code: s.access for s in _version(db_session, "2023.0").services}
    for service in _version(db_session, "2023.1").services:
        source_code = ".".join(service.code.split(".")[:2])
        assert service.access == old[source_code], service.code


# --- responsible units ---------------------------------------------------------------


def test_responsible_units_are_linked(db_session):
    pa = _service(db_session, "2023.1", "BCSM.02.01")
    assert pa.responsible_unit is not None
    assert pa.responsible_unit.code == "DIT-PA"
    for version_code in ("2023.0", "2023.1"):
        itsm = [
            s for s in _version(db_session, version_code).services if s.code.startswith("ITSM.")
        ]
        assert itsm, version_code
        for service in itsm:
            assert service.responsible_unit is not None, service.code
            assert service.responsible_unit.code == "DIT-SITP", service.code


# --- channels ------------------------------------------------------------------------


def test_ten_channels_and_when_they_receive(db_session):
    channels = {c.code: c.always_open for c in db_session.scalars(select(Channel))}
    assert len(channels) == 10
    assert {c for c, always in channels.items() if always} == {
        "email",
        "portal",
        "twitter",
        "instagram",
        "facebook",
        "youtube",
    }
    assert {c for c, always in channels.items() if not always} == {
        "call_center",
        "webchat",
        "whatsapp",
        "hai_cso",
    }


def test_channel_receiving_hours_follow_always_open(db_session):
    for channel in db_session.scalars(select(Channel)):
        if channel.always_open:
            assert channel.receiving_hours == "Setiap hari, 24 jam", channel.code
        else:
            assert "08.00–16.00" in channel.receiving_hours, channel.code


def test_load_channels_again_adds_nothing(db_session):
    assert load_channels() == 0
    assert db_session.scalar(select(func.count()).select_from(Channel)) == 10


# --- version in force ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 12, 31), None),
        (date(2023, 1, 1), "2023.0"),
        (date(2023, 3, 1), "2023.0"),
        (date(2023, 6, 29), "2023.0"),
        (date(2023, 6, 30), "2023.1"),
        (date(2023, 7, 1), "2023.1"),
        (date(2030, 1, 1), "2023.1"),
    ],
)
def test_version_in_force_on_a_date(db_session, day, expected):
    version = version_in_force(day)
    assert (version.code if version else None) == expected


# --- loading again ------------------------------------------------------------------


def test_load_seed_catalog_again_loads_nothing(db_session):
    def counts():
        return (
            db_session.scalar(select(func.count()).select_from(CatalogVersion)),
            db_session.scalar(select(func.count()).select_from(CatalogService)),
            db_session.scalar(select(func.count()).select_from(CatalogScope)),
            db_session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "catalog.seed_loaded")
            ),
        )

    before = counts()
    assert load_seed_catalog(now=utcnow()) == []
    db_session.flush()
    assert counts() == before
    assert _version(db_session, "2023.1").state is VersionState.ACTIVE
    assert _version(db_session, "2023.0").state is VersionState.RETIRED
