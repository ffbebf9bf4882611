"""Problem suggestions from clusters of disruption tickets (PER-8 Pasal 22(4)): five or
more on one scope or configuration item within 24 working hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hai.auth.roles import Role
from hai.problems import services
from hai.problems.models import Problem, ProblemStatus
from hai.tickets.models import Notification, TicketType
from tests.problems.conftest import wib

# Monday 2 to Friday 6 February 2026 are ordinary working days; 7-8 are the weekend.


def _problems(db_session) -> list[Problem]:
    return list(db_session.scalars(select(Problem).order_by(Problem.id)))


def test_five_on_one_scope_within_the_window_make_one_suggestion(db_session, disruption, people):
    made = [disruption(wib(2026, 2, 3, 9 + i)) for i in range(5)]
    found = services.suggest_problems(wib(2026, 2, 3, 15))
    assert len(found) == 1 and found[0].created
    problem = found[0].problem
    assert problem.status is ProblemStatus.SUGGESTED
    assert problem.number.startswith("PRB-2026-")
    assert problem.scope_id == made[0].scope_id
    assert problem.ci is not None and problem.ci.code == "SAKTI"
    assert sorted(link.ticket_id for link in problem.links) == sorted(t.id for t in made)
    assert problem.created_by_id is None
    # The Manajer Layanan is told.
    note = db_session.scalar(
        select(Notification).where(Notification.user_id == people["manajer"].id)
    )
    assert note is not None and problem.number in note.text
    # Running again changes nothing: every ticket is linked.
    assert services.suggest_problems(wib(2026, 2, 3, 15, 30)) == []
    assert len(_problems(db_session)) == 1


def test_tickets_scattered_over_days_make_none(db_session, disruption):
    for day in range(2, 7):  # one a working day, Monday to Friday
        disruption(wib(2026, 2, day, 9))
    assert services.suggest_problems(wib(2026, 2, 6, 10)) == []
    assert _problems(db_session) == []


def test_tickets_scattered_over_scopes_and_items_make_none(db_session, disruption):
    codes = ["ITSM.01.04.01", "ITSM.01.03.01", "ITSM.01.08.01", "ITSM.01.07.01", "ITSM.01.09.01"]
    for i, code in enumerate(codes):
        disruption(wib(2026, 2, 3, 9 + i), code)
    assert services.suggest_problems(wib(2026, 2, 3, 15)) == []


def test_a_weekend_inside_the_window_counts_in_working_hours(db_session, disruption):
    for hour in (13, 14, 15):
        disruption(wib(2026, 2, 6, hour))  # Friday afternoon
    disruption(wib(2026, 2, 9, 8, 30))  # Monday morning
    disruption(wib(2026, 2, 9, 9))
    now = wib(2026, 2, 9, 10)
    # 69 hours on the clock, about 5 working hours.
    assert now - wib(2026, 2, 6, 13) > timedelta(hours=24)
    [found] = services.suggest_problems(now)
    assert len(found.problem.links) == 5


def test_same_item_on_different_scopes_is_suggested_by_item(db_session, disruption):
    codes = ["ITSM.01.04.01", "ITSM.01.04.02", "ITSM.01.04.03", "ITSM.01.04.04", "ITSM.01.04.01"]
    for i, code in enumerate(codes):
        disruption(wib(2026, 2, 4, 9 + i), code)
    [found] = services.suggest_problems(wib(2026, 2, 4, 15))
    assert found.problem.ci.code == "SAKTI"
    assert found.problem.scope_id is None
    assert len(found.problem.links) == 5


def test_only_disruptions_count(db_session, disruption):
    for i in range(4):
        disruption(wib(2026, 2, 3, 9 + i))
    disruption(wib(2026, 2, 3, 13), ticket_type=TicketType.QUESTION)
    assert services.suggest_problems(wib(2026, 2, 3, 15)) == []


def test_a_pending_suggestion_grows_and_a_worked_on_problem_is_left_to_agents(
    db_session, disruption, people
):
    for i in range(5):
        disruption(wib(2026, 2, 3, 9 + i))
    [first] = services.suggest_problems(wib(2026, 2, 3, 14))
    late = disruption(wib(2026, 2, 3, 14, 30))
    [grown] = services.suggest_problems(wib(2026, 2, 3, 15))
    assert not grown.created and grown.problem is first.problem
    assert late.id in {link.ticket_id for link in first.problem.links}
    # Once confirmed, new tickets on the scope make no new suggestion.
    services.confirm(first.problem, actor=people["manajer"], now=wib(2026, 2, 3, 15, 5))
    for i in range(5):
        disruption(wib(2026, 2, 4, 9 + i))
    assert services.suggest_problems(wib(2026, 2, 4, 15)) == []
    assert len(_problems(db_session)) == 1


def test_dismissed_clusters_are_not_suggested_again(db_session, disruption, people):
    for i in range(5):
        disruption(wib(2026, 2, 3, 9 + i))
    [found] = services.suggest_problems(wib(2026, 2, 3, 14))
    services.dismiss(
        found.problem,
        "Pemeliharaan terjadwal.",
        actor=people["manajer"],
        now=wib(2026, 2, 3, 14, 5),
    )
    assert found.problem.status is ProblemStatus.DISMISSED
    assert services.suggest_problems(wib(2026, 2, 3, 15)) == []


def test_confirm_adds_a_note_to_each_ticket(db_session, disruption, people):
    made = [disruption(wib(2026, 2, 3, 9 + i)) for i in range(5)]
    [found] = services.suggest_problems(wib(2026, 2, 3, 14))
    services.confirm(
        found.problem,
        title="SAKTI modul pembayaran galat",
        actor=people["manajer"],
        now=wib(2026, 2, 3, 14, 5),
    )
    assert found.problem.status is ProblemStatus.CONFIRMED
    assert found.problem.title == "SAKTI modul pembayaran galat"
    for ticket in made:
        assert any(found.problem.number in e.body for e in ticket.events if e.action == "note")


def test_an_agent_cannot_confirm_or_dismiss(db_session, disruption, people):
    for i in range(5):
        disruption(wib(2026, 2, 3, 9 + i))
    [found] = services.suggest_problems(wib(2026, 2, 3, 14))
    with pytest.raises(services.ProblemError):
        services.confirm(found.problem, actor=people["l1"], now=wib(2026, 2, 3, 14, 5))
    with pytest.raises(services.ProblemError):
        services.dismiss(found.problem, "x", actor=people["l1"], now=wib(2026, 2, 3, 14, 5))


def test_the_scheduler_job_runs_the_suggestion(app, db_session, disruption):
    from hai.scheduler import jobs

    job = next(j for j in jobs() if j.id == "problems.suggest")
    for i in range(5):
        disruption(wib(2026, 2, 3, 9 + i))
    assert job.func(wib(2026, 2, 3, 15)) == 1
    assert job.func(wib(2026, 2, 3, 15)) == 0
    assert db_session.scalar(select(func.count()).select_from(Problem)) == 1


def recent(count: int) -> list:
    """Instants within the last few working hours (the page runs the suggestion now)."""
    from hai.db_types import utcnow
    from hai.sla.calendars import calendar_for

    cal = calendar_for()
    start = services.window_start(utcnow(), timedelta(hours=6), cal)
    return [cal.add(start, timedelta(minutes=30 * i)) for i in range(count)]


def test_confirm_and_dismiss_from_the_page(db_session, disruption, people, signed_in):
    for at in recent(5):
        disruption(at)
    for at in recent(5):
        disruption(at, "ITSM.01.03.01")
    db_session.commit()
    agent = signed_in(people["l1"])
    manajer = signed_in(people["manajer"])
    manajer.get("/problems")
    assert manajer.post("/problems/suggest").status_code == 302
    first, second = _problems(db_session)
    # An agent sees the suggestion but may not confirm it.
    assert agent.get(f"/problems/{first.id}").status_code == 200
    assert agent.post(f"/problems/{first.id}/act/confirm", {"title": "x" * 10}).status_code == 403
    # Bad input: the message beside the field, nothing written.
    page = manajer.get(f"/problems/{first.id}")
    response = manajer.post(
        f"/problems/{first.id}/act/dismiss",
        {"reason": "", "row_version": str(first.row_version)},
    )
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db_session.refresh(first)
    assert first.status is ProblemStatus.SUGGESTED
    assert page.status_code == 200
    response = manajer.post(
        f"/problems/{first.id}/act/confirm",
        {"title": "Galat modul pembayaran SAKTI", "row_version": str(first.row_version)},
    )
    assert response.status_code == 302
    response = manajer.post(
        f"/problems/{second.id}/act/dismiss",
        {"reason": "Gangguan jaringan kantor pemohon.", "row_version": str(second.row_version)},
    )
    assert response.status_code == 302
    db_session.refresh(first)
    db_session.refresh(second)
    assert first.status is ProblemStatus.CONFIRMED
    assert second.status is ProblemStatus.DISMISSED


def test_a_requester_cannot_see_problems(db_session, disruption, people, signed_in, make_user):
    for i in range(5):
        disruption(wib(2026, 2, 3, 9 + i))
    [found] = services.suggest_problems(wib(2026, 2, 3, 14))
    db_session.commit()
    browser = signed_in(people["pengguna"])
    assert browser.get("/problems").status_code == 403
    assert browser.get(f"/problems/{found.problem.id}").status_code == 403
    assert make_user(Role.CAB).can  # the CAB reads problems (changes fix them)
