"""A demo survey, for `make run`: open, sent to the CSO of KPPN and to requesters on the
portal, with a few answers so that the results page has charts to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.broadcasts.models import RecipientGroup
from hai.extensions import db
from hai.surveys import jobs, services
from hai.surveys.models import InvitationChannel, Survey, SurveyInvitation
from hai.surveys.services import InviteRequest, QuestionData, Respondent, SurveyData

QUESTIONS = [
    QuestionData(
        "choice",
        "Melalui kanal apa Anda paling sering menghubungi HAI-DJPb?",
        ["Telepon 14090", "Email", "WhatsApp", "Portal HAI-DJPb", "Datang ke CSO KPPN"],
    ),
    QuestionData(
        "multi",
        "Aplikasi apa saja yang pernah Anda tanyakan kepada HAI-DJPb?",
        ["SAKTI", "SPAN", "OM-SPAN", "MPN G3", "Lainnya"],
    ),
    QuestionData(
        "scale",
        "Seberapa puas Anda dengan jawaban HAI-DJPb?",
        scale_low_label="Sangat tidak puas",
        scale_high_label="Sangat puas",
    ),
    QuestionData("text", "Apa saran Anda untuk perbaikan layanan?", required=False),
]

ANSWERS = [
    ("Telepon 14090", ["SAKTI", "OM-SPAN"], "4", "Waktu tunggu telepon pada awal bulan lama."),
    ("WhatsApp", ["SAKTI"], "5", "Jawaban cepat dan jelas."),
    ("Email", ["SPAN", "MPN G3"], "3", ""),
    ("WhatsApp", ["SAKTI", "SPAN"], "4", "Mohon tambah panduan video untuk revisi DIPA."),
]


def load_demo_survey(*, now: datetime) -> int:
    if db.session.scalar(select(Survey.id).limit(1)) is not None:
        return 0
    qa = db.session.scalar(select(User).where(User.email == "qa@demo.hai.test"))
    if qa is None:
        return 0
    started = now - timedelta(days=3)
    survey = services.create_survey(
        SurveyData(
            title="Survei Kepuasan Layanan HAI-DJPb Triwulan I",
            description=(
                "Bantu kami memperbaiki layanan HAI-DJPb. Survei ini berisi empat pertanyaan "
                "dan memerlukan sekitar dua menit."
            ),
            closes_at=now + timedelta(days=14),
        ),
        actor=qa,
        now=started,
    )
    for question in QUESTIONS:
        services.add_question(survey, question, actor=qa, now=started)
    services.open_survey(survey, actor=qa, now=started)
    group = db.session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    has_contacts = group is not None and any(c.is_active and c.email for c in group.contacts)
    services.invite(
        survey,
        InviteRequest(
            group_ids=[group.id] if has_contacts else [],
            channels=["email"] if has_contacts else [],
            requesters=True,
        ),
        actor=qa,
        now=started,
    )
    db.session.commit()
    jobs.deliver_invitations(now, survey_id=survey.id)
    # A few CSO answered; the demo requester has not, so that they can try.
    invited = db.session.scalars(
        select(SurveyInvitation)
        .where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.channel == InvitationChannel.EMAIL,
        )
        .order_by(SurveyInvitation.id)
    )
    by_kind = {q.kind.value: q.field_name for q in survey.questions}
    for n, (invitation, (choice, multi, scale, text)) in enumerate(
        zip(invited, ANSWERS, strict=False), start=1
    ):
        services.answer(
            survey,
            Respondent.invited(invitation),
            {
                by_kind["choice"]: choice,
                by_kind["multi"]: multi,
                by_kind["scale"]: scale,
                by_kind["text"]: text,
            },
            now=started + timedelta(hours=n * 5),
        )
    db.session.flush()
    return 1
