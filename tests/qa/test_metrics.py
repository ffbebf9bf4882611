"""The computed metrics against a hand-built week of tickets, and the WIB boundaries
of months and quarters."""

from __future__ import annotations

from datetime import date

import pytest

from hai.qa import metrics
from hai.qa.metrics import Period
from tests.qa.conftest import wib

WEEK = Period(date(2026, 2, 2), date(2026, 2, 6))  # Monday to Friday, no holiday


@pytest.fixture
def week(people, make_ticket):
    """Agent A's week: six tickets of theirs, and three that are not."""
    a, b = people["l1"], people["other"]
    t = {}
    # Recorded by A from calls: responded and answered on time, rated 5.
    t[1] = make_ticket(
        wib(2026, 2, 2, 9), "call_center", a,
        response_due_at=wib(2026, 2, 2, 10), first_response_at=wib(2026, 2, 2, 9, 30),
        fulfilment_due_at=wib(2026, 2, 3, 9), answered_at=wib(2026, 2, 2, 15),
        answered_by_id=a.id, rating=5,
    )  # fmt: skip
    # Late on both, reopened once, rated 2.
    t[2] = make_ticket(
        wib(2026, 2, 3, 10), "call_center", a,
        response_due_at=wib(2026, 2, 3, 11), first_response_at=wib(2026, 2, 3, 12),
        fulfilment_due_at=wib(2026, 2, 4, 10), answered_at=wib(2026, 2, 5, 10),
        answered_by_id=a.id, reopen_count=1, rating=2,
    )  # fmt: skip
    # Recorded by B, assigned to A: responded on time, never answered, already due.
    t[3] = make_ticket(
        wib(2026, 2, 4, 9), "email", b, assignee_id=a.id,
        response_due_at=wib(2026, 2, 4, 10), first_response_at=wib(2026, 2, 4, 9, 45),
        fulfilment_due_at=wib(2026, 2, 6, 9),
    )  # fmt: skip
    # Recorded by B, answered by A; fulfilment due after the week (not measured), rated 4.
    t[4] = make_ticket(
        wib(2026, 2, 5, 9), "whatsapp", b, answered_by_id=a.id,
        response_due_at=wib(2026, 2, 5, 10), first_response_at=wib(2026, 2, 5, 9, 10),
        fulfilment_due_at=wib(2026, 2, 10, 9), rating=4,
    )  # fmt: skip
    # A call at 23:30 WIB on the last day: in the week, nothing due yet.
    t[5] = make_ticket(
        wib(2026, 2, 6, 23, 30), "call_center", a,
        response_due_at=wib(2026, 2, 9, 8, 30), fulfilment_due_at=wib(2026, 2, 10, 8),
    )  # fmt: skip
    t[9] = make_ticket(
        wib(2026, 2, 6, 10), "call_center", a,
        response_due_at=wib(2026, 2, 6, 11), first_response_at=wib(2026, 2, 6, 10, 30),
        fulfilment_due_at=wib(2026, 2, 9, 10),
    )  # fmt: skip
    # Not A's week: just after, just before, and B's own call.
    make_ticket(wib(2026, 2, 7, 0, 30), "call_center", a)
    make_ticket(wib(2026, 2, 1, 23, 59), "call_center", a)
    make_ticket(wib(2026, 2, 3, 9), "call_center", b)
    return t


def test_metrics_are_exact_for_a_hand_built_week(people, week):
    result = metrics.agent_metrics(people["l1"].id, WEEK)
    assert result.tickets_handled == 6
    assert (result.response_measured, result.response_on_time) == (5, 4)
    assert result.response_on_time_pct == 80.0
    assert (result.fulfilment_measured, result.fulfilment_on_time) == (3, 1)
    assert result.fulfilment_on_time_pct == 33.33
    assert result.reopened == 1 and result.reopen_rate_pct == 16.67
    assert (result.ratings, result.rating_sum, result.average_rating) == (3, 11, 3.67)
    assert result.calls == 4
    assert result.working_hours == 40.0  # five days of 08:00-16:00 WIB
    assert result.calls_per_hour == 0.1
    data = result.as_dict()
    assert data["calls_per_hour"] == 0.1 and data["tickets_handled"] == 6
    assert sorted(metrics.handled_ticket_ids(people["l1"].id, WEEK)) == sorted(
        t.id for t in week.values()
    )


def test_as_of_decides_what_is_already_late(people, week):
    # On Wednesday noon only ticket 2's answer is due (and late) ... and ticket 1 answered.
    result = metrics.agent_metrics(people["l1"].id, WEEK, as_of=wib(2026, 2, 4, 12))
    assert (result.fulfilment_measured, result.fulfilment_on_time) == (2, 1)
    assert (result.response_measured, result.response_on_time) == (3, 2)


def test_filters_narrow_the_tickets(people, week):
    calls_only = metrics.agent_metrics(people["l1"].id, WEEK, channel="call_center")
    assert calls_only.tickets_handled == 4 and calls_only.calls == 4
    table = metrics.agents_metrics([people["l1"].id, people["other"].id], WEEK)
    assert [m.tickets_handled for m in table] == [6, 3]


def test_the_league_query_gives_each_agents_own_numbers(people, week, make_ticket, directorate):
    a, b, l2 = people["l1"], people["other"], people["l2"]
    # One agent in every role of a ticket counts it once; an L2 answer for B's ticket.
    make_ticket(
        wib(2026, 2, 3, 14), "webchat", a, assignee_id=a.id, answered_by_id=a.id,
        response_due_at=wib(2026, 2, 3, 15), first_response_at=wib(2026, 2, 3, 14, 1),
        fulfilment_due_at=wib(2026, 2, 4, 14), closed_at=wib(2026, 2, 4, 9), rating=3,
    )  # fmt: skip
    make_ticket(
        wib(2026, 2, 4, 11), "email", b, assignee_id=l2.id, answered_by_id=l2.id,
        team_unit_id=directorate.id, reopen_count=2,
        fulfilment_due_at=wib(2026, 2, 5, 11), answered_at=wib(2026, 2, 6, 8),
    )  # fmt: skip
    agents = [a.id, b.id, l2.id, people["qa"].id]
    cases = [
        {},
        {"as_of": wib(2026, 2, 4, 12)},
        {"channel": "call_center"},
        {"unit_id": directorate.id},
    ]
    for narrowing in cases:
        table = metrics.agents_metrics(agents, WEEK, **narrowing)
        assert table == [metrics.agent_metrics(x, WEEK, **narrowing) for x in agents]
    full = metrics.agents_metrics(agents, WEEK)
    assert [m.tickets_handled for m in full] == [7, 4, 1, 0]
    assert len(metrics.handled_ticket_ids(a.id, WEEK)) == 7
    assert metrics.agents_metrics([], WEEK) == []


def test_a_holiday_shortens_the_working_hours(db_session):
    # 16-20 February 2026: Monday is cuti bersama, Tuesday Imlek (Chinese New Year).
    assert metrics.working_hours(Period(date(2026, 2, 16), date(2026, 2, 20))) == 24.0


def test_month_boundaries_in_wib(people, make_ticket):
    a = people["l1"]
    late_night = make_ticket(wib(2026, 1, 31, 23, 30), "call_center", a)  # 16:30 UTC
    first_minute = make_ticket(wib(2026, 2, 1, 0, 0), "call_center", a)  # 17:00 UTC on Jan 31
    january, february = Period.month(2026, 1), Period.month(2026, 2)
    assert january == Period(date(2026, 1, 1), date(2026, 1, 31))
    assert february.end == date(2026, 2, 28)
    assert Period.month(2026, 12).end == date(2026, 12, 31)
    assert metrics.handled_ticket_ids(a.id, january) == [late_night.id]
    assert metrics.handled_ticket_ids(a.id, february) == [first_minute.id]
    assert january.label == "Januari 2026"


def test_quarter_boundaries_in_wib(people, make_ticket):
    a = people["l1"]
    q1_last = make_ticket(wib(2026, 3, 31, 23, 30), "call_center", a)
    q2_first = make_ticket(wib(2026, 4, 1, 0, 0), "call_center", a)
    q1, q2 = Period.quarter(2026, 1), Period.quarter(2026, 2)
    assert (q1.start, q1.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (q2.start, q2.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert Period.quarter(2026, 4).end == date(2026, 12, 31)
    assert metrics.handled_ticket_ids(a.id, q1) == [q1_last.id]
    assert metrics.handled_ticket_ids(a.id, q2) == [q2_first.id]
    assert q2.label == "Triwulan 2 2026"
    with pytest.raises(ValueError):
        Period.quarter(2026, 5)


def test_metric_score_thresholds():
    assert metrics.metric_score(None, [2, 3, 4, 5]) is None
    assert [metrics.metric_score(v, [2, 3, 4, 5]) for v in (0.1, 2, 3.5, 4, 9)] == [1, 2, 3, 4, 5]
    # Less is better (a reopen rate): descending thresholds.
    assert [metrics.metric_score(v, [20, 10, 5, 2]) for v in (30, 20, 7, 1)] == [1, 2, 3, 5]
