"""Discipline against the roster, computed exactly from hand-placed sign-ins and breaks;
sign-ins recorded at login, breaks through "Jadwal saya", and the QA evaluation's
discipline criterion fed by it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hai.db_types import utcnow
from hai.errors import RuleError
from hai.qa.metrics import Period
from hai.schedules import services
from hai.schedules.discipline import (
    ABSENT,
    LATE,
    ON_TIME,
    PENDING,
    UPCOMING,
    discipline,
    suggested_score,
)
from hai.schedules.models import AttendanceEvent, AttendanceKind
from tests.schedules.conftest import at, html

MON = date(2026, 2, 2)
TUE, WED, THU = (MON + timedelta(days=n) for n in (1, 2, 3))
WEEK = Period(MON, MON + timedelta(days=4))


def _event(db_session, user, kind: AttendanceKind, when):
    db_session.add(AttendanceEvent(user_id=user.id, kind=kind, at=when))


@pytest.fixture
def week(people, shifts, db_session):
    """Andi's week: six shifts and what he did (the numbers are chosen, not computed)."""
    a = people["l1"]
    before = at(MON - timedelta(days=3), 9)
    for day, shift in (
        (MON, "Pagi"),
        (MON, "Siang"),
        (TUE, "Pagi"),
        (TUE, "Siang"),
        (WED, "Pagi"),
        (THU, "Pagi"),
    ):
        services.add_entry(
            agent=a,
            day=day,
            shift=shifts[shift],
            channel_code="call_center",
            actor=None,
            now=before,
        )
    s_in, s_out = AttendanceKind.SIGN_IN, AttendanceKind.SIGN_OUT
    b_start, b_end = AttendanceKind.BREAK_START, AttendanceKind.BREAK_END
    for kind, when in [
        # Monday: in at 07:25 and stays all day; 20 minutes' break in the morning, 45
        # in the afternoon (allowance 30: 15 over).
        (s_in, at(MON, 7, 25)),
        (b_start, at(MON, 10, 0)),
        (b_end, at(MON, 10, 20)),
        (b_start, at(MON, 14, 0)),
        (b_end, at(MON, 14, 45)),
        (s_out, at(MON, 17, 5)),
        # Tuesday: in at 07:42, 12 minutes late; out at noon, back at 12:18 (within the
        # 5 minutes' grace of Siang's 12:15).
        (s_in, at(TUE, 7, 42)),
        (s_out, at(TUE, 12, 0)),
        (s_in, at(TUE, 12, 18)),
        (s_out, at(TUE, 17, 0)),
        # Wednesday: signed in the evening before only, signed out then: absent.
        (s_in, at(TUE, 20, 0)),
        (s_out, at(TUE, 21, 0)),
        (s_in, at(WED, 12, 30)),  # after Pagi ended: still absent from it
        # Thursday: in at 07:35 exactly at the grace's end: on time.
        (s_in, at(THU, 7, 35)),
    ]:
        _event(db_session, a, kind, when)
    db_session.flush()
    return a


def test_discipline_is_exact_for_a_hand_built_week(week):
    d = discipline(week.id, WEEK, grace=5)
    rows = [
        (s.day, s.shift.split()[0], s.status, s.late_minutes, s.break_minutes) for s in d.shifts
    ]
    assert rows == [
        (MON, "Pagi", ON_TIME, 0, 20),
        (MON, "Siang", ON_TIME, 0, 45),
        (TUE, "Pagi", LATE, 12, 0),
        (TUE, "Siang", ON_TIME, 0, 0),
        (WED, "Pagi", ABSENT, 0, 0),
        (THU, "Pagi", ON_TIME, 0, 0),
    ]
    assert d.shifts[0].arrived_at == at(MON, 7, 25)
    assert d.shifts[1].arrived_at == at(MON, 7, 25)  # still signed in at 12:15
    assert d.shifts[2].arrived_at == at(TUE, 7, 42)
    assert d.shifts[1].break_over == 15 and not d.shifts[1].kept
    assert (d.measured, d.on_time, d.late, d.absent) == (6, 4, 1, 1)
    assert (d.late_minutes, d.break_minutes) == (12, 65)
    assert (d.break_over_shifts, d.break_over_minutes) == (1, 15)
    assert d.kept == 3  # Monday Pagi, Tuesday Siang, Thursday Pagi
    assert (d.on_time_pct, d.kept_pct) == (66.67, 50.0)
    assert d.as_metrics()["roster_kept_pct"] == 50.0
    assert suggested_score(d.as_metrics()) == 2


def test_grace_is_a_setting(week):
    strict = discipline(week.id, WEEK, grace=0)
    assert [s.status for s in strict.shifts] == [ON_TIME, ON_TIME, LATE, LATE, ABSENT, LATE]
    assert strict.late_minutes == 12 + 3 + 5


def test_shifts_not_over_are_not_counted_yet(week):
    # Thursday 07:31: Thursday's Pagi has started without a sign-in yet.
    d = discipline(week.id, WEEK, as_of=at(THU, 7, 31))
    assert d.shifts[-1].status == PENDING and d.measured == 5
    d = discipline(week.id, WEEK, as_of=at(TUE, 12, 0))
    assert [s.status for s in d.shifts] == [ON_TIME, ON_TIME, LATE, UPCOMING, UPCOMING, UPCOMING]
    assert d.measured == 3


def test_an_open_break_counts_until_now(people, shifts, db_session):
    a = people["l1"]
    services.add_entry(
        agent=a,
        day=MON,
        shift=shifts["Pagi"],
        channel_code="email",
        actor=None,
        now=at(MON, 6),
    )
    _event(db_session, a, AttendanceKind.SIGN_IN, at(MON, 7, 0))
    _event(db_session, a, AttendanceKind.BREAK_START, at(MON, 9, 0))
    d = discipline(a.id, WEEK, as_of=at(MON, 9, 40))
    assert d.shifts[0].break_minutes == 40 and d.shifts[0].break_over == 10
    ended = discipline(a.id, WEEK)  # the break never ended: up to the shift's end
    assert ended.shifts[0].break_minutes == 195


def test_no_roster_no_figures(people):
    d = discipline(people["l2"].id, WEEK)
    assert d.shifts == [] and d.on_time_pct is None and suggested_score(d.as_metrics()) is None


# --- sign-ins at login, breaks through the page -------------------------------------------


def _kinds(db_session, user) -> list[AttendanceKind]:
    return list(
        db_session.scalars(
            select(AttendanceEvent.kind)
            .where(AttendanceEvent.user_id == user.id)
            .order_by(AttendanceEvent.at, AttendanceEvent.id)
        )
    )


def test_login_logout_and_breaks_are_recorded(people, signed_in, db_session):
    agent = people["cso"]
    browser = signed_in(agent)
    assert _kinds(db_session, agent) == [AttendanceKind.SIGN_IN]
    page = html(browser.get("/jadwal/saya"))
    assert "Mulai istirahat" in page
    assert browser.post("/jadwal/istirahat", {"action": "mulai"}).status_code == 302
    page = html(browser.get("/jadwal/saya"))
    assert "Istirahat sejak" in page and "Selesai istirahat" in page
    assert services.open_break(agent.id) is not None
    browser.post("/jadwal/istirahat", {"action": "mulai"})
    assert "Anda sedang istirahat." in html(browser.get("/jadwal/saya"))
    browser.post("/logout", {})  # an open break ends with the sign-out
    assert _kinds(db_session, agent) == [
        AttendanceKind.SIGN_IN,
        AttendanceKind.BREAK_START,
        AttendanceKind.BREAK_END,
        AttendanceKind.SIGN_OUT,
    ]
    # Staff who are not rostered (QA) leave no attendance rows.
    signed_in(people["qa"])
    assert _kinds(db_session, people["qa"]) == []
    with pytest.raises(RuleError):
        services.start_break(people["qa"], now=utcnow())


def test_break_needs_csrf_and_a_known_action(people, signed_in):
    browser = signed_in(people["l1"])
    assert browser.post("/jadwal/istirahat", {"action": "mulai"}, csrf=False).status_code == 400
    assert browser.post("/jadwal/istirahat", {"action": "tidur"}).status_code == 400


def test_an_agent_sees_only_their_own_schedule(people, shifts, signed_in, db_session):
    from hai.web.timefmt import today_wib

    today = today_wib()
    for who, channel in (("l1", "call_center"), ("l1b", "webchat")):
        services.add_entry(
            agent=people[who],
            day=today,
            shift=shifts["Pagi"],
            channel_code=channel,
            actor=None,
            now=utcnow(),
        )
    db_session.commit()
    page = html(signed_in(people["l1"]).get(f"/jadwal/saya?agen={people['l1b'].id}"))
    assert "Call Center" in page and "Web Chat" not in page and "Bayu" not in page
    other = html(signed_in(people["l1b"]).get("/jadwal/saya"))
    assert "Web Chat" in other and "Call Center" not in other
    # The roster and the discipline of others are not theirs to see.
    browser = signed_in(people["l1"])
    assert browser.get("/jadwal").status_code == 403
    assert browser.get(f"/jadwal/disiplin?agen={people['l1b'].id}").status_code == 403


def test_qa_sees_discipline_per_agent_and_period(week, people, signed_in):
    browser = signed_in(people["qa"])
    summary = html(browser.get("/jadwal/disiplin?dari=2026-02-02&sampai=2026-02-06"))
    assert "Andi Agen" in summary and "50,00 %" in summary
    page = html(browser.get(f"/jadwal/disiplin?agen={week.id}&dari=2026-02-02&sampai=2026-02-06"))
    assert page.count("Tepat waktu</span>") == 4
    assert "Terlambat</span>" in page and "12 menit" in page
    assert "Tidak hadir</span>" in page and "(+15)" in page
    bad = browser.get("/jadwal/disiplin?dari=2026-02-06&sampai=2026-02-02")
    assert bad.status_code == 200 and "Tanggal akhir sebelum tanggal awal" in html(bad)


def test_the_evaluation_suggests_the_discipline_score(week, people, signed_in, db_session):
    from hai.qa import services as qa

    evaluation = qa.create_evaluation(week, WEEK, sample_size=0, actor=people["qa"], now=utcnow())
    db_session.commit()
    browser = signed_in(people["qa"])
    page = html(browser.get(f"/qa/evaluasi/{evaluation.id}"))
    assert "Disiplin terhadap jadwal" in page
    assert "66.67 %" in page and "(4/6 shift)" in page
    by_code = {c.code: c for c in evaluation.scorecard.criteria}
    select_html = re.search(
        rf'<select id="score-{by_code["discipline"].id}-p".*?</select>', page, re.S
    ).group(0)
    assert '<option value="2" selected>' in select_html
    assert "Saran dari jadwal: <strong>2</strong>" in page
    # Submitting freezes the roster figures with the other metrics.
    values = {(c.id, None): ("4", "") for c in evaluation.scorecard.criteria}
    qa.save_scores(evaluation, values, "", actor=people["qa"], now=utcnow())
    qa.submit_evaluation(evaluation, actor=people["qa"], now=utcnow())
    assert evaluation.metrics["roster_kept_pct"] == 50.0
    assert evaluation.metrics["roster_late_minutes"] == 12
    assert evaluation.metrics["tickets_handled"] == 0  # the ticket metrics stay beside them
