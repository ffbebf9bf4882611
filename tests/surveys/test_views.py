"""The survey pages as people use them: staff build and read, invitees and requesters
answer, once."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.mail.models import OutboxMessage
from hai.surveys import jobs, services
from hai.surveys.models import Survey, SurveyInvitation, SurveyResponse, SurveyStatus
from hai.surveys.services import InviteRequest
from tests.surveys.conftest import build_survey

TOKEN_RE = re.compile(r"/survei/([A-Za-z0-9_-]+)")


def responses(db_session, survey) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    )


@pytest.fixture
def invited(app, db_session, people, group, gateway):
    """An open survey sent by email to the group; returns (survey, one person's token)."""
    with app.app_context():
        survey = build_survey(people["kasi"], utcnow())
        services.invite(
            survey,
            InviteRequest(group_ids=[group.id], channels=["email"]),
            actor=people["kasi"],
            now=utcnow(),
        )
        db_session.commit()
        jobs.deliver_invitations(utcnow())
    mail = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_addr == "cso1@kemenkeu.go.id")
    )
    return survey, TOKEN_RE.search(mail.body).group(1)


def form_for(survey, **over) -> dict:
    q = {x.kind.value: x for x in survey.questions}
    data = {
        q["choice"].field_name: "WhatsApp",
        q["multi"].field_name: ["SPAN", "OM-SPAN"],
        q["scale"].field_name: "5",
        q["text"].field_name: "Terima kasih.",
    }
    for kind, value in over.items():
        data[q[kind].field_name] = value
    return data


def test_staff_build_open_invite_and_read_results(
    app, db_session, people, group, gateway, login_as
):
    browser = login_as(people["kasi"])
    browser.get("/surveys/new")
    r = browser.post("/surveys/new", {"survey-title": "", "survey-description": ""})
    assert r.status_code == 422 and "Wajib diisi." in r.get_data(as_text=True)
    r = browser.post(
        "/surveys/new", {"survey-title": "Survei Edukasi SPAN", "survey-description": "Halo"}
    )
    assert r.status_code == 302
    survey = db_session.scalar(select(Survey).where(Survey.title == "Survei Edukasi SPAN"))
    page = f"/surveys/{survey.id}"
    browser.get(page)
    # A choice with one option is refused beside the options field.
    r = browser.post(
        f"{page}/questions",
        {"question-kind": "choice", "question-prompt": "Kanal?", "question-options": "Email"},
    )
    body = r.get_data(as_text=True)
    assert (
        r.status_code == 422 and "satu per baris" in body and 'id="question-options-error"' in body
    )
    for kind, prompt, options in (
        ("choice", "Kanal yang Anda pakai?", "Telepon\nEmail\nWhatsApp"),
        ("scale", "Kepuasan Anda?", ""),
        ("text", "Saran?", ""),
    ):
        r = browser.post(
            f"{page}/questions",
            {
                "question-kind": kind,
                "question-prompt": prompt,
                "question-options": options,
                "question-required": "y",
            },
        )
        assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    db_session.expire_all()
    scale = next(q for q in survey.questions if q.kind.value == "scale")
    browser.get(page)
    assert browser.post(f"{page}/questions/{scale.id}/up", {}).status_code == 302
    db_session.expire_all()
    assert [q.kind.value for q in survey.questions] == ["scale", "choice", "text"]
    text = next(q for q in survey.questions if q.kind.value == "text")
    browser.post(f"{page}/questions/{text.id}/remove", {})
    db_session.expire_all()
    assert len(survey.questions) == 2
    # Open, then invite the group by email and WhatsApp.
    assert browser.post(f"{page}/act/open", {}).status_code == 302
    db_session.expire_all()
    assert survey.status is SurveyStatus.OPEN
    browser.get(f"{page}/invite")
    r = browser.post(f"{page}/invite", {"group_ids": str(group.id)})
    assert r.status_code == 422 and "Pilih kanal" in r.get_data(as_text=True)
    r = browser.post(
        f"{page}/invite", {"group_ids": str(group.id), "channels": ["email", "whatsapp"]}
    )
    assert r.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(SurveyInvitation)) == 6
    assert len(gateway.sent) == 3  # sent at once; the scheduler does the retries
    # Results: an inline SVG chart followed by its table, and the XLSX.
    r = browser.get(f"/surveys/{survey.id}/results")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "<svg" in body and "<table" in body and "0 responden" in body
    r = browser.get(f"/surveys/{survey.id}/results.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in r.headers["Content-Disposition"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Jawaban", "Ringkasan"]
    # Questions are frozen once open; the survey closes.
    r = browser.post(f"{page}/questions", {"question-kind": "text", "question-prompt": "Lagi?"})
    assert r.status_code == 422 and "sudah dibuka" in r.get_data(as_text=True)
    browser.get(page)
    browser.post(f"{page}/act/close", {})
    db_session.expire_all()
    assert survey.status is SurveyStatus.CLOSED


def test_answering_by_the_link_once(invited, browser, db_session):
    survey, token = invited
    url = f"/survei/{token}"
    r = browser.get(url)
    assert r.status_code == 200 and "Kanal yang paling sering" in r.get_data(as_text=True)
    # Invalid answers: the form comes back with the message beside the question.
    scale = next(q for q in survey.questions if q.kind.value == "scale")
    r = browser.post(url, form_for(survey, scale="9", choice=""))
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'id="{scale.field_name}-error">Pilih nilai 1 sampai 5.' in body
    assert "wajib dijawab" in body
    assert 'value="SPAN" checked' in body  # what was given stays chosen
    assert responses(db_session, survey) == 0
    r = browser.post(url, form_for(survey))
    assert r.status_code == 200 and "jawaban Anda telah kami terima" in r.get_data(as_text=True)
    # Answering again (a second tab, a forwarded link) counts once.
    r = browser.post(url, form_for(survey, scale="1"))
    assert "sudah mengisi survei ini" in r.get_data(as_text=True)
    assert "sudah mengisi survei ini" in browser.get(url).get_data(as_text=True)
    assert responses(db_session, survey) == 1


def test_unknown_token_is_404_and_a_closed_survey_says_so(
    invited, app, browser, people, db_session
):
    survey, token = invited
    assert browser.get("/survei/bukan-token").status_code == 404
    assert browser.get("/survei/" + "x" * 300).status_code == 404
    with app.app_context():
        services.close_survey(survey, actor=people["kasi"], now=utcnow())
        db_session.commit()
    r = browser.get(f"/survei/{token}")
    assert r.status_code == 200 and "sudah ditutup" in r.get_data(as_text=True)
    r = browser.post(f"/survei/{token}", form_for(survey))
    assert "sudah ditutup" in r.get_data(as_text=True)
    assert responses(db_session, survey) == 0


def test_post_without_csrf_is_refused_on_the_public_page(invited, browser):
    survey, token = invited
    assert browser.post(f"/survei/{token}", form_for(survey), csrf=False).status_code == 400


def test_requester_answers_on_the_portal_once(app, db_session, people, login_as):
    with app.app_context():
        survey = build_survey(people["kasi"], utcnow())
        services.invite(
            survey,
            InviteRequest(requesters=True, user_types=[1]),
            actor=people["kasi"],
            now=utcnow(),
        )
        db_session.commit()
    browser = login_as(people["satker"])
    listing = browser.get("/portal/survei").get_data(as_text=True)
    assert survey.title in listing and "Belum diisi" in listing
    url = f"/portal/survei/{survey.id}"
    assert browser.get(url).status_code == 200
    assert browser.post(url, form_for(survey)).status_code == 200
    assert "sudah mengisi" in browser.post(url, form_for(survey)).get_data(as_text=True)
    assert "Sudah diisi" in browser.get("/portal/survei").get_data(as_text=True)
    stored = db_session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    assert stored.respondent_key == f"user:{people['satker'].id}" and stored.channel == "portal"
    assert responses(db_session, survey) == 1


def test_a_requester_not_invited_cannot_open_the_survey(
    app, db_session, people, make_user, login_as
):
    with app.app_context():
        survey = build_survey(people["kasi"], utcnow())
        services.invite(
            survey,
            InviteRequest(requesters=True, user_types=[1]),
            actor=people["kasi"],
            now=utcnow(),
        )
        db_session.commit()
    browser = login_as(people["kppn"])  # user type 2: not invited
    assert browser.get(f"/portal/survei/{survey.id}").status_code == 404
    assert survey.title not in browser.get("/portal/survei").get_data(as_text=True)


@pytest.mark.parametrize(
    "role,status",
    [(Role.QA, 200), (Role.MANAJER_LAYANAN, 200), (Role.AGEN_L1, 403), (Role.PENGGUNA, 403)],
)
def test_only_survey_managers_open_the_staff_pages(role, status, make_user, login_as):
    browser = login_as(make_user(role))
    assert browser.get("/surveys").status_code == status
