"""People, recipients and a survey to answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.broadcasts.gateway import RecordingGateway
from hai.broadcasts.models import RecipientContact, RecipientGroup
from hai.surveys import jobs, services
from hai.surveys.services import QuestionData, SurveyData


@pytest.fixture
def people(make_user):
    return {
        "kasi": make_user(Role.KEPALA_SEKSI, name="Kasi"),
        "qa": make_user(Role.QA, name="QA"),
        "l1": make_user(Role.AGEN_L1, name="Agen"),
        "satker": make_user(Role.PENGGUNA, user_type=1, email="satker@contoh.go.id"),
        "kppn": make_user(Role.PENGGUNA, user_type=2, email="kppn@kemenkeu.go.id"),
    }


@pytest.fixture
def group(db_session):
    g = db_session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    for n in range(1, 4):
        g.contacts.append(
            RecipientContact(
                name=f"CSO KPPN {n}", email=f"cso{n}@kemenkeu.go.id", phone=f"08120000000{n}"
            )
        )
    g.contacts.append(
        RecipientContact(name="Tidak aktif", email="lama@kemenkeu.go.id", is_active=False)
    )
    db_session.commit()
    return g


@pytest.fixture
def gateway(monkeypatch):
    recording = RecordingGateway()
    monkeypatch.setattr(jobs, "gateway_from_config", lambda config: recording)
    return recording


QUESTIONS = [
    QuestionData(
        "choice", "Kanal yang paling sering Anda pakai?", ["Telepon", "Email", "WhatsApp"]
    ),
    QuestionData("multi", "Layanan yang pernah Anda gunakan?", ["SPAN", "SAKTI", "OM-SPAN"]),
    QuestionData(
        "scale",
        "Kepuasan Anda?",
        scale_low_label="Sangat tidak puas",
        scale_high_label="Sangat puas",
    ),
    QuestionData("text", "Saran Anda?", required=False),
]


def build_survey(actor, now, *, open_it=True, **over):
    data = SurveyData(title="Survei Kepuasan Layanan 2026", description="Mohon diisi.")
    for key, value in over.items():
        setattr(data, key, value)
    survey = services.create_survey(data, actor=actor, now=now)
    for q in QUESTIONS:
        services.add_question(survey, q, actor=actor, now=now)
    if open_it:
        services.open_survey(survey, actor=actor, now=now)
    return survey


def answers_for(survey, choice="Email", multi=("SPAN", "SAKTI"), scale="4", text="Bagus"):
    q = {x.kind.value: x for x in survey.questions}
    return {
        q["choice"].field_name: choice,
        q["multi"].field_name: list(multi),
        q["scale"].field_name: scale,
        q["text"].field_name: text,
    }
