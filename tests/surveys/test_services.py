"""Surveys end to end through the services: build, open, invite, answer once, summarise."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.broadcasts.models import DeliveryStatus
from hai.errors import RuleError
from hai.mail.models import OutboxMessage
from hai.surveys import jobs, queries, services
from hai.surveys.models import (
    InvitationChannel,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
)
from hai.surveys.services import InviteRequest, QuestionData, Respondent, SurveyData
from tests.surveys.conftest import answers_for, build_survey
from tests.tickets.conftest import at

NOW = at(2026, 3, 2, 9)
TOKEN_RE = re.compile(r"/survei/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def app_context(app, db_session):
    """The services read settings (secret key, gateway, public URL) from the app."""
    with app.app_context():
        yield


def responses(db_session, survey) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    )


def test_build_open_invite_answer_and_summarise(db_session, people, group, gateway):
    survey = build_survey(people["kasi"], NOW)
    db_session.commit()
    assert survey.status is SurveyStatus.OPEN and [q.position for q in survey.questions] == [
        1,
        2,
        3,
        4,
    ]
    queued = services.invite(
        survey,
        InviteRequest(group_ids=[group.id], channels=["email", "whatsapp"]),
        actor=people["kasi"],
        now=NOW,
    )
    db_session.commit()
    assert queued == 6  # three active CSO by email and by WhatsApp
    assert jobs.deliver_invitations(NOW) == {"sent": 6, "retry": 0, "failed": 0}
    assert jobs.deliver_invitations(NOW) == {"sent": 0, "retry": 0, "failed": 0}  # once each
    # Email through the outbox with a personal link; WhatsApp through the gateway.
    mails = list(
        db_session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("%Survei%")))
    )
    assert sorted(m.to_addr for m in mails) == [f"cso{n}@kemenkeu.go.id" for n in (1, 2, 3)]
    assert "lama@kemenkeu.go.id" not in {m.to_addr for m in mails}
    assert len(gateway.sent) == 3 and {m["channel"] for m in gateway.sent.values()} == {"whatsapp"}
    tokens = [TOKEN_RE.search(m.body).group(1) for m in mails]
    tokens += [TOKEN_RE.search(m["text"]).group(1) for m in gateway.sent.values()]
    assert len(set(tokens)) == 6
    # Only the token's SHA-256 is stored, never the token.
    stored = list(db_session.scalars(select(SurveyInvitation)))
    assert {i.token_hash for i in stored} == {services.token_hash(t) for t in tokens}
    assert not any(t in (i.token_hash, i.token_nonce) for t in tokens for i in stored)

    # Three people answer by their links.
    given = [
        ("Email", ["SPAN", "SAKTI"], "4", "Respons cepat."),
        ("Email", ["SPAN"], "5", ""),
        ("Telepon", ["OM-SPAN", "SPAN"], "2", "Antrean telepon lama."),
    ]
    for token, (choice, multi, scale, text) in zip(tokens, given, strict=False):
        invitation = services.invitation_for_token(token)
        services.answer(
            survey,
            Respondent.invited(invitation),
            answers_for(survey, choice, multi, scale, text),
            now=at(2026, 3, 2, 10),
        )
    db_session.commit()
    assert responses(db_session, survey) == 3

    by_kind = {s.question.kind.value: s for s in queries.summary(survey)}
    choice = {r.label: (r.count, r.percent) for r in by_kind["choice"].rows}
    assert choice == {"Telepon": (1, 33.3), "Email": (2, 66.7), "WhatsApp": (0, 0.0)}
    multi = {r.label: (r.count, r.percent) for r in by_kind["multi"].rows}
    assert multi == {"SPAN": (3, 100.0), "SAKTI": (1, 33.3), "OM-SPAN": (1, 33.3)}
    scale = [r.count for r in by_kind["scale"].rows]
    assert scale == [0, 1, 0, 1, 1] and by_kind["scale"].mean == pytest.approx(3.67)
    assert by_kind["scale"].rows[0].label == "1 (Sangat tidak puas)"
    assert sorted(by_kind["text"].texts) == ["Antrean telepon lama.", "Respons cepat."]
    assert by_kind["text"].answered == 2  # optional, left empty once
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.invited"))


def test_the_same_respondent_answering_twice_counts_once(db_session, people, group, gateway):
    survey = build_survey(people["kasi"], NOW)
    services.invite(
        survey,
        InviteRequest(group_ids=[group.id], channels=["email"]),
        actor=people["kasi"],
        now=NOW,
    )
    db_session.commit()
    invitation = db_session.scalar(select(SurveyInvitation).order_by(SurveyInvitation.id))
    who = Respondent.invited(invitation)
    services.answer(survey, who, answers_for(survey, scale="5"), now=at(2026, 3, 2, 10))
    db_session.commit()
    with pytest.raises(services.AlreadyAnswered):
        services.answer(survey, who, answers_for(survey, scale="1"), now=at(2026, 3, 2, 11))
    db_session.rollback()
    assert responses(db_session, survey) == 1
    [scale] = [s for s in queries.summary(survey) if s.question.kind.value == "scale"]
    assert scale.mean == 5


def test_the_unique_constraint_is_the_last_word_under_a_race(
    db_session, people, group, monkeypatch
):
    """Two submissions that both passed the friendly check: the second insert hits the
    unique constraint inside its savepoint and is told it already answered."""
    survey = build_survey(people["kasi"], NOW)
    db_session.commit()
    who = Respondent.requester(people["satker"])
    services.answer(survey, who, answers_for(survey), now=at(2026, 3, 2, 10))
    db_session.commit()
    calls = {"n": 0}
    real = services.has_answered

    def blind_first_check(survey_, respondent):
        calls["n"] += 1
        return False if calls["n"] == 1 else real(survey_, respondent)

    monkeypatch.setattr(services, "has_answered", blind_first_check)
    with pytest.raises(services.AlreadyAnswered):
        services.answer(survey, who, answers_for(survey, scale="1"), now=at(2026, 3, 2, 11))
    assert calls["n"] == 2  # the friendly check was passed; the constraint decided
    # The outer transaction is still usable after the savepoint's rollback.
    db_session.commit()
    assert responses(db_session, survey) == 1
    assert (
        db_session.scalar(
            select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.value_number == 1)
        )
        == 0
    )


@pytest.mark.parametrize(
    "over,field,message",
    [
        ({"choice": ""}, "choice", "wajib dijawab"),
        ({"choice": "Faks"}, "choice", "pilihan yang tersedia"),
        ({"multi": ["SPAN", "Lainnya"]}, "multi", "hanya dari pilihan"),
        ({"multi": []}, "multi", "wajib dijawab"),
        ({"scale": "6"}, "scale", "1 sampai 5"),
        ({"scale": "tiga"}, "scale", "1 sampai 5"),
        ({"text": "x" * 2001}, "text", "2000"),
    ],
)
def test_invalid_answers_are_refused_per_question_and_nothing_stored(
    db_session, people, over, field, message
):
    survey = build_survey(people["kasi"], NOW)
    db_session.commit()
    values = dict(choice="Email", multi=["SPAN"], scale="3", text="")
    values.update(over)
    raw = answers_for(survey, **values)
    with pytest.raises(services.AnswerErrors) as err:
        services.answer(survey, Respondent.requester(people["satker"]), raw, now=NOW)
    db_session.rollback()
    q = next(q for q in survey.questions if q.kind.value == field)
    assert list(err.value.errors) == [q.field_name]
    assert message in err.value.errors[q.field_name]
    assert responses(db_session, survey) == 0


def test_questions_are_validated_and_frozen_once_open(db_session, people):
    survey = build_survey(people["kasi"], NOW, open_it=False)
    with pytest.raises(RuleError) as err:
        services.add_question(
            survey, QuestionData("choice", "Satu pilihan?", ["Ya"]), actor=people["kasi"], now=NOW
        )
    assert err.value.field == "options"
    with pytest.raises(RuleError) as err:
        services.add_question(survey, QuestionData("scale", ""), actor=people["kasi"], now=NOW)
    assert err.value.field == "prompt"
    with pytest.raises(RuleError) as err:
        services.add_question(
            survey, QuestionData("multi", "Dua kali?", ["A", "a"]), actor=people["kasi"], now=NOW
        )
    assert err.value.field == "options"
    # Reorder and remove while a draft.
    last = survey.questions[-1]
    services.move_question(last, -1, actor=people["kasi"], now=NOW)
    assert [q.kind.value for q in survey.questions] == ["choice", "multi", "text", "scale"]
    services.remove_question(survey.questions[0], actor=people["kasi"], now=NOW)
    assert [(q.position, q.kind.value) for q in survey.questions] == [
        (1, "multi"),
        (2, "text"),
        (3, "scale"),
    ]
    services.open_survey(survey, actor=people["kasi"], now=NOW)
    with pytest.raises(RuleError):
        services.add_question(survey, QuestionData("text", "Lagi?"), actor=people["kasi"], now=NOW)
    with pytest.raises(RuleError):
        services.remove_question(survey.questions[0], actor=people["kasi"], now=NOW)
    with pytest.raises(RuleError):
        services.update_survey(survey, SurveyData(title="Baru"), actor=people["kasi"], now=NOW)


def test_a_survey_without_questions_cannot_open(db_session, people):
    survey = services.create_survey(SurveyData(title="Kosong"), actor=people["kasi"], now=NOW)
    with pytest.raises(RuleError, match="sedikitnya satu pertanyaan"):
        services.open_survey(survey, actor=people["kasi"], now=NOW)
    with pytest.raises(RuleError) as err:
        services.create_survey(SurveyData(title=""), actor=people["kasi"], now=NOW)
    assert err.value.field == "title"


def test_closed_survey_takes_no_answers_and_sends_no_more_invitations(
    db_session, people, group, gateway
):
    survey = build_survey(people["kasi"], NOW)
    services.invite(
        survey, InviteRequest(group_ids=[group.id], channels=["sms"]), actor=people["kasi"], now=NOW
    )
    services.close_survey(survey, actor=people["kasi"], now=NOW)
    db_session.commit()
    assert jobs.deliver_invitations(NOW) == {"sent": 0, "retry": 0, "failed": 3}
    assert gateway.sent == {}
    with pytest.raises(RuleError, match="ditutup"):
        services.answer(
            survey, Respondent.requester(people["satker"]), answers_for(survey), now=NOW
        )
    with pytest.raises(RuleError):
        services.invite(
            survey,
            InviteRequest(group_ids=[group.id], channels=["email"]),
            actor=people["kasi"],
            now=NOW,
        )


def test_requesters_are_invited_on_the_portal_by_user_type(db_session, people, group):
    from hai.tickets.models import Notification

    survey = build_survey(people["kasi"], NOW)
    queued = services.invite(
        survey, InviteRequest(requesters=True, user_types=[1]), actor=people["kasi"], now=NOW
    )
    db_session.commit()
    invitations = list(db_session.scalars(select(SurveyInvitation)))
    assert queued == 1 and invitations[0].user_id == people["satker"].id
    assert invitations[0].channel is InvitationChannel.PORTAL
    assert jobs.deliver_invitations(NOW)["sent"] == 1
    note = db_session.scalar(
        select(Notification).where(Notification.user_id == people["satker"].id)
    )
    assert note is not None and "Survei" in note.text
    mail = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_addr == "satker@contoh.go.id")
    )
    assert f"/portal/survei/{survey.id}" in mail.body
    assert queries.open_surveys_for(people["satker"]) == [survey]
    assert queries.open_surveys_for(people["kppn"]) == []
    # Inviting the same people again adds nobody.
    with pytest.raises(RuleError, match="Tidak ada penerima baru"):
        services.invite(
            survey, InviteRequest(requesters=True, user_types=[1]), actor=people["kasi"], now=NOW
        )


def test_invitation_request_is_checked_with_its_field(db_session, people, group):
    survey = build_survey(people["kasi"], NOW)
    for req, field in (
        (InviteRequest(), "group_ids"),
        (InviteRequest(group_ids=[group.id]), "channels"),
        (InviteRequest(channels=["email"]), "group_ids"),
        (InviteRequest(group_ids=[group.id], channels=["fax"]), "channels"),
    ):
        with pytest.raises(RuleError) as err:
            services.invite(survey, req, actor=people["kasi"], now=NOW)
        assert err.value.field == field


def test_invitations_wait_until_the_survey_opens(db_session, people, group, gateway):
    survey = build_survey(people["kasi"], NOW, opens_at=at(2026, 3, 3, 8))
    services.invite(
        survey,
        InviteRequest(group_ids=[group.id], channels=["whatsapp"]),
        actor=people["kasi"],
        now=NOW,
    )
    db_session.commit()
    assert jobs.deliver_invitations(NOW)["sent"] == 0
    with pytest.raises(RuleError, match="belum dibuka"):
        services.answer(
            survey, Respondent.requester(people["satker"]), answers_for(survey), now=NOW
        )
    assert jobs.deliver_invitations(at(2026, 3, 3, 8))["sent"] == 3


def test_a_crash_after_the_hand_over_resends_the_same_link_once(
    db_session, people, group, monkeypatch
):
    from hai.broadcasts.gateway import RecordingGateway

    survey = build_survey(people["kasi"], NOW)
    services.invite(
        survey,
        InviteRequest(group_ids=[group.id], channels=["whatsapp"]),
        actor=people["kasi"],
        now=NOW,
    )
    db_session.commit()
    provider = RecordingGateway()
    calls = {"n": 0}

    class Crashing:
        def send(self, **kw):
            calls["n"] += 1
            accepted = provider.send(**kw)
            if calls["n"] == 2:
                raise KeyboardInterrupt  # dies after the hand-over, before the commit
            return accepted

    monkeypatch.setattr(jobs, "gateway_from_config", lambda config: Crashing())
    with pytest.raises(KeyboardInterrupt):
        jobs.deliver_invitations(NOW)
    db_session.rollback()
    monkeypatch.setattr(jobs, "gateway_from_config", lambda config: provider)
    jobs.deliver_invitations(NOW)
    statuses = list(db_session.scalars(select(SurveyInvitation.status)))
    assert statuses == [DeliveryStatus.SENT] * 3
    assert len(provider.sent) == 3  # the second person got one message, not two
    # And its link works: the token rebuilt after the crash is the one sent.
    for message in provider.sent.values():
        token = TOKEN_RE.search(message["text"]).group(1)
        assert services.invitation_for_token(token) is not None


def test_xlsx_has_a_row_per_response_and_the_summary(db_session, people):
    from openpyxl import load_workbook

    survey = build_survey(people["kasi"], NOW)
    services.answer(
        survey,
        Respondent.requester(people["satker"]),
        answers_for(survey, text='=HYPERLINK("http://x")'),
        now=NOW,
    )
    services.answer(
        survey, Respondent.requester(people["kppn"]), answers_for(survey, scale="2"), now=NOW
    )
    db_session.commit()
    book = load_workbook(io.BytesIO(queries.export_xlsx(survey)))
    assert book.sheetnames == ["Jawaban", "Ringkasan"]
    rows = list(book["Jawaban"].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][3].startswith("1. Kanal")
    assert [r[5] for r in rows[1:]] == [4, 2]  # the scale column
    assert rows[1][6] == '\'=HYPERLINK("http://x")'  # neutralised, not a formula
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert summary[1][:2] == ("Jumlah responden", 2)
    assert any(r[3] == "Rata-rata" and r[4] == 3 for r in summary)
    assert any(r[3] == "SPAN" and r[4] == 2 and r[5] == 1 for r in summary)
