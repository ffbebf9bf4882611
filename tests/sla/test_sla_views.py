"""Calendar pages, exception editing (htmx), the SLA preview and the SLA parameter page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hai.audit.models import AuditEvent
from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.sla.models import CalendarException


@pytest.fixture
def admin(make_user, login_as):
    return login_as(make_user(Role.ADMIN))


@pytest.fixture
def agent(make_user, login_as):
    return login_as(make_user(Role.AGEN_L1))


def html(response) -> str:
    return response.get_data(as_text=True)


def test_month_page_names_holidays_and_counts_working_days(agent):
    page = html(agent.get("/calendar?year=2025&month=8"))
    assert "Agustus 2025" in page
    assert "Hari Kemerdekaan Republik Indonesia" in page
    assert "Cuti Bersama" in page  # 18 August 2025
    assert (
        "20 hari kerja" in page
    )  # 21 weekdays minus 18 August (cuti bersama); the 17th is a Sunday
    assert "Tambah pengecualian" not in page  # agents cannot edit


def test_month_navigation_with_htmx_returns_only_the_month(agent):
    response = agent.htmx_get("/calendar?year=2026&month=3")
    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "Maret 2026" in page and "Hari Suci Nyepi" in page


def test_bad_month_is_a_bad_request(agent):
    assert agent.get("/calendar?year=2026&month=13").status_code == 400
    assert agent.get("/calendar?year=abc").status_code == 400
    assert agent.get("/calendar?year=1990&month=1").status_code == 400


def test_year_page_lists_the_holidays(agent):
    page = html(agent.get("/calendar/year?year=2026"))
    assert "Kalender Kerja 2026" in page
    assert "Tahun Baru Masehi" in page
    assert "Cuti Bersama Hari Raya Natal" in page
    assert page.count("mini-month") == 12


def test_admin_adds_a_day_off_with_htmx_and_it_is_audited(admin, db_session):
    admin.get("/calendar?year=2026&month=3")
    response = admin.post(
        "/calendar/exceptions?year=2026&month=3",
        {
            "start_date": "2026-03-10",
            "end_date": "",
            "kind": "day_off",
            "reason": "Kantor tutup: banjir",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code in (200, 302)
    row = db_session.scalar(
        select(CalendarException).where(CalendarException.reason == "Kantor tutup: banjir")
    )
    assert row is not None and row.end_date == row.start_date
    page = html(admin.get("/calendar?year=2026&month=3"))
    assert "Kantor tutup: banjir" in page
    actions = [e.action for e in db_session.scalars(select(AuditEvent))]
    assert "calendar.exception_added" in actions
    assert "sla.due_dates_recomputed" in actions


def test_bad_exception_is_shown_beside_the_field(admin, db_session):
    admin.get("/calendar?year=2026&month=3")
    response = admin.post(
        "/calendar/exceptions?year=2026&month=3",
        {
            "start_date": "2026-03-10",
            "kind": "hours",
            "opens": "15:00",
            "closes": "08:00",
            "reason": "Ramadan",
        },
    )
    assert response.status_code == 422
    page = html(response)
    assert "Jam tutup harus setelah jam buka." in page
    missing_reason = admin.post(
        "/calendar/exceptions?year=2026&month=3",
        {"start_date": "2026-03-10", "kind": "day_off", "reason": ""},
    )
    assert missing_reason.status_code == 422
    assert "Alasan wajib diisi." in html(missing_reason)
    bad_date = admin.post(
        "/calendar/exceptions?year=2026&month=3",
        {"start_date": "10/03/2026", "kind": "day_off", "reason": "x"},
    )
    assert bad_date.status_code == 422
    assert "Tanggal tidak valid" in html(bad_date)
    assert db_session.scalar(select(CalendarException)) is None


def test_admin_removes_an_exception(admin, db_session):
    admin.get("/calendar?year=2026&month=3")
    admin.post(
        "/calendar/exceptions?year=2026&month=3",
        {"start_date": "2026-03-10", "kind": "day_off", "reason": "Sementara"},
    )
    row = db_session.scalar(select(CalendarException))
    response = admin.post(f"/calendar/exceptions/{row.id}/remove")
    assert response.status_code == 302
    db_session.refresh(row)
    assert row.removed_at is not None
    page = html(admin.get("/calendar?year=2026&month=3"))
    assert "dihapus" in page  # kept in the history


def test_preview_default_form(agent):
    page = html(agent.get("/sla/preview"))
    assert "Pratinjau SLA" in page
    assert "2023.1" in page


def _scope_value(db_session, code: str, version_code: str = "2023.1") -> str:
    scope = db_session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .join(CatalogVersion)
        .where(CatalogVersion.code == version_code, CatalogScope.code == code)
    )
    return f"scope:{scope.id}"


def _version_id(db_session, code: str) -> int:
    return db_session.scalar(select(CatalogVersion.id).where(CatalogVersion.code == code))


def test_preview_friday_afternoon_portal_request(agent, db_session):
    response = agent.htmx_get(
        "/sla/preview?"
        f"version={_version_id(db_session, '2023.1')}&channel=portal&received_at=2026-03-06T15:30"
        f"&scope={_scope_value(db_session, 'ITSM.01.04.01.a')}"
    )
    page = html(response)
    assert response.status_code == 200 and "<html" not in page
    # Response due Monday 9 March 08:30; fulfilment 24 working hours → Thursday 12 March 07:30+…
    assert "9 Maret 2026 08.30 WIB" in page
    assert "pemenuhan normal kanal" in page
    assert "Sabtu" in page and "Minggu" in page  # the skipped days are explained


def test_preview_escalated_with_priority_from_impact_and_urgency(agent, db_session):
    page = html(
        agent.get(
            "/sla/preview?"
            f"version={_version_id(db_session, '2023.1')}&channel=email&received_at=2026-03-02T09:00"
            f"&scope={_scope_value(db_session, 'ITSM.01.04.01.a')}&escalated=y&impact=high&urgency=medium"
        )
    )
    assert "P2" in page
    assert "prioritas yang ditetapkan agen" in page
    assert "4 Maret 2026 09.00 WIB" in page  # 16 working hours from Monday 09:00: 7 + 8 + 1


def test_preview_warns_when_the_version_was_not_in_force(agent, db_session):
    page = html(
        agent.get(
            f"/sla/preview?version={_version_id(db_session, '2023.1')}&channel=email"
            "&received_at=2023-03-15T10:00"
        )
    )
    assert "yang berlaku adalah versi 2023.0" in page


def test_preview_errors_are_reported(agent, db_session):
    vid = _version_id(db_session, "2023.1")
    page = html(agent.get(f"/sla/preview?version={vid}&channel=email&received_at=&paused_hours=x"))
    assert "Wajib diisi." in page
    page = html(
        agent.get(
            f"/sla/preview?version={vid}&channel=email&received_at=2026-03-02T09:00&paused_hours=abc"
        )
    )
    assert "Tulis jam kerja" in page
    other = _scope_value(db_session, "BCSM.02.01", "2023.0")
    page = html(
        agent.get(
            f"/sla/preview?version={vid}&channel=email&received_at=2026-03-02T09:00&scope={other}"
        )
    )
    assert "Pilihan tidak valid." in page or "tidak ada pada versi ini" in page


def test_sla_parameters_page_read_only_for_active_versions(agent, db_session):
    vid = _version_id(db_session, "2023.1")
    page = html(agent.get(f"/catalog/versions/{vid}/sla"))
    assert "Matriks prioritas" in page
    assert "disabled" in page
    assert agent.post(f"/catalog/versions/{vid}/sla", {}).status_code == 403


def test_admin_edits_sla_parameters_of_a_draft(admin, db_session):
    vid = _version_id(db_session, "2023.1")
    admin.get(f"/catalog/versions/{vid}")
    admin.post(f"/catalog/versions/{vid}/draft", {"code": "2027.0", "title": "Draf SLA"})
    draft_id = _version_id(db_session, "2027.0")
    page = html(admin.get(f"/catalog/versions/{draft_id}/sla"))
    values = dict(re.findall(r'name="([a-z_0-9PA-Z]+)" type="number" value="(\d*)"', page))
    data = {k: v for k, v in values.items()}
    data.update(
        {
            f"matrix_{i}_{u}": p
            for (i, u), p in {
                ("high", "high"): "P1",
                ("medium", "high"): "P2",
                ("low", "high"): "P4",
                ("high", "medium"): "P2",
                ("medium", "medium"): "P3",
                ("low", "medium"): "P5",
                ("high", "low"): "P4",
                ("medium", "low"): "P5",
                ("low", "low"): "P6",
            }.items()
        }
    )
    data["priority_P1"] = "4"
    data["matrix_low_low"] = "P5"
    response = admin.post(f"/catalog/versions/{draft_id}/sla", data)
    assert response.status_code == 302, html(response)[:2000]
    from hai.sla.norms import load_norms

    norms = load_norms(db_session.get(CatalogVersion, draft_id))
    assert norms.priority_hours["P1"] == 4
    assert norms.matrix[("low", "low")] == "P5"
    actions = [e.action for e in db_session.scalars(select(AuditEvent))]
    assert "sla.priority_updated" in actions and "sla.matrix_updated" in actions
    bad = dict(data, priority_P2="-3")
    assert admin.post(f"/catalog/versions/{draft_id}/sla", bad).status_code == 422
