"""The disaster help desk: filing, clarification, analysis, forwarding, recovery."""

from __future__ import annotations

import re

from sqlalchemy import select

from hai.disasters import services
from hai.disasters.models import ChecklistTemplate, DisasterReport, ReportStatus
from hai.mail.models import OutboxMessage
from hai.sla.models import CalendarException
from hai.tickets.models import Notification
from tests.disasters.conftest import report_data


def html(response) -> str:
    return response.get_data(as_text=True)


def report_form(template: ChecklistTemplate, office=None, **over) -> dict:
    data = {
        "reporter_name": "Fajar Koordinator",
        "reporter_position": "Koordinator Kelangsungan Bisnis",
        "reporter_phone": "0811",
        "reporter_is_employee": "y",
        "channel_code": "call_center",
        "event_type": "flood",
        "event_at": "2026-03-02T07:30",
        "location": "Jl. Malioboro, Yogyakarta",
        "description": "Banjir setinggi 50 cm di lantai dasar.",
        "template_id": str(template.id),
        **{f"check_{i.code}": "yes" for i in template.items},
        "note_power": "Genset menyala",
    }
    if office is not None:
        data["office_unit_id"] = str(office.id)
    data.update(over)
    return data


def test_coordinator_files_for_their_office_no_clarification(people, signed_in, db_session):
    template = services.current_template()
    bcm = signed_in(people["bcm"])
    page = html(bcm.get("/bencana/lapor"))
    assert 'value="Fajar Koordinator"' in page  # the coordinator's own data prefilled
    response = bcm.post("/bencana/lapor", report_form(template))
    assert response.status_code == 302
    report = db_session.scalar(select(DisasterReport))
    assert report.number.startswith("BCN-") and report.status is ReportStatus.RECEIVED
    assert report.reporter_is_coordinator and not report.clarification_required
    assert report.answer_for(template.items[2].id).note == "Genset menyala"


def test_someone_else_reports_clarification_before_forwarding(
    people, office, signed_in, db_session
):
    template = services.current_template()
    l1 = signed_in(people["l1"])
    response = l1.post(
        "/bencana/lapor",
        report_form(template, office, reporter_name="Satpam Kantor", reporter_is_employee=""),
    )
    assert response.status_code == 302
    report = db_session.scalar(select(DisasterReport))
    assert report.status is ReportStatus.CLARIFYING and report.clarification_required
    page = html(l1.get(f"/bencana/{report.id}"))
    assert "klarifikasi dengan koordinator (Fajar Koordinator)" in page

    def act(name, data):
        page = html(l1.get(f"/bencana/{report.id}"))
        rv = re.search(r'name="\w+-row_version" type="hidden" value="(\d+)"', page).group(1)
        return l1.post(
            f"/bencana/{report.id}/aksi/{name}",
            {f"{name}-{k}": v for k, v in data.items()} | {f"{name}-row_version": rv},
        )

    # Analysis and forwarding wait for the clarification.
    refused = act("analyse", {"functions": "payments", "severity": "high", "analysis": "x"})
    assert refused.status_code == 422 and "Klarifikasi dengan koordinator dahulu" in html(refused)
    assert (
        act(
            "clarify",
            {
                "with_whom": "Fajar Koordinator",
                "outcome": "Dibenarkan melalui telepon.",
                "confirmed": "y",
            },
        ).status_code
        == 302
    )
    db_session.refresh(report)
    assert report.status is ReportStatus.RECEIVED and report.clarified_with == "Fajar Koordinator"
    response = act(
        "analyse",
        {
            "functions": "payments",
            "services": "itsm.01.03",
            "severity": "high",
            "analysis": "Penerbitan SP2D terganggu; perlu kantor pengambil alih.",
        },
    )
    assert response.status_code == 302
    assert act("forward", {}).status_code == 302
    db_session.refresh(report)
    assert report.status is ReportStatus.FORWARDED and report.affected_services == ["ITSM.01.03"]
    # The disaster team's head is told in the app and by email, with the printable report.
    note = db_session.scalar(select(Notification).where(Notification.user_id == people["head"].id))
    assert report.number in note.text
    mail = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_addr == people["head"].email)
    )
    assert f"/bencana/{report.id}/cetak" in mail.body and "SP2D" in mail.body
    printable = html(l1.get(f"/bencana/{report.id}/cetak"))
    assert "Banjir setinggi 50 cm" in printable and "Penerbitan SP2D terganggu" in printable


def test_changing_the_checklist_later_does_not_change_a_filed_report(
    people, office, signed_in, db_session
):
    template = services.current_template()
    signed_in(people["bcm"]).post("/bencana/lapor", report_form(template))
    report = db_session.scalar(select(DisasterReport))
    admin = signed_in(people["admin"])
    response = admin.post(
        "/admin/bencana/daftar-periksa",
        {"items": "people_safe | Semua selamat\ngenerator | Genset tersedia", "note": "Ringkas"},
    )
    assert response.status_code == 302
    assert services.current_template().version == template.version + 1
    db_session.refresh(report)
    assert report.template_id == template.id and len(report.answers) == len(template.items)
    page = html(signed_in(people["l1"]).get(f"/bencana/{report.id}"))
    assert "Akses SPAN tersedia" in page and "Genset tersedia" not in page
    # A new report gets the new version.
    assert "Genset tersedia" in html(signed_in(people["bcm"]).get("/bencana/lapor"))


def test_a_validation_error_keeps_everything_typed(people, signed_in, db_session):
    template = services.current_template()
    bcm = signed_in(people["bcm"])
    data = report_form(template, location="", description="Air masuk ke ruang server.")
    data[f"check_{template.items[0].code}"] = "no"
    del data[f"check_{template.items[1].code}"]
    response = bcm.post("/bencana/lapor", data)
    page = html(response)
    assert response.status_code == 422
    assert "Lokasi wajib diisi." in page
    assert "Air masuk ke ruang server." in page and 'value="Genset menyala"' in page
    assert re.search(rf'name="check_{template.items[0].code}" value="no" checked', page)
    assert f'id="check_{template.items[1].code}-error"' in page
    assert db_session.scalar(select(DisasterReport)) is None


def test_recovery_status_by_the_team_and_office_closed_in_the_calendar(
    app, people, office, db_session
):
    from datetime import date

    from hai.db_types import utcnow

    with app.app_context():
        report = services.file_report(
            report_data(office, event_type="earthquake", description="Gempa."),
            actor=people["l1"],
            now=utcnow(),
        )
        assert report.status is ReportStatus.RECEIVED  # the name is the coordinator's
        services.analyse(
            report,
            functions=["payments", "receipts"],
            services=[],
            severity="critical",
            estimated_recovery_at=None,
            takeover_unit_id=None,
            analysis="Kantor tidak dapat digunakan.",
            actor=people["l1"],
            now=utcnow(),
        )
        services.forward(report, actor=people["l1"], now=utcnow())
        services.close_office(
            report, date(2026, 3, 2), date(2026, 3, 4), actor=people["l1"], now=utcnow()
        )
        import pytest

        from hai.errors import RuleError

        with pytest.raises(RuleError):
            services.update_status(report, "closed", "", actor=people["head"], now=utcnow())
        for status in ("in_recovery", "recovered", "closed"):
            services.update_status(report, status, "", actor=people["head"], now=utcnow())
        db_session.commit()
    assert report.status is ReportStatus.CLOSED
    exception = db_session.get(CalendarException, report.calendar_exception_id)
    assert exception.unit_id == office.id and exception.start_date == date(2026, 3, 2)


def test_analysis_names_only_catalog_codes(app, people, office, db_session):
    import pytest

    from hai.db_types import utcnow
    from hai.errors import RuleError

    with app.app_context():
        report = services.file_report(
            report_data(office, event_type="fire", location="Gudang arsip"),
            actor=people["l1"],
            now=utcnow(),
        )
        with pytest.raises(RuleError) as err:
            services.analyse(
                report,
                functions=["reporting"],
                services=["ITSM.01.03", "XYZ.99"],
                severity="low",
                estimated_recovery_at=None,
                takeover_unit_id=None,
                analysis="Arsip sebagian terbakar.",
                actor=people["l1"],
                now=utcnow(),
            )
        assert err.value.field == "services" and "XYZ.99" in err.value.message
        with pytest.raises(RuleError) as err:
            services.analyse(
                report,
                functions=["reporting"],
                services=["ITSM.01.03"],
                severity="low",
                estimated_recovery_at=None,
                takeover_unit_id=office.id,
                analysis="Arsip sebagian terbakar.",
                actor=people["l1"],
                now=utcnow(),
            )
        assert err.value.field == "takeover_unit_id"
