"""Scorecards in versions, evaluations from sample to acknowledgement, and who sees them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from hai.db_types import utcnow
from hai.errors import RuleError
from hai.qa import services
from hai.qa.metrics import Period
from hai.qa.models import Evaluation, EvaluationStatus, Scorecard
from hai.tickets.models import Notification
from tests.qa.conftest import wib

WEEK = Period(date(2026, 2, 2), date(2026, 2, 6))


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def tickets(people, make_ticket):
    """Four call-center tickets of the agent in the week (4 calls / 40 working hours)."""
    a = people["l1"]
    return [
        make_ticket(wib(2026, 2, d, 9), "call_center", a, subject=f"Tiket uji {d}")
        for d in (2, 3, 4, 5)
    ]


def _score_everything(evaluation, hard: int, soft: int, discipline: int) -> None:
    by_code = {c.code: c for c in evaluation.scorecard.criteria}
    values = {}
    for s in evaluation.samples:
        values[(by_code["hard_skill"].id, s.ticket_id)] = (str(hard), "Tepat")
        values[(by_code["soft_skill"].id, s.ticket_id)] = (str(soft), "Santun")
    values[(by_code["discipline"].id, None)] = (str(discipline), "Sesuai jadwal")
    services.save_scores(evaluation, values, "Ringkasan", actor=None, now=utcnow())


def test_the_four_regulation_criteria_are_version_1(db_session):
    card = services.current_scorecard()
    assert card.version == 1
    assert [c.code for c in card.criteria] == [
        "hard_skill",
        "soft_skill",
        "discipline",
        "calls_per_hour",
    ]
    assert sum(c.weight for c in card.criteria) == 100
    assert services.load_scorecard(now=utcnow()) == 0  # idempotent


def test_weights_must_sum_to_100_and_metrics_must_exist(people, db_session):
    rows = services.parse_criteria("a | A | 60 | tiket | x\nb | B | 30 | periode | y")
    with pytest.raises(RuleError, match="harus 100"):
        services.new_scorecard_version(rows, "", actor=people["qa"], now=utcnow())
    rows = services.parse_criteria("a | A | 60 | tiket\nb | B | 40 | metrik:nope:1,2,3,4")
    with pytest.raises(RuleError, match="Metrik nope tidak dikenal"):
        services.new_scorecard_version(rows, "", actor=people["qa"], now=utcnow())
    with pytest.raises(RuleError, match="bobot harus bilangan"):
        services.parse_criteria("a | A | x | tiket")


def test_period_score_is_weighted_from_the_scores_and_the_computed_metric(people, tickets):
    evaluation = services.create_evaluation(
        people["l1"], WEEK, sample_size=3, seed=11, actor=people["qa"], now=utcnow()
    )
    assert len(evaluation.samples) == 3 and evaluation.sample_pool == 4
    with pytest.raises(RuleError, match="Belum dinilai"):
        services.submit_evaluation(evaluation, actor=people["qa"], now=utcnow())
    _score_everything(evaluation, hard=4, soft=5, discipline=3)
    score = services.submit_evaluation(evaluation, actor=people["qa"], now=utcnow())
    # Calls per hour 4 / 40 = 0.1, below the first threshold (2): score 1.
    assert evaluation.metrics["calls_per_hour"] == 0.1
    # (35 × 4 + 25 × 5 + 20 × 3 + 20 × 1) / 5 = 69.
    assert score == 69.0 and evaluation.status is EvaluationStatus.SUBMITTED
    note = db_session_notification(people["l1"].id)
    assert note is not None and "Februari" not in note.text  # a week, not a month


def db_session_notification(user_id):
    from hai.extensions import db

    return db.session.scalar(select(Notification).where(Notification.user_id == user_id))


def test_the_random_sample_is_repeatable_from_its_seed(people, tickets):
    first = services.create_evaluation(
        people["l1"], WEEK, sample_size=2, seed=42, actor=people["qa"], now=utcnow()
    )
    again = services.create_evaluation(
        people["l1"], WEEK, sample_size=2, seed=42, actor=people["qa"], now=utcnow()
    )
    assert first.sample_seed == 42
    assert [s.ticket_id for s in first.samples] == [s.ticket_id for s in again.samples]
    drawn = services.create_evaluation(
        people["l1"], WEEK, sample_size=2, actor=people["qa"], now=utcnow()
    )
    assert drawn.sample_seed is not None  # recorded when generated


def test_chosen_tickets_must_be_the_agents_of_the_period(people, tickets, make_ticket):
    outside = make_ticket(wib(2026, 2, 9, 9), "call_center", people["l1"])
    with pytest.raises(RuleError, match=outside.number):
        services.create_evaluation(
            people["l1"],
            WEEK,
            chosen=[tickets[0].number, outside.number],
            actor=people["qa"],
            now=utcnow(),
        )
    evaluation = services.create_evaluation(
        people["l1"], WEEK, chosen=[tickets[1].number], actor=people["qa"], now=utcnow()
    )
    assert evaluation.sample_method == "chosen"
    assert [s.ticket_id for s in evaluation.samples] == [tickets[1].id]


def test_only_l1_l2_and_manajer_layanan_are_evaluated(people, db_session):
    with pytest.raises(RuleError, match="Agen Layer 1"):
        services.create_evaluation(people["koordinator"], WEEK, actor=people["qa"], now=utcnow())
    evaluation = services.create_evaluation(
        people["manajer"], WEEK, sample_size=3, actor=people["qa"], now=utcnow()
    )
    assert evaluation.agent_role == "manajer_layanan" and evaluation.samples == []


def test_a_scorecard_change_does_not_alter_past_evaluations(people, tickets, db_session):
    evaluation = services.create_evaluation(
        people["l1"], WEEK, sample_size=2, seed=3, actor=people["qa"], now=utcnow()
    )
    _score_everything(evaluation, hard=4, soft=5, discipline=3)
    services.submit_evaluation(evaluation, actor=people["qa"], now=utcnow())
    before = (evaluation.score, [(r.code, r.weight, r.score) for r in _breakdown(evaluation)])

    new = services.new_scorecard_version(
        services.parse_criteria(
            "hard_skill | Hard skill | 50 | tiket | baru\n"
            "soft_skill | Soft skill | 10 | tiket\n"
            "empathy | Empati | 10 | periode\n"
            "discipline | Disiplin | 10 | periode\n"
            "calls_per_hour | Panggilan per jam | 20 | metrik:calls_per_hour:0.05,1,2,3"
        ),
        "Bobot baru",
        actor=people["qa"],
        now=utcnow(),
    )
    assert new.version == 2 and services.current_scorecard().id == new.id
    db_session.expire_all()
    past = db_session.get(Evaluation, evaluation.id)
    assert past.scorecard.version == 1
    assert (past.score, [(r.code, r.weight, r.score) for r in _breakdown(past)]) == before
    # A new evaluation takes the new version.
    later = services.create_evaluation(
        people["l1"], WEEK, sample_size=1, actor=people["qa"], now=utcnow()
    )
    assert later.scorecard_id == new.id
    assert db_session.scalar(select(Scorecard).where(Scorecard.version == 1)) is not None


def _breakdown(evaluation):
    return services.breakdown(evaluation, evaluation.metrics)


def test_qa_evaluates_through_the_pages_and_the_agent_acknowledges(
    people, tickets, signed_in, db_session
):
    qa = signed_in(people["qa"])
    page = html(qa.get("/qa/evaluasi/baru"))
    assert "Andi L1 — Agen Layer 1" in page and "Sekar Koordinator" not in page
    response = qa.post(
        "/qa/evaluasi/baru",
        {
            "agent_id": str(people["l1"].id),
            "period_start": "2026-02-02",
            "period_end": "2026-02-06",
            "sample_method": "random",
            "sample_size": "2",
            "seed": "5",
        },
    )
    assert response.status_code == 302, html(response)[:2000]
    evaluation = db_session.scalar(select(Evaluation))
    url = f"/qa/evaluasi/{evaluation.id}"
    page = html(qa.get(url))
    assert "benih 5" in page and "Versi 1" in page
    by_code = {c.code: c for c in evaluation.scorecard.criteria}
    form = {"row_version": re.search(r'name="row_version" type="hidden" value="(\d+)"', page)[1]}
    for s in evaluation.samples:
        form[f"score-{by_code['hard_skill'].id}-{s.ticket_id}"] = "5"
        form[f"score-{by_code['soft_skill'].id}-{s.ticket_id}"] = "4"
        form[f"comment-{by_code['soft_skill'].id}-{s.ticket_id}"] = "Salam penutup kurang"
    form["summary"] = "Baik."
    # Discipline is missing: submitting is refused, the scores typed are kept.
    refused = qa.post(f"{url}/nilai", {**form, "action": "submit"})
    assert refused.status_code == 422 and "Belum dinilai: Disiplin" in html(refused)
    assert "Salam penutup kurang" in html(refused)
    form[f"score-{by_code['discipline'].id}-p"] = "9"
    bad = qa.post(f"{url}/nilai", {**form, "action": "save"})
    assert bad.status_code == 422 and "harus 1 sampai 5" in html(bad)
    form[f"score-{by_code['discipline'].id}-p"] = "4"
    assert qa.post(f"{url}/nilai", {**form, "action": "submit"}).status_code == 302
    db_session.refresh(evaluation)
    assert evaluation.status is EvaluationStatus.SUBMITTED
    # (35 × 5 + 25 × 4 + 20 × 4 + 20 × 1) / 5 = 75.
    assert evaluation.score == 75.0

    agent = signed_in(people["l1"])
    assert url in html(agent.get("/qa"))
    page = html(agent.get(url))
    assert "Salam penutup kurang" in page and "75.00" in page
    rv = re.search(r'name="row_version" type="hidden" value="(\d+)"', page)[1]
    response = agent.post(
        f"{url}/tanggapan", {"response": "Akan saya perbaiki.", "row_version": rv}
    )
    assert response.status_code == 302
    db_session.refresh(evaluation)
    assert evaluation.status is EvaluationStatus.ACKNOWLEDGED
    assert evaluation.agent_response == "Akan saya perbaiki."
    assert "Akan saya perbaiki." in html(qa.get(url))


def test_an_agent_cannot_see_another_agents_evaluation(people, tickets, signed_in):
    evaluation = services.create_evaluation(
        people["l1"], WEEK, sample_size=1, seed=1, actor=people["qa"], now=utcnow()
    )
    url = f"/qa/evaluasi/{evaluation.id}"
    # A draft is QA's own until submitted: not even the agent sees it.
    agent = signed_in(people["l1"])
    assert agent.get(url).status_code == 404
    _score_everything(evaluation, 3, 3, 3)
    services.submit_evaluation(evaluation, actor=people["qa"], now=utcnow())
    from hai.extensions import db

    db.session.commit()
    assert agent.get(url).status_code == 200
    other = signed_in(people["other"])
    assert other.get(url).status_code == 404
    assert url not in html(other.get("/qa"))
    assert other.post(f"{url}/tanggapan", {"response": "x"}).status_code == 404
    l2 = signed_in(people["l2"])
    assert l2.get(url).status_code == 404
    for supervisor in ("manajer", "koordinator", "qa"):
        browser = signed_in(people[supervisor])
        assert browser.get(url).status_code == 200, supervisor
        assert url in html(browser.get("/qa"))
    # QA cannot acknowledge in the agent's place.
    qa = signed_in(people["qa"])
    assert qa.post(f"{url}/tanggapan", {"response": "x"}).status_code == 403


def test_the_scorecard_page_makes_a_new_version(people, signed_in, db_session):
    qa = signed_in(people["qa"])
    page = html(qa.get("/qa/kartu-penilaian"))
    assert "calls_per_hour | Panggilan per jam | 20 | metrik:calls_per_hour:2,3,4,5" in page
    bad = qa.post("/qa/kartu-penilaian", {"criteria": "a | A | 50 | tiket", "note": ""})
    assert bad.status_code == 422 and "Jumlah bobot harus 100 (sekarang 50)" in html(bad)
    ok = qa.post(
        "/qa/kartu-penilaian",
        {"criteria": "a | A | 50 | tiket | x\nb | B | 50 | periode | y", "note": "Uji"},
    )
    assert ok.status_code == 302
    assert services.current_scorecard().version == 2
