"""The contacts heat-map: exact counts by WIB weekday and hour against hand-built tickets,
whose instants are stored as naive UTC (a WIB evening or early morning is another UTC
hour, sometimes another UTC date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from hai.schedules.heatmap import contact_heatmap, shift_demand
from hai.tickets.models import Ticket
from tests.schedules.conftest import html, wib

END = date(2026, 2, 16)  # a Monday; two weeks back: Monday 2 February 2026


@pytest.fixture
def history(make_ticket):
    return {
        "mon_0915": make_ticket(wib(2026, 2, 2, 9, 15), "call_center"),
        "mon_0945": make_ticket(wib(2026, 2, 2, 9, 45), "email"),
        "mon2_0905": make_ticket(wib(2026, 2, 9, 9, 5), "call_center"),
        # 23:30 WIB on Tuesday is 16:30 UTC: counted at 23, on Tuesday.
        "tue_2330": make_ticket(wib(2026, 2, 3, 23, 30), "call_center"),
        # 03:00 WIB on Monday is 20:00 UTC on Sunday: counted at 3, on Monday.
        "mon_0300": make_ticket(wib(2026, 2, 9, 3, 0), "whatsapp"),
        # The last minute of the window (Sunday 23:59 WIB) is in it ...
        "sun_2359": make_ticket(wib(2026, 2, 15, 23, 59), "call_center"),
        # ... the first of the next week and the last of the week before are not.
        "after": make_ticket(wib(2026, 2, 16, 0, 0), "call_center"),
        "before": make_ticket(wib(2026, 2, 1, 23, 59), "call_center"),
    }


def test_storage_is_naive_utc(history, db_session):
    raw = db_session.execute(
        text("SELECT received_at FROM ticket WHERE id = :id"), {"id": history["mon_0300"].id}
    ).scalar_one()
    value = raw if not isinstance(raw, str) else datetime.fromisoformat(raw)
    assert value.tzinfo is None and (value.day, value.hour) == (8, 20)  # Sunday 20:00 UTC
    stored = db_session.scalar(
        select(Ticket.received_at).where(Ticket.id == history["tue_2330"].id)
    )
    assert stored.astimezone(UTC).hour == 16


def test_counts_by_wib_weekday_and_hour_are_exact(history):
    heat = contact_heatmap(end=END, weeks=2)
    assert (heat.start, heat.end, heat.weeks) == (date(2026, 2, 2), END, 2)
    nonzero = {(d, h): n for d, row in enumerate(heat.counts) for h, n in enumerate(row) if n}
    assert nonzero == {(0, 9): 3, (1, 23): 1, (0, 3): 1, (6, 23): 1}
    assert heat.total == 6 and heat.top == 3
    assert heat.average(0, 9) == 1.5  # three contacts in two Mondays
    assert heat.average(1, 23) == 0.5
    assert heat.rows()[0][0] == "Senin" and heat.rows()[0][1][9] == 1.5


def test_channel_filter_and_window(history):
    calls = contact_heatmap(end=END, weeks=2, channel="call_center")
    nonzero = {(d, h): n for d, row in enumerate(calls.counts) for h, n in enumerate(row) if n}
    assert nonzero == {(0, 9): 2, (1, 23): 1, (6, 23): 1}
    one_week = contact_heatmap(end=END, weeks=1)
    assert one_week.total == 3  # 9 February to 15 February: 09:05, 03:00, Sunday 23:59
    with pytest.raises(ValueError):
        contact_heatmap(end=date(2026, 2, 17), weeks=2)  # not a Monday


def test_expected_contacts_per_shift(history, shifts):
    heat = contact_heatmap(end=END, weeks=2)
    pagi, siang = shifts["Pagi"], shifts["Siang"]
    demand = shift_demand(
        heat, [(pagi.id, pagi.starts, pagi.ends), (siang.id, siang.starts, siang.ends)]
    )
    assert demand[(0, pagi.id)] == 1.5  # Monday 09:00-09:59 is inside 07.30-12.15
    assert demand[(0, siang.id)] == 0
    assert demand[(1, siang.id)] == 0  # 23:30 is after every shift


def test_the_roster_page_shows_the_heat_map_and_its_table(history, people, signed_in, make_ticket):
    from hai.schedules.heatmap import heatmap_chart
    from hai.web.timefmt import today_wib

    chart = heatmap_chart(contact_heatmap(end=END, weeks=2))
    assert len(chart["cells"]) == 7 * 24
    darkest = max(chart["cells"], key=lambda c: c["opacity"])
    assert darkest["opacity"] == 1.0 and "Senin 09.00" in darkest["title"]
    # Two calls last Monday between 09.00 and 10.00 WIB: 0.5 a week over four weeks.
    today = today_wib()
    last_monday = today - timedelta(days=today.weekday() + 7)
    make_ticket(wib(last_monday.year, last_monday.month, last_monday.day, 9, 15))
    make_ticket(wib(last_monday.year, last_monday.month, last_monday.day, 9, 40))
    browser = signed_in(people["manajer"])
    page = html(browser.get("/jadwal?kanal=call_center&pekan=4"))
    assert "<svg" in page and "Tabel rata-rata kontak per jam" in page
    assert 'option value="call_center" selected' in page
    monday_row = page.split('<th scope="row">Senin</th>')[1].split("</tr>")[0]
    cells = monday_row.replace("</td>", "").split("<td>")[1:]
    assert cells[9] == "0,5" and all(c == "0" for n, c in enumerate(cells) if n != 9)
    assert "± 0,5 kontak" in page  # the Monday Pagi cells of the grid
