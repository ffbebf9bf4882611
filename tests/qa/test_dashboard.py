"""The dashboard's aggregations against a hand-built week of tickets (exact numbers),
the WIB day of an instant in SQL, access, and the page with its numbers in tables."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hai.catalog.models import CatalogService
from hai.db_types import utcnow
from hai.org.models import OrgUnit, UnitKind
from hai.qa import dashboard
from hai.qa.metrics import Period
from hai.tickets.models import BreachKind, SlaBreach, TicketStatus
from tests.qa.conftest import wib

WEEK = Period(date(2026, 2, 2), date(2026, 2, 6))  # Monday to Friday
AS_OF = WEEK.ends_at


@pytest.fixture
def week(db_session, people, make_ticket, directorate):
    a, b = people["l1"], people["other"]
    service = db_session.scalar(select(CatalogService).order_by(CatalogService.id).limit(1))
    office = db_session.scalar(
        select(OrgUnit).where(OrgUnit.kind != UnitKind.DIREKTORAT).order_by(OrgUnit.id).limit(1)
    )
    t = {}
    # Calls by A of one service: on time on both (closed, rated 5), late on both (rated 2).
    t[1] = make_ticket(
        wib(2026, 2, 2, 9), "call_center", a, service_id=service.id, team_unit_id=directorate.id,
        response_due_at=wib(2026, 2, 2, 10), first_response_at=wib(2026, 2, 2, 9, 30),
        fulfilment_due_at=wib(2026, 2, 3, 9), answered_at=wib(2026, 2, 2, 15),
        answered_by_id=a.id, rating=5, status=TicketStatus.CLOSED,
    )  # fmt: skip
    t[2] = make_ticket(
        wib(2026, 2, 3, 10), "call_center", a, service_id=service.id,
        response_due_at=wib(2026, 2, 3, 11), first_response_at=wib(2026, 2, 3, 12),
        fulfilment_due_at=wib(2026, 2, 4, 10), answered_at=wib(2026, 2, 5, 10),
        answered_by_id=a.id, rating=2,
    )  # fmt: skip
    # An email by B for the directorate: responded on time, never answered, already due.
    t[3] = make_ticket(
        wib(2026, 2, 4, 9), "email", b, team_unit_id=directorate.id,
        response_due_at=wib(2026, 2, 4, 10), first_response_at=wib(2026, 2, 4, 9, 45),
        fulfilment_due_at=wib(2026, 2, 6, 9),
    )  # fmt: skip
    # 06:30 WIB on Thursday is Wednesday in UTC: it counts on Thursday. No due dates.
    t[5] = make_ticket(wib(2026, 2, 5, 6, 30), "email", b)
    # A WhatsApp at 23:30 WIB on Friday at an office: nothing due yet, rated 4.
    t[4] = make_ticket(
        wib(2026, 2, 6, 23, 30), "whatsapp", b, office_unit_id=office.id,
        response_due_at=wib(2026, 2, 9, 8, 30), fulfilment_due_at=wib(2026, 2, 10, 8), rating=4,
    )  # fmt: skip
    # Outside the week (still open: in the backlog).
    make_ticket(wib(2026, 2, 7, 0, 30), "call_center", a, rating=1)
    make_ticket(wib(2026, 2, 1, 23, 59), "call_center", a)
    for ticket, kind, detected in [
        (t[2], BreachKind.RESPONSE, wib(2026, 2, 3, 11, 5)),
        (t[2], BreachKind.FULFILMENT, wib(2026, 2, 4, 10, 5)),
        (t[3], BreachKind.FULFILMENT, wib(2026, 2, 6, 9, 5)),
        (t[4], BreachKind.RESPONSE_AT_RISK, wib(2026, 2, 9, 8)),  # after the week
    ]:
        db_session.add(
            SlaBreach(ticket_id=ticket.id, kind=kind, due_at=detected, detected_at=detected)
        )
    db_session.flush()
    return {"t": t, "service": service, "office": office}


def test_volume_per_day_and_channel_in_wib(week):
    v = dashboard.volume(WEEK, by="channel", grain="day")
    assert [(k.key, k.count) for k in v.keys] == [("call_center", 2), ("email", 2), ("whatsapp", 1)]
    assert v.buckets == [date(2026, 2, d) for d in range(2, 7)]
    assert v.totals == [1, 1, 1, 1, 1]
    assert v.cells[(date(2026, 2, 5), "email")] == 1  # 06:30 WIB, 23:30 UTC the day before
    assert v.cells[(date(2026, 2, 6), "whatsapp")] == 1  # 23:30 WIB
    assert v.total == 5


def test_volume_per_week_and_service(week):
    v = dashboard.volume(WEEK, by="service", grain="week")
    assert v.buckets == [date(2026, 2, 2)]
    by_key = {k.key: k.count for k in v.keys}
    assert by_key == {str(week["service"].id): 2, "": 3}
    assert v.totals == [5]
    month = dashboard.volume(Period.month(2026, 2), grain="week")
    assert month.buckets[0] == date(2026, 1, 26)  # the Monday of the week of 1 February
    assert sum(month.totals) == 7


def test_volume_narrowed_to_a_unit(week, directorate):
    v = dashboard.volume(WEEK, by="channel", unit_id=directorate.id)
    assert [(k.key, k.count) for k in v.keys] == [("call_center", 1), ("email", 1)]


def test_sla_compliance_by_channel_service_directorate_office(week, directorate):
    total = dashboard.sla_total(WEEK, as_of=AS_OF)
    assert (total.tickets, total.response_measured, total.response_on_time) == (5, 3, 2)
    assert (total.fulfilment_measured, total.fulfilment_on_time) == (3, 1)
    assert (total.response_pct, total.fulfilment_pct) == (66.67, 33.33)

    by_channel = {c.key: c for c in dashboard.sla_compliance(WEEK, by="channel", as_of=AS_OF)}
    cc, email, wa = by_channel["call_center"], by_channel["email"], by_channel["whatsapp"]
    assert (cc.response_on_time, cc.response_measured, cc.response_pct) == (1, 2, 50.0)
    assert (cc.fulfilment_on_time, cc.fulfilment_measured) == (1, 2)
    assert (email.response_pct, email.fulfilment_pct, email.tickets) == (100.0, 0.0, 2)
    assert (wa.response_pct, wa.fulfilment_pct) == (None, None)  # nothing due yet

    (svc,) = dashboard.sla_compliance(WEEK, by="service", as_of=AS_OF)
    assert (svc.key, svc.tickets, svc.response_pct) == (str(week["service"].id), 2, 50.0)
    (team,) = dashboard.sla_compliance(WEEK, by="team", as_of=AS_OF)
    assert (team.key, team.label) == (str(directorate.id), directorate.name)
    assert (team.response_pct, team.fulfilment_pct) == (100.0, 50.0)
    (office,) = dashboard.sla_compliance(WEEK, by="office", as_of=AS_OF)
    assert (office.tickets, office.response_measured) == (1, 0)

    # Earlier, t2's late answer and t3's due fulfilment are not yet measured.
    early = dashboard.sla_total(WEEK, as_of=wib(2026, 2, 4, 9, 50))
    assert (early.response_measured, early.response_on_time) == (3, 2)
    assert (early.fulfilment_measured, early.fulfilment_on_time) == (1, 1)


def test_backlog_breaches_ratings(week):
    backlog = dashboard.backlog_age(wib(2026, 2, 10, 12))
    assert [c.count for c in backlog] == [0, 0, 4, 2, 0, 0]
    assert sum(c.count for c in backlog) == 6  # seven tickets, one closed
    breaches = {c.key: c.count for c in dashboard.breaches(WEEK)}
    assert breaches == {
        "response_at_risk": 0,
        "response": 1,
        "fulfilment_at_risk": 0,
        "fulfilment": 2,
        "ola": 0,
    }
    ratings = dashboard.ratings(WEEK)
    assert [(c.key, c.count) for c in ratings.counts] == [
        ("5", 1), ("4", 1), ("3", 0), ("2", 1), ("1", 0)
    ]  # fmt: skip
    assert (ratings.total, ratings.average) == (3, 3.67)


def test_league_table(week, people):
    rows = dashboard.league(WEEK, as_of=AS_OF)
    assert [(r.name, r.m.tickets_handled) for r in rows] == [("Bayu L1", 3), ("Andi L1", 2)]
    andi = rows[1].m
    assert (andi.response_on_time_pct, andi.fulfilment_on_time_pct) == (50.0, 50.0)
    assert andi.average_rating == 3.5


def test_only_qa_managers_and_coordinators_see_the_dashboard(people, signed_in):
    assert signed_in(people["l1"]).get("/qa/dasbor").status_code == 403
    assert signed_in(people["l2"]).get("/qa/dasbor").status_code == 403
    for who in ("qa", "manajer", "koordinator"):
        assert signed_in(people[who]).get("/qa/dasbor").status_code == 200


def test_page_shows_charts_numbers_and_drill_down_links(week, people, signed_in):
    browser = signed_in(people["qa"])
    page = browser.get("/qa/dasbor?dari=2026-02-02&sampai=2026-02-06&per=day")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") >= 10
    # The page counts as of now: t4 (WhatsApp, due 9 and 10 February, nothing done) is
    # late now, while as of the week's end it was not yet due (66,67% and 33,33%).
    assert "50,00%" in html and "25,00%" in html  # the totals
    assert "3,67" in html or "3.67" in html  # average rating
    assert "<td>1 / 2</td><td>50,00%</td>" in html  # calls: responses on time
    assert "Bayu L1" in html and "Andi L1" in html
    assert (
        "/tickets?queue=all&amp;from=2026-02-02&amp;to=2026-02-06&amp;channel=call_center" in html
    )
    assert f"service={week['service'].code}" in html
    # The link opens the queue with those filters.
    link = "/tickets?queue=all&from=2026-02-02&to=2026-02-06&channel=call_center"
    assert browser.get(link).status_code == 200

    month = browser.get("/qa/dasbor?bulan=2026-02")
    assert month.status_code == 200 and "Februari 2026" in month.get_data(as_text=True)
    bad = browser.get("/qa/dasbor?dari=2026-02-06&sampai=2026-02-01")
    assert "Tanggal akhir sebelum tanggal awal." in bad.get_data(as_text=True)
    assert browser.get("/qa/dasbor?bulan=xx").status_code == 200


# --- drill-down: each panel's link lists as many tickets as the panel counts ----------------

ROW_LINK = re.compile(
    r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td>([\d.]+)</td>', re.S
)


def panel_links(page: str, section: str) -> list[tuple[str, str, int]]:
    """(link, label, number shown) of each row of a panel's table."""
    body = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return [
        (html.unescape(link), html.unescape(label), int(n.replace(".", "")))
        for link, label, n in ROW_LINK.findall(body)
    ]


def listed(browser, link: str) -> int:
    """How many tickets the queue lists for a link (its count, and the rows shown)."""
    page = browser.get(link).get_data(as_text=True)
    count = int(re.search(r'role="status">([\d.]+) tiket', page).group(1).replace(".", ""))
    rows = len(set(re.findall(r'href="/tickets/(\d+)"', page)))
    assert count == rows, link  # fewer than a page: every ticket is on it
    return count


@pytest.fixture
def backlog_tickets(week, people, make_ticket):
    """Open tickets of every age around now (the backlog is today's), one closed."""
    now = utcnow()
    a = people["l1"]
    for hours in (2, 30, 50, 24 * 5, 24 * 10, 24 * 20, 24 * 45):
        make_ticket(now - timedelta(hours=hours), "email", a)
    make_ticket(now - timedelta(hours=3), "email", a, status=TicketStatus.CLOSED)


def test_every_drill_down_lists_the_panels_number(backlog_tickets, week, people, signed_in):
    browser = signed_in(people["koordinator"])
    page = browser.get("/qa/dasbor?dari=2026-02-02&sampai=2026-02-06").get_data(as_text=True)
    panels = {
        section: panel_links(page, section)
        for section in ("backlog", "pelanggaran", "penilaian", "agen")
    }
    assert [n for _, _, n in panels["backlog"]] == [1, 2, 1, 1, 1, 1 + 6]
    assert {label: n for _, label, n in panels["pelanggaran"]}["Pemenuhan melewati SLA"] == 2
    assert [n for _, _, n in panels["penilaian"]] == [1, 1, 0, 1, 0]
    assert [label for _, label, _ in panels["agen"]] == ["Bayu L1", "Andi L1"]
    for rows in panels.values():
        for link, _label, n in rows:
            assert listed(browser, link) == n, link
    # The agent's link is the period's tickets they handled, shown by name.
    queue = browser.get(panels["agen"][1][0]).get_data(as_text=True)
    assert "Ditangani oleh: Andi L1" in queue and "2 tiket" in queue
    breach = browser.get(panels["pelanggaran"][3][0]).get_data(as_text=True)
    assert "Pelanggaran SLA: Pemenuhan melewati SLA, terdeteksi" in breach
    assert "Umur tiket terbuka: &gt; 30 hari" in browser.get(panels["backlog"][5][0]).get_data(
        as_text=True
    )


def test_drill_down_keeps_the_unit(backlog_tickets, week, people, signed_in, directorate):
    browser = signed_in(people["koordinator"])
    page = browser.get(
        f"/qa/dasbor?dari=2026-02-02&sampai=2026-02-06&unit={directorate.id}"
    ).get_data(as_text=True)
    ratings = panel_links(page, "penilaian")
    assert [n for _, _, n in ratings] == [1, 0, 0, 0, 0]  # t1 only: the directorate's
    breaches = panel_links(page, "pelanggaran")
    assert sum(n for _, _, n in breaches) == 1  # t3's fulfilment
    for link, _label, n in ratings + breaches + panel_links(page, "agen"):
        assert f"office={directorate.id}" in link
        assert listed(browser, link) == n


def test_drill_down_filters_are_shown_and_bad_values_left_out(week, people, signed_in):
    browser = signed_in(people["qa"])
    page = browser.get(
        f"/tickets?queue=all&rating=5&agent={people['l1'].id}&from=2026-02-02&to=2026-02-06"
    ).get_data(as_text=True)
    assert "Penilaian pengguna: 5 bintang" in page and "Ditangani oleh: Andi L1" in page
    assert "1 tiket" in page
    # QA does not see confidential complaints: the list says so.
    assert "Pengaduan rahasia tidak ditampilkan" in page
    # Removing one filter keeps the others.
    assert f"agent={people['l1'].id}" in page.split("Hapus saringan Penilaian", 1)[0]
    for query, message in [
        ("agent=abc", "Petugas tidak dikenali"),
        ("agent=999999", "Petugas tidak dikenali"),
        ("rating=0", "Penilaian harus 1 sampai 5"),
        ("breach=late", "Jenis pelanggaran SLA tidak dikenali"),
        ("age=6", "Kelompok umur tiket tidak dikenali"),
        ("age=-1", "Kelompok umur tiket tidak dikenali"),
        ("detected_from=2026-13-01", "“Pelanggaran terdeteksi dari” tidak dikenali"),
        ("office=x", "Unit tidak dikenali"),
        ("status=gone", "Status tidak dikenali"),
    ]:
        response = browser.get(f"/tickets?queue=all&{query}")
        assert response.status_code == 200, query
        assert message in response.get_data(as_text=True), query
