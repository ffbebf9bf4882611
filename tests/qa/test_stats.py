"""The dashboard's pre-aggregate (hai.qa.stats): after each refresh the stored figures
equal the live computation as of the refresh, for every panel, period and unit; writes
mark their days; time passing (a due date) is picked up; the page reads the stored
figures."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from hai.catalog.models import CatalogService
from hai.org.models import OrgUnit, UnitKind
from hai.qa import dashboard, stats
from hai.qa.metrics import Period
from hai.qa.models import TicketStat, TicketStatMark
from hai.tickets.models import BreachKind, SlaBreach, Ticket, TicketStatus
from tests.qa.conftest import wib

FEB = Period.month(2026, 2)
WEEK = Period(date(2026, 2, 9), date(2026, 2, 15))
DAY = Period(date(2026, 2, 27), date(2026, 2, 27))
T1 = wib(2026, 2, 27, 18)  # the first refresh: some tickets still open and not yet due


@pytest.fixture
def month(db_session, people, make_ticket, directorate):
    """Sixty tickets over February 2026 with every kind of SLA outcome, channel,
    service, unit, handler and rating, and their breaches (seeded, so repeatable)."""
    rnd = random.Random(2026)
    services = list(db_session.scalars(select(CatalogService).order_by(CatalogService.id)))[:4]
    offices = list(
        db_session.scalars(
            select(OrgUnit).where(OrgUnit.kind != UnitKind.DIREKTORAT).order_by(OrgUnit.id)
        )
    )[:2]
    agents = [people["l1"], people["other"], people["l2"]]
    tickets = []
    for _ in range(60):
        received = wib(2026, 2, 1, 7) + timedelta(hours=rnd.randrange(0, 27 * 24 + 20))
        fields = {
            "service_id": rnd.choice([None, *(s.id for s in services)]),
            "team_unit_id": rnd.choice([None, directorate.id]),
            "office_unit_id": rnd.choice([None, None, *(o.id for o in offices)]),
            "assignee_id": rnd.choice([None, *(a.id for a in agents)]),
            "rating": rnd.choice([None, None, 1, 2, 3, 4, 5]),
            "reopen_count": rnd.choice([0, 0, 0, 1]),
            "response_due_at": received + timedelta(hours=rnd.choice([1, 4, 30])),
            "fulfilment_due_at": received + timedelta(hours=rnd.choice([8, 30, 100])),
        }
        outcome = rnd.random()
        if outcome < 0.7:
            fields["first_response_at"] = received + timedelta(minutes=rnd.randrange(5, 600))
        if outcome < 0.5:
            done = received + timedelta(hours=rnd.randrange(1, 120))
            if done < T1:
                answerer = rnd.choice(agents)
                fields.update(answered_at=done, answered_by_id=answerer.id)
                if rnd.random() < 0.5:
                    fields.update(closed_at=done, status=TicketStatus.CLOSED)
        channel = rnd.choice(["call_center", "email", "whatsapp", "live_chat"])
        tickets.append(make_ticket(received, channel, rnd.choice(agents), **fields))
    for t in tickets[::4]:
        detected = t.response_due_at + timedelta(minutes=5)
        if detected < T1:
            db_session.add(
                SlaBreach(ticket_id=t.id, kind=BreachKind.RESPONSE, due_at=t.response_due_at,
                          detected_at=detected)
            )  # fmt: skip
    db_session.flush()
    return {"tickets": tickets, "offices": offices, "directorate": directorate}


def _units(month) -> list[int | None]:
    return [None, month["directorate"].id, *(o.id for o in month["offices"])]


def _figures(period: Period, unit_id: int | None, as_of, now) -> dict:
    """Every panel's numbers, comparable (the stored path when ``as_of`` is None)."""
    volumes = dashboard.volumes(period, grain="day", unit_id=unit_id, as_of=as_of)
    weekly = dashboard.volumes(period, grain="week", unit_id=unit_id, as_of=as_of)
    summary = dashboard.summary(period, as_of=as_of, unit_id=unit_id)
    return {
        "volumes": {by: (v.keys, v.cells, v.buckets) for by, v in volumes.items()},
        "weekly": {by: (v.keys, v.cells) for by, v in weekly.items()},
        "total": summary.total,
        "sla": summary.sla,
        "ratings": summary.ratings,
        "breaches": dashboard.breaches(period, unit_id=unit_id, as_of=as_of),
        "backlog": dashboard.backlog_age(now, unit_id=unit_id, as_of=as_of),
        "league": [
            (r.agent_id, r.m) for r in dashboard.league(period, as_of=as_of, unit_id=unit_id)
        ],
    }


def assert_stored_equals_live(month, as_of) -> None:
    assert stats.as_of() == as_of
    # The backlog's buckets cut through days (a stored middle, live ends) at any instant.
    nows = [as_of, as_of + timedelta(hours=9, minutes=17), wib(2026, 2, 20, 0, 0)]
    for period, now in zip((FEB, WEEK, DAY), nows, strict=True):
        for unit_id in _units(month):
            stored = _figures(period, unit_id, None, now)
            live = _figures(period, unit_id, as_of, now)
            for panel in live:
                assert stored[panel] == live[panel], (period.label, unit_id, panel)


def test_stored_figures_equal_the_live_ones_as_of_each_refresh(db_session, month):
    total = dashboard.sla_total(FEB, as_of=T1)
    assert total.tickets == 60 and 0 < total.fulfilment_measured < 60  # a real mix
    stats.refresh(T1)
    assert db_session.scalar(select(TicketStatMark.id).limit(1)) is None
    assert_stored_equals_live(month, T1)

    # A week later nothing was written, but open tickets fell due: measured now.
    later = T1 + timedelta(days=7)
    assert dashboard.sla_total(FEB, as_of=later) != dashboard.sla_total(FEB, as_of=T1)
    stats.refresh(later)
    assert_stored_equals_live(month, later)


def test_writes_mark_their_days_and_the_next_refresh_counts_them(db_session, month, people):
    stats.refresh(T1)
    t = next(t for t in month["tickets"] if t.answered_at is None)
    first = dashboard.summary(FEB).total
    t.answered_at, t.answered_by_id = T1 - timedelta(hours=1), people["l2"].id
    t.rating = 5
    t.status, t.closed_at = TicketStatus.CLOSED, T1 - timedelta(minutes=30)  # the backlog
    t.team_unit_id = month["offices"][1].id  # moved: its breaches change scope too
    db_session.add(
        SlaBreach(ticket_id=t.id, kind=BreachKind.OLA, due_at=T1, detected_at=wib(2026, 2, 3, 9))
    )
    db_session.flush()
    marked = set(db_session.scalars(select(TicketStatMark.day)))
    assert stats.wib_date(t.received_at) in marked and date(2026, 2, 3) in marked
    assert dashboard.summary(FEB).total == first  # stored: unchanged until the refresh

    again = T1 + timedelta(minutes=1)
    stats.refresh(again)
    assert dashboard.summary(FEB).total != first
    assert_stored_equals_live(month, again)


def test_the_backlog_counts_the_hours_a_boundary_cuts_through_live(db_session, people, make_ticket):
    """Open tickets on both sides of the 1- and 30-day boundaries within the same hour,
    and in whole hours around them: stored (per hour) + live (the cut hours) == live."""
    now = wib(2026, 3, 20, 10, 30)
    ages = {  # received (minutes before now) -> bucket at now
        24 * 60 - 10: 0,  # < 1 day, in the hour the 1-day boundary cuts
        24 * 60 + 10: 1,  # 1-3 days, the same hour
        24 * 60 + 50: 1,  # 1-3 days, the whole hour before it
        24 * 60 - 40: 0,  # < 1 day, the whole hour after it
        30 * 24 * 60 - 5: 4,  # 14-30 days, in the hour the 30-day boundary cuts
        30 * 24 * 60 + 5: 5,  # > 30 days, the same hour
        45 * 24 * 60: 5,  # > 30 days, a day before the oldest boundary's
    }
    for minutes in ages:
        make_ticket(now - timedelta(minutes=minutes), "email", people["l1"])
    closed = make_ticket(now - timedelta(minutes=24 * 60 + 20), "email", people["l1"])
    closed.status, closed.closed_at = TicketStatus.CLOSED, now - timedelta(hours=1)
    db_session.flush()
    expected = [0] * 6
    for bucket in ages.values():
        expected[bucket] += 1
    stats.refresh(now)
    for at in (now, now + timedelta(minutes=29), now + timedelta(minutes=45)):
        live = [c.count for c in dashboard.backlog_age(at, as_of=at)]
        assert [c.count for c in dashboard.backlog_age(at)] == live
    assert [c.count for c in dashboard.backlog_age(now)] == expected
    hours = db_session.scalars(
        select(TicketStat.key).where(TicketStat.dim == "hour", TicketStat.scope_id == 0)
    )
    assert {"09", "10", "11"} <= set(hours)  # WIB hours (the tickets are UTC in the database)


def test_a_bulk_write_is_repaired_by_the_nightly_rebuild(db_session, month):
    stats.refresh(T1)
    db_session.execute(update(Ticket).values(rating=None))  # no ORM flush: not marked
    assert dashboard.summary(FEB).ratings.total > 0
    stats.refresh(T1 + timedelta(minutes=1))
    assert dashboard.summary(FEB).ratings.total > 0  # stale: the change was not marked
    stats.refresh(T1 + timedelta(minutes=2), full=True)
    assert dashboard.summary(FEB).ratings.total == 0
    assert_stored_equals_live(month, T1 + timedelta(minutes=2))


def test_a_rebuild_drops_days_without_tickets(db_session, month):
    stats.refresh(T1)
    db_session.add(TicketStat(scope_id=0, day=date(2020, 1, 1), dim="channel", key="email",
                              n=3, r_m=0, r_ok=0, f_m=0, f_ok=0, reopened=0, rated1=0,
                              rated2=0, rated3=0, rated4=0, rated5=0, calls=0))  # fmt: skip
    db_session.flush()
    stats.refresh(T1, full=True)
    assert db_session.scalar(select(TicketStat).where(TicketStat.day == date(2020, 1, 1))) is None


def test_flagging_breaches_marks_the_day(db_session, month):
    from hai.tickets.jobs import flag_breaches

    stats.refresh(T1)
    counts = flag_breaches(T1 + timedelta(days=30))
    assert sum(counts.values()) > 0
    assert date(2026, 3, 29) in set(db_session.scalars(select(TicketStatMark.day)))


def test_the_page_reads_the_stored_figures(db_session, month, people, signed_in):
    stats.refresh(T1)
    browser = signed_in(people["qa"])
    page = browser.get("/qa/dasbor?bulan=2026-02").get_data(as_text=True)
    assert "27 Februari 2026" in page  # the figures are as of the refresh
    total = dashboard.summary(FEB).total
    shown = f"{total.fulfilment_pct:.2f}".replace(".", ",") + "%"
    assert shown in page
    # Changed without marking: the page still shows the stored figures.
    db_session.execute(update(Ticket).values(channel_code="email"))
    page = browser.get("/qa/dasbor?bulan=2026-02").get_data(as_text=True)
    assert "channel=call_center" in page
    stats.refresh(T1, full=True)
    page = browser.get("/qa/dasbor?bulan=2026-02").get_data(as_text=True)
    assert "channel=call_center" not in page


def test_refresh_jobs_are_scheduled():
    from hai.scheduler import jobs

    ids = {j.id: j for j in jobs()}
    assert ids["qa.refresh_stats"].trigger_args == {"minutes": 1}
    assert ids["qa.rebuild_stats"].trigger == "cron"
