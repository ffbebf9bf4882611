"""The SLA policy: priority matrix, precedence of the fulfilment norm, version choice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.catalog.queries import version_in_force
from hai.sla.norms import load_norms
from hai.sla.policy import ChannelNorm, Request, SlaNorms, fulfilment_norm, resolve_targets
from hai.sla.worktime import WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar(first_year=2022, last_year=2027)  # no holidays: plain weeks


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def norms_for(db_session, code: str) -> SlaNorms:
    version = db_session.scalar(select(CatalogVersion).where(CatalogVersion.code == code))
    return load_norms(version)


NINE_CELLS = [
    # (impact, urgency, priority, hours) — 003 §6.3
    ("high", "high", "P1", 8),
    ("medium", "high", "P2", 16),
    ("low", "high", "P4", 32),
    ("high", "medium", "P2", 16),
    ("medium", "medium", "P3", 24),
    ("low", "medium", "P5", 40),
    ("high", "low", "P4", 32),
    ("medium", "low", "P5", 40),
    ("low", "low", "P6", None),
]


@pytest.mark.parametrize("code", ["2023.0", "2023.1"])
@pytest.mark.parametrize(("impact", "urgency", "priority", "hours"), NINE_CELLS)
def test_priority_matrix_all_nine_cells(db_session, code, impact, urgency, priority, hours):
    norms = norms_for(db_session, code)
    assert norms.priority_for(impact, urgency) == priority
    assert norms.priority_hours[priority] == hours


def test_unknown_level_is_refused(db_session):
    with pytest.raises(ValueError):
        norms_for(db_session, "2023.1").priority_for("huge", "high")


def test_channel_norms_per_version(db_session):
    old, new = norms_for(db_session, "2023.0"), norms_for(db_session, "2023.1")
    assert old.channels["call_center"] == ChannelNorm(
        timedelta(minutes=2), timedelta(0), old.channels["call_center"].basis
    )
    assert old.channels["portal"].response == timedelta(hours=1)
    assert old.channels["portal"].fulfilment == timedelta(hours=1)
    assert new.channels["email"].fulfilment == timedelta(hours=24)
    assert "twitter" not in old.channels  # 2023.0 set no social media norm
    assert new.channels["twitter"].response == timedelta(hours=1)
    assert new.channels["youtube"].fulfilment == timedelta(0)
    assert "whatsapp" not in new.channels


NORMS = SlaNorms(
    "t",
    {"P1": 8, "P6": None},
    {},
    {"portal": ChannelNorm(timedelta(hours=1), timedelta(hours=24))},
)


def test_precedence_priority_first():
    req = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=32, escalated=True, priority="P1")
    assert fulfilment_norm(NORMS, req) == (timedelta(hours=8), "priority")


def test_precedence_p6_means_no_deadline_even_when_escalated():
    req = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=32, escalated=True, priority="P6")
    assert fulfilment_norm(NORMS, req) == (None, "priority")
    targets = resolve_targets(CAL, NORMS, req)
    assert targets.fulfilment.due is None


def test_precedence_scope_once_escalated():
    req = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=32, escalated=True)
    assert fulfilment_norm(NORMS, req) == (timedelta(hours=32), "scope")


def test_escalated_scope_without_norm_has_no_deadline():
    req = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=None, escalated=True)
    assert fulfilment_norm(NORMS, req) == (None, "scope")


def test_precedence_channel_otherwise():
    req = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=32)
    assert fulfilment_norm(NORMS, req) == (timedelta(hours=24), "channel")


def test_channel_without_norm():
    req = Request(at(2026, 3, 2, 9), "whatsapp")
    assert fulfilment_norm(NORMS, req) == (None, "none")
    targets = resolve_targets(CAL, NORMS, req)
    assert targets.response.due is None and targets.fulfilment.due is None


def test_targets_count_from_receipt_in_working_time():
    # Friday 15:30 by portal: the response is due Monday 08:30.
    req = Request(at(2026, 3, 6, 15, 30), "portal", scope_norm_hours=32, escalated=True)
    targets = resolve_targets(CAL, NORMS, req)
    assert targets.response.due == at(2026, 3, 9, 8, 30)
    # 32 working hours = four working days: Fri 0.5 h + Mon..Wed 24 h + Thu 7.5 h.
    assert targets.fulfilment.due == at(2026, 3, 12, 15, 30)


def test_paused_time_pushes_every_due_date():
    base = Request(at(2026, 3, 2, 9), "portal", scope_norm_hours=8, escalated=True)
    paused = Request(
        at(2026, 3, 2, 9), "portal", scope_norm_hours=8, escalated=True, paused=timedelta(hours=3)
    )
    a, b = resolve_targets(CAL, NORMS, base), resolve_targets(CAL, NORMS, paused)
    assert CAL.elapsed(a.fulfilment.due, b.fulfilment.due) == timedelta(hours=3)
    assert CAL.elapsed(a.response.due, b.response.due) == timedelta(hours=3)


def test_same_request_in_march_2023_and_march_2024_gets_the_norms_then_in_force(db_session):
    v2023 = version_in_force(date(2023, 3, 15))
    v2024 = version_in_force(date(2024, 3, 15))
    assert (v2023.code, v2024.code) == ("2023.0", "2023.1")

    def due(version, received):
        # An email asking about Pengaduan kode etik, escalated (WBSM.01 scope 1).
        scope = db_session.scalar(
            select(CatalogScope)
            .join(CatalogService)
            .where(CatalogService.version_id == version.id, CatalogScope.code == "WBSM.01.01")
        )
        norms = load_norms(version)
        plain = Request(received, "email")
        escalated = Request(received, "email", scope_norm_hours=scope.norm_hours, escalated=True)
        return resolve_targets(CAL, norms, plain), resolve_targets(CAL, norms, escalated)

    # Wednesday 10:00 in both years.
    plain23, esc23 = due(v2023, at(2023, 3, 15, 10))
    plain24, esc24 = due(v2024, at(2024, 3, 13, 10))
    assert plain23.fulfilment.norm == timedelta(hours=1)  # 2023.0: email fulfilled in 1 hour
    assert plain24.fulfilment.norm == timedelta(hours=24)  # revision: 24 working hours
    assert esc23.fulfilment.norm == timedelta(hours=32)  # WBSM.01 32 h in 2023.0
    assert esc24.fulfilment.norm == timedelta(hours=24)  # 24 h in the revision
    assert plain23.fulfilment.due == at(2023, 3, 15, 11)
    assert plain24.fulfilment.due == at(2024, 3, 18, 10)
