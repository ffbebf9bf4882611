"""Monthly, quarterly and problem reports: period boundaries in WIB, the scheduler's
drafts, exact figures from a hand-built month, the XLSX holding the page's numbers, the
PDF, delivery on time, the frozen snapshot, and who sees what."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from hai.qa.metrics import Period
from hai.reports import figures, services
from hai.reports.models import Report, ReportKind, ReportStatus
from hai.tickets.models import Notification, TicketStatus
from hai.web.timefmt import WIB
from tests.qa.conftest import wib

JANUARY = Period.month(2026, 1)
NOW = datetime(2026, 2, 3, 9, tzinfo=WIB)  # after January, before the 10th of February


@pytest.fixture
def january(db_session, people, make_ticket):
    """Three tickets received in January 2026 (WIB) and one just after it."""
    a, b = people["l1"], people["other"]
    t = {}
    # Andi's calls: on time on both (rated 5), late on both (rated 2, reopened once).
    t[1] = make_ticket(
        wib(2026, 1, 5, 9), "call_center", a,
        response_due_at=wib(2026, 1, 5, 10), first_response_at=wib(2026, 1, 5, 9, 30),
        fulfilment_due_at=wib(2026, 1, 6, 9), answered_at=wib(2026, 1, 5, 15),
        answered_by_id=a.id, rating=5, status=TicketStatus.CLOSED,
    )  # fmt: skip
    t[2] = make_ticket(
        wib(2026, 1, 6, 10), "call_center", a,
        response_due_at=wib(2026, 1, 6, 11), first_response_at=wib(2026, 1, 6, 12),
        fulfilment_due_at=wib(2026, 1, 7, 10), answered_at=wib(2026, 1, 8, 10),
        answered_by_id=a.id, rating=2, reopen_count=1,
    )  # fmt: skip
    # Bayu's email at 23:30 WIB on 31 January (16:30 UTC): January.
    t[3] = make_ticket(
        wib(2026, 1, 31, 23, 30), "email", b,
        response_due_at=wib(2026, 2, 2, 9), first_response_at=wib(2026, 2, 2, 8),
    )  # fmt: skip
    # 00:30 WIB on 1 February is still January in UTC: it belongs to February.
    t[4] = make_ticket(wib(2026, 2, 1, 0, 30), "call_center", a, rating=1)
    return t


def agent_row(data: dict, name: str) -> dict:
    return next(a for a in data["agents"] if a["name"] == name)


# --- periods ---------------------------------------------------------------------------------


def test_periods_and_due_dates_in_wib():
    assert services.last_month(date(2026, 12, 1)) == Period.month(2026, 11)
    assert services.last_month(date(2026, 1, 31)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert services.last_quarter(date(2026, 1, 5)) == Period.quarter(2025, 4)
    assert services.last_quarter(date(2026, 6, 30)) == Period.quarter(2026, 1)
    assert services.last_quarter(date(2026, 7, 1)) == Period.quarter(2026, 2)
    # Pasal 30(2): by the 10th of the following month.
    assert services.due_on(Period.quarter(2025, 4)) == date(2026, 1, 10)
    assert services.due_on(Period.month(2026, 2)) == date(2026, 3, 10)
    assert Period.quarter(2026, 1).starts_at == datetime(2026, 1, 1, tzinfo=WIB)
    assert Period.quarter(2026, 1).ends_at == datetime(2026, 4, 1, tzinfo=WIB)


def test_a_period_that_has_not_ended_is_refused(db_session):
    with pytest.raises(services.ReportError, match="belum berakhir"):
        services.draft_periodic(
            ReportKind.MONTHLY, Period.month(2026, 2), now=datetime(2026, 2, 28, 23, tzinfo=WIB)
        )
    with pytest.raises(services.ReportError, match="satu bulan"):
        services.draft_periodic(
            ReportKind.MONTHLY, Period(date(2026, 1, 1), date(2026, 1, 30)), now=NOW
        )


# --- figures ---------------------------------------------------------------------------------


def test_monthly_figures_exact(app, january, people):
    with app.app_context():
        data = figures.monthly(JANUARY, now=NOW)
    assert data["total"] == {
        "label": "Semua",
        "tickets": 3,
        # Bayu's email was answered on 2 February, after the month's end (the ``as_of``
        # of the dashboard's definitions) and not yet due then: not counted.
        "response_measured": 2,
        "response_on_time": 1,
        "fulfilment_measured": 2,
        "fulfilment_on_time": 1,
    }
    andi = agent_row(data, "Andi L1")
    assert andi["tickets_handled"] == 2
    assert andi["response_on_time_pct"] == 50.0
    assert andi["fulfilment_on_time_pct"] == 50.0
    assert andi["reopen_rate_pct"] == 50.0
    assert andi["average_rating"] == 3.5
    assert andi["calls"] == 2
    bayu = agent_row(data, "Bayu L1")
    assert bayu["tickets_handled"] == 1 and bayu["calls"] == 0
    assert bayu["response_on_time_pct"] is None
    assert agent_row(data, "Budi L2")["tickets_handled"] == 0  # every evaluated agent listed
    assert data["channels"] == [["Call Center", 2], ["Surat elektronik (e-mail)", 1]]
    assert [n for _, n in data["ratings"]] == [1, 0, 0, 1, 0]  # 5 down to 1


def test_quarterly_figures(app, january, people, db_session):
    with app.app_context():
        data = figures.quarterly(Period.quarter(2026, 1), now=datetime(2026, 4, 2, tzinfo=WIB))
    assert data["total"]["tickets"] == 4
    assert [m["label"] for m in data["months"]] == ["Januari 2026", "Februari 2026", "Maret 2026"]
    assert [m["tickets"] for m in data["months"]] == [3, 1, 0]
    channels = {c["label"]: c["tickets"] for c in data["sla"]["channel"]}
    assert sorted(channels.values()) == [1, 3]
    tables = {t.key: t for t in figures.quarterly_tables(data)}
    summary = dict((r[0], r[1]) for r in tables["angka-utama"].rows)
    assert summary["Tiket diterima"] == 4
    # By 2 April every response is in: 2 of the 3 due ones on time (the 4th has no due).
    assert summary["Tanggapan pertama tepat waktu (%)"] == round(100 * 2 / 3, 2)
    assert [r[1] for r in tables["bulan"].rows] == [3, 1, 0]


# --- the scheduler's drafts ---------------------------------------------------------------------


def test_scheduler_drafts_on_the_first_and_tells_the_reviewers(app, db_session, people):
    first = datetime(2026, 1, 1, 6, tzinfo=WIB)
    with app.app_context():
        assert services.draft_due_reports(first) == 2
        assert services.draft_due_reports(first + timedelta(hours=1)) == 0  # idempotent
    reports = {r.kind: r for r in db_session.scalars(select(Report))}
    monthly, quarterly = reports[ReportKind.MONTHLY], reports[ReportKind.QUARTERLY]
    assert (monthly.period_start, monthly.period_end) == (date(2025, 12, 1), date(2025, 12, 31))
    assert (quarterly.period_start, quarterly.period_end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert monthly.due_on == quarterly.due_on == date(2026, 1, 10)
    assert quarterly.title == "Laporan kinerja triwulanan Triwulan 4 2025"

    def told(user):
        return [
            n.text
            for n in db_session.scalars(select(Notification).where(Notification.user_id == user.id))
        ]

    assert any("bulanan" in t for t in told(people["qa"]))
    assert any("triwulanan" in t for t in told(people["manajer"]))
    assert not told(people["l1"])


def test_scheduler_job_is_registered():
    from hai.scheduler import jobs

    job = next(j for j in jobs() if j.id == "reports.draft_due")
    assert job.trigger == "cron" and job.trigger_args == {"hour": 6, "minute": 0}


# --- the page, the XLSX and the PDF ------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every report table of the page: its body rows as cell texts."""
    rv = {}
    for key, body in re.findall(r'data-table="([^"]+)".*?<tbody>(.*?)</tbody>', html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        rv[key] = [
            [_TAG.sub("", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows
        ]
    return rv


def as_number(text: str):
    """Back from the Indonesian page text: 1.234 · 87,50% · 3,50 · —."""
    if text in ("—", ""):
        return None
    text = text.rstrip("%").replace(".", "").replace(",", ".")
    return float(text)


def draft_january(browser) -> str:
    browser.get("/laporan")
    response = browser.post("/laporan/susun", {"period": "monthly:2026-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_xlsx_holds_the_same_numbers_as_the_page_and_the_pdf_renders(
    january, people, signed_in, db_session
):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    browser = signed_in(people["qa"])
    url = draft_january(browser)
    html = browser.get(url).get_data(as_text=True)
    page = page_tables(html)
    assert set(page) == {"angka-utama", "agen", "kanal"}
    assert "Andi L1" in html and "50,00%" in html

    response = browser.get(url + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    report = db_session.scalar(select(Report).where(Report.kind == ReportKind.MONTHLY))
    for table in figures.tables(report):
        sheet = book[table.title[:31]]
        xlsx_rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(xlsx_rows) == len(page[table.key]) == len(table.rows)
        for xlsx_row, page_row in zip(xlsx_rows, page[table.key], strict=True):
            for (label, kind), value, text in zip(table.columns, xlsx_row, page_row, strict=True):
                if kind == figures.TEXT:
                    assert (value or "") == text, label
                else:
                    expected = as_number(text)
                    assert (value is None) == (expected is None), label
                    if value is not None:
                        assert round(float(value), 2) == expected, label
    andi = next(
        r for r in book["Kinerja per agen"].iter_rows(values_only=True) if r[0] == "Andi L1"
    )
    assert andi[3] == 2 and andi[4] == 50.0 and andi[7] == 3.5

    pdf = browser.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Laporan kinerja bulanan QA Januari 2026" in text
    assert "Andi L1" in text and "50,00%" in text


def test_delivery_on_time_is_shown_to_the_koordinator_and_the_report_freezes(
    app, january, people, signed_in, db_session, make_ticket
):
    qa = signed_in(people["qa"])
    url = draft_january(qa)
    detail = qa.get(url).get_data(as_text=True)
    version = re.search(r'name="row_version"[^>]*value="(\d+)"', detail).group(1)
    saved = qa.post(
        url, {"row_version": version, "summary": "Kinerja baik.", "recommendations": "Pelatihan."}
    )
    assert saved.status_code == 302
    stale = qa.post(url + "/sampaikan", {"row_version": version})
    assert stale.status_code == 409  # the save made a new version
    detail = qa.get(url).get_data(as_text=True)
    version = re.search(r'name="row_version"[^>]*value="(\d+)"', detail).group(1)
    assert qa.post(url + "/sampaikan", {"row_version": version}).status_code == 302

    report = db_session.scalar(select(Report).where(Report.kind == ReportKind.MONTHLY))
    assert report.status is ReportStatus.DELIVERED
    assert report.on_time(date(2026, 12, 1)) is False  # delivered now, after 10 Feb 2026
    told = db_session.scalars(
        select(Notification.text).where(Notification.user_id == people["koordinator"].id)
    ).all()
    assert told == ["Laporan kinerja bulanan QA Januari 2026 telah disampaikan (terlambat)."]

    koordinator = signed_in(people["koordinator"])
    listing = koordinator.get("/laporan").get_data(as_text=True)
    assert "terlambat" in listing and "Januari 2026" in listing
    page = koordinator.get(url).get_data(as_text=True)
    assert "Kinerja baik." in page and "Sampaikan kepada" not in page

    # Delivered: nothing changes it, and new tickets of January do not alter its figures.
    make_ticket(wib(2026, 1, 20, 9), "call_center", people["l1"])
    assert (
        qa.post(url + "/hitung-ulang", {"row_version": str(report.row_version)}).status_code == 403
    )
    assert qa.post(url, {"row_version": str(report.row_version), "summary": "x"}).status_code == 403
    assert page_tables(qa.get(url).get_data(as_text=True))["angka-utama"][0] == [
        "Tiket diterima",
        "3",
    ]


def test_on_time_rule():
    report = Report(due_on=date(2026, 1, 10), status=ReportStatus.DRAFT)
    assert report.on_time(date(2026, 1, 10)) is None
    assert report.on_time(date(2026, 1, 11)) is False
    report.delivered_at = datetime(2026, 1, 10, 16, 59)  # 23:59 WIB on the 10th
    assert report.on_time(date(2026, 2, 1)) is True
    report.delivered_at = datetime(2026, 1, 10, 17, 0)  # 00:00 WIB on the 11th
    assert report.on_time(date(2026, 2, 1)) is False


def test_recompute_updates_a_draft(app, january, people, signed_in, db_session, make_ticket):
    qa = signed_in(people["qa"])
    url = draft_january(qa)
    make_ticket(wib(2026, 1, 20, 9), "call_center", people["l1"])
    report = db_session.scalar(select(Report).where(Report.kind == ReportKind.MONTHLY))
    assert report.data["total"]["tickets"] == 3
    assert (
        qa.post(url + "/hitung-ulang", {"row_version": str(report.row_version)}).status_code == 302
    )
    db_session.refresh(report)
    assert report.data["total"]["tickets"] == 4
    # Drafting the same month again opens the existing report.
    qa.get("/laporan")
    again = qa.post("/laporan/susun", {"period": "monthly:2026-01"})
    assert again.headers["Location"] == url
    bad = qa.post("/laporan/susun", {"period": "monthly:2099-01"})
    assert bad.status_code == 422 and "Pilihan tidak valid" in bad.get_data(as_text=True)


# --- problem reports ------------------------------------------------------------------------


def test_problem_report_to_the_kepala_seksi(january, people, signed_in, db_session, make_user):
    from hai.auth.roles import Role

    kasi = make_user(Role.KEPALA_SEKSI, name="Kasi Layanan")
    agent = signed_in(people["l1"])
    agent.get("/laporan/permasalahan/baru")
    unknown = agent.post(
        "/laporan/permasalahan/baru",
        {"title": "Pertanyaan SP2D berulang", "ticket_numbers": "HAI-NOPE-1"},
    )
    assert unknown.status_code == 422
    assert "Tiket tidak ditemukan: HAI-NOPE-1." in unknown.get_data(as_text=True)
    assert db_session.scalar(select(Report).where(Report.kind == ReportKind.PROBLEM)) is None

    created = agent.post(
        "/laporan/permasalahan/baru",
        {"title": "Pertanyaan SP2D berulang", "problems": "Banyak pengguna bertanya.",
         "ticket_numbers": january[1].number},
    )  # fmt: skip
    assert created.status_code == 302
    url = created.headers["Location"]
    report = db_session.scalar(select(Report).where(Report.kind == ReportKind.PROBLEM))
    assert report.ticket_numbers == [january[1].number]

    # Incomplete: the missing part is named beside its field, nothing is delivered.
    version = str(report.row_version)
    refused = agent.post(url + "/sampaikan", {"row_version": version})
    assert refused.status_code == 422
    assert "Isi peraturan terkait atau analisa permasalahan." in refused.get_data(as_text=True)
    db_session.refresh(report)
    assert report.status is ReportStatus.DRAFT

    # Another agent and the Kepala Seksi do not see a draft.
    assert signed_in(people["other"]).get(url).status_code == 404
    kasi_browser = signed_in(kasi)
    assert kasi_browser.get(url).status_code == 404

    assert agent.post(
        url,
        {"row_version": version, "title": report.title, "problems": report.problems,
         "regulation": "PER-8/PB/2023 Pasal 25", "recommendations": "Buat artikel HAIPEDIA."},
    ).status_code == 302  # fmt: skip
    db_session.refresh(report)
    assert (
        agent.post(url + "/sampaikan", {"row_version": str(report.row_version)}).status_code == 302
    )
    db_session.refresh(report)
    assert report.status is ReportStatus.DELIVERED
    assert db_session.scalar(
        select(Notification).where(Notification.user_id == kasi.id)
    ).text.startswith("Pertanyaan SP2D berulang telah disampaikan")

    page = kasi_browser.get(url).get_data(as_text=True)
    assert "PER-8/PB/2023 Pasal 25" in page and "Tanggapan Kepala Seksi" in page
    empty = kasi_browser.post(url + "/tanggapan", {"row_version": str(report.row_version)})
    assert empty.status_code == 422 and "Wajib diisi." in empty.get_data(as_text=True)
    answered = kasi_browser.post(
        url + "/tanggapan",
        {"row_version": str(report.row_version), "response": "Setuju, susun artikelnya."},
    )
    assert answered.status_code == 302
    db_session.refresh(report)
    assert report.status is ReportStatus.ANSWERED
    assert db_session.scalar(
        select(Notification).where(Notification.user_id == people["l1"].id)
    ).text.startswith("Kepala Seksi menanggapi")
    assert "Setuju, susun artikelnya." in agent.get(url).get_data(as_text=True)
    # The Koordinator sees delivered problem reports in the reports list.
    assert "Pertanyaan SP2D berulang" in signed_in(people["koordinator"]).get("/laporan").get_data(
        as_text=True
    )


def test_agents_do_not_see_periodic_reports(january, people, signed_in):
    qa = signed_in(people["qa"])
    url = draft_january(qa)
    agent = signed_in(people["l1"])
    assert agent.get("/laporan").status_code == 403
    assert agent.get(url).status_code == 404
    assert agent.get(url + ".xlsx").status_code == 404
    assert agent.get(url + ".pdf").status_code == 404


def test_user_text_is_escaped_and_safe_in_the_xlsx(january, people, signed_in, db_session):
    from openpyxl import load_workbook

    qa = signed_in(people["qa"])
    url = draft_january(qa)
    report = db_session.scalar(select(Report).where(Report.kind == ReportKind.MONTHLY))
    payload = '=HYPERLINK("http://x")<script>alert(1)</script>'
    assert (
        qa.post(url, {"row_version": str(report.row_version), "summary": payload}).status_code
        == 302
    )
    html = qa.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    book = load_workbook(io.BytesIO(qa.get(url + ".xlsx").data))
    values = [c for row in book["Laporan"].iter_rows(values_only=True) for c in row if c]
    assert "'" + payload in values
