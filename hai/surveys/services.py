"""Surveys (Survei Perbendaharaan, PER-8 Pasal 16) as plain functions that the staff
pages, the portal, the public answer page, the scheduler and the tests all call.

draft → open → closed. Questions are edited only while the survey is a draft; an
open survey is invited to and answered; every respondent answers once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hai.audit.services import record
from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.broadcasts.models import RecipientContact, RecipientGroup
from hai.errors import RuleError
from hai.extensions import db
from hai.surveys.models import (
    InvitationChannel,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
PROMPT_MAX = 500
OPTION_MAX = 200
OPTIONS_MIN, OPTIONS_MAX = 2, 20
LABEL_MAX = 100
QUESTIONS_MAX = 50
TEXT_ANSWER_MAX = 2000
SCALE = (1, 2, 3, 4, 5)
CONTACT_CHANNELS = (InvitationChannel.EMAIL, InvitationChannel.WHATSAPP, InvitationChannel.SMS)


class SurveyError(RuleError):
    """A survey rule refused the change."""


class AnswerErrors(SurveyError):
    """Answers refused, with one message per question field (``q<id>``)."""

    def __init__(self, errors: dict[str, str]):
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class AlreadyAnswered(SurveyError):
    """This respondent has answered the survey already."""

    def __init__(self):
        super().__init__("Anda sudah mengisi survei ini. Terima kasih atas jawaban Anda.")


# --- building a survey -----------------------------------------------------------------


@dataclass
class SurveyData:
    title: str
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass
class QuestionData:
    kind: str
    prompt: str
    options: list[str] = field(default_factory=list)
    required: bool = True
    scale_low_label: str = ""
    scale_high_label: str = ""


def _check_survey(data: SurveyData) -> None:
    if not (data.title or "").strip():
        raise SurveyError("Judul survei wajib diisi.", "title")
    if len(data.title.strip()) > TITLE_MAX:
        raise SurveyError(f"Judul terlalu panjang (maksimum {TITLE_MAX} karakter).", "title")
    if len(data.description or "") > DESCRIPTION_MAX:
        raise SurveyError(
            f"Pengantar terlalu panjang (maksimum {DESCRIPTION_MAX} karakter).", "description"
        )
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise SurveyError("Waktu tutup harus setelah waktu buka.", "closes_at")


def _require(survey: Survey, *statuses: SurveyStatus, message: str) -> None:
    if survey.status not in statuses:
        raise SurveyError(message)


def _require_draft(survey: Survey) -> None:
    _require(
        survey,
        SurveyStatus.DRAFT,
        message="Survei sudah dibuka; pertanyaan dan keterangannya tidak dapat diubah lagi.",
    )


def create_survey(data: SurveyData, *, actor: User, now: datetime) -> Survey:
    _check_survey(data)
    survey = Survey(
        title=data.title.strip(),
        description=(data.description or "").strip(),
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        status=SurveyStatus.DRAFT,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(survey)
    db.session.flush()
    record("survey.created", now=now, actor=actor, target=survey, title=survey.title)
    return survey


def update_survey(survey: Survey, data: SurveyData, *, actor: User, now: datetime) -> Survey:
    _require_draft(survey)
    _check_survey(data)
    survey.title = data.title.strip()
    survey.description = (data.description or "").strip()
    survey.opens_at = data.opens_at
    survey.closes_at = data.closes_at
    db.session.flush()
    record("survey.updated", now=now, actor=actor, target=survey, title=survey.title)
    return survey


def _clean_question(data: QuestionData) -> dict:
    try:
        kind = QuestionKind(data.kind)
    except ValueError:
        raise SurveyError("Jenis pertanyaan tidak dikenal.", "kind") from None
    prompt = (data.prompt or "").strip()
    if not prompt:
        raise SurveyError("Pertanyaan wajib diisi.", "prompt")
    if len(prompt) > PROMPT_MAX:
        raise SurveyError(f"Pertanyaan terlalu panjang (maksimum {PROMPT_MAX} karakter).", "prompt")
    options: list[str] = []
    if kind.has_options:
        for option in data.options:
            option = " ".join((option or "").split())
            if not option:
                continue
            if len(option) > OPTION_MAX:
                raise SurveyError(
                    f"Pilihan terlalu panjang (maksimum {OPTION_MAX} karakter).", "options"
                )
            if option.casefold() in {o.casefold() for o in options}:
                raise SurveyError(f"Pilihan “{option}” tertulis dua kali.", "options")
            options.append(option)
        if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
            raise SurveyError(
                f"Tuliskan {OPTIONS_MIN} sampai {OPTIONS_MAX} pilihan, satu per baris.", "options"
            )
    low, high = "", ""
    if kind is QuestionKind.SCALE:
        low, high = (data.scale_low_label or "").strip(), (data.scale_high_label or "").strip()
        for value, name in ((low, "scale_low_label"), (high, "scale_high_label")):
            if len(value) > LABEL_MAX:
                raise SurveyError(f"Keterangan terlalu panjang (maksimum {LABEL_MAX}).", name)
    return {
        "kind": kind,
        "prompt": prompt,
        "options": options,
        "required": bool(data.required),
        "scale_low_label": low,
        "scale_high_label": high,
    }


def add_question(survey: Survey, data: QuestionData, *, actor: User, now: datetime):
    _require_draft(survey)
    if len(survey.questions) >= QUESTIONS_MAX:
        raise SurveyError(f"Satu survei berisi paling banyak {QUESTIONS_MAX} pertanyaan.", "prompt")
    values = _clean_question(data)
    position = max((q.position for q in survey.questions), default=0) + 1
    question = SurveyQuestion(survey=survey, position=position, **values)
    db.session.add(question)
    db.session.flush()
    record("survey.question_added", now=now, actor=actor, target=survey, prompt=question.prompt)
    return question


def update_question(question: SurveyQuestion, data: QuestionData, *, actor: User, now: datetime):
    _require_draft(question.survey)
    for name, value in _clean_question(data).items():
        setattr(question, name, value)
    db.session.flush()
    record(
        "survey.question_updated",
        now=now,
        actor=actor,
        target=question.survey,
        prompt=question.prompt,
    )
    return question


def remove_question(question: SurveyQuestion, *, actor: User, now: datetime) -> None:
    survey = question.survey
    _require_draft(survey)
    survey.questions.remove(question)
    for n, q in enumerate(survey.questions, start=1):
        q.position = n
    db.session.flush()
    record("survey.question_removed", now=now, actor=actor, target=survey, prompt=question.prompt)


def move_question(question: SurveyQuestion, step: int, *, actor: User, now: datetime) -> None:
    """Move a question one place up (step -1) or down (+1)."""
    survey = question.survey
    _require_draft(survey)
    order = list(survey.questions)
    i = order.index(question)
    j = i + (1 if step > 0 else -1)
    if not 0 <= j < len(order):
        return
    order[i], order[j] = order[j], order[i]
    for n, q in enumerate(order, start=1):
        q.position = n
    db.session.flush()
    db.session.expire(survey, ["questions"])


def open_survey(survey: Survey, *, actor: User, now: datetime) -> None:
    _require(survey, SurveyStatus.DRAFT, message="Hanya draf survei yang dapat dibuka.")
    if not survey.questions:
        raise SurveyError("Tambahkan sedikitnya satu pertanyaan sebelum survei dibuka.")
    if survey.closes_at is not None and survey.closes_at <= now:
        raise SurveyError("Waktu tutup survei sudah lewat; ubah dahulu.", "closes_at")
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    db.session.flush()
    record("survey.opened", now=now, actor=actor, target=survey, questions=len(survey.questions))


def close_survey(survey: Survey, *, actor: User, now: datetime) -> None:
    _require(survey, SurveyStatus.OPEN, message="Hanya survei yang sedang dibuka dapat ditutup.")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    db.session.flush()
    record("survey.closed", now=now, actor=actor, target=survey)


# --- invitations -----------------------------------------------------------------------


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def invitation_token(invitation: SurveyInvitation) -> str:
    """The token of the invitation's link, derived from its random nonce and the app's
    secret key: the sender can rebuild it after a crash (so a resumed send repeats the
    very same link, which the outbox and the gateway then deduplicate), while the
    database alone holds no working link, only the token's SHA-256."""
    digest = hmac.new(_secret(), f"survey-invitation:{invitation.token_nonce}".encode(), "sha256")
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_invitation(survey: Survey, now: datetime, **values) -> SurveyInvitation:
    invitation = SurveyInvitation(
        survey=survey,
        token_nonce=secrets.token_hex(16),
        created_at=now,
        next_attempt_at=max(now, survey.opens_at or now),
        attempts=0,
        **values,
    )
    invitation.token_hash = token_hash(invitation_token(invitation))
    return invitation


@dataclass
class InviteRequest:
    group_ids: list[int] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)  # email / whatsapp / sms
    requesters: bool = False
    user_types: list[int] = field(default_factory=list)  # empty: every type


def planned_invitations(survey: Survey, req: InviteRequest) -> list[dict]:
    """Every (channel, address) the request reaches, once each."""
    rows: dict[tuple[str, str], dict] = {}
    groups = (
        list(db.session.scalars(select(RecipientGroup).where(RecipientGroup.id.in_(req.group_ids))))
        if req.group_ids
        else []
    )
    contacts: list[RecipientContact] = [
        c for g in groups if g.is_active for c in g.contacts if c.is_active
    ]
    for code in req.channels:
        channel = InvitationChannel(code)
        for c in contacts:
            address = c.email.lower() if channel is InvitationChannel.EMAIL else c.phone
            if address:
                rows.setdefault(
                    (channel.value, address),
                    {"channel": channel, "address": address, "name": c.name, "contact_id": c.id},
                )
    if req.requesters:
        query = (
            select(User)
            .join(UserRole)
            .where(
                UserRole.role == Role.PENGGUNA,
                User.is_active.is_(True),
                User.activation_pending.is_(False),
            )
            .order_by(User.id)
        )
        if req.user_types:
            query = query.where(User.user_type.in_(req.user_types))
        for user in db.session.scalars(query):
            rows.setdefault(
                ("portal", user.email),
                {
                    "channel": InvitationChannel.PORTAL,
                    "address": user.email,
                    "name": user.name,
                    "user_id": user.id,
                },
            )
    return list(rows.values())


def invite(survey: Survey, req: InviteRequest, *, actor: User, now: datetime) -> int:
    """Queue an invitation for everyone the request reaches who has none yet on that
    channel; returns how many were queued. ``deliver_invitations`` sends them."""
    _require(survey, SurveyStatus.OPEN, message="Undangan hanya untuk survei yang sedang dibuka.")
    if survey.closes_at is not None and survey.closes_at <= now:
        raise SurveyError("Waktu pengisian survei sudah berakhir.")
    known = {c.value for c in CONTACT_CHANNELS}
    unknown = [c for c in req.channels if c not in known]
    if unknown:
        raise SurveyError("Kanal tidak dikenal: " + ", ".join(unknown) + ".", "channels")
    if req.group_ids and not req.channels:
        raise SurveyError("Pilih kanal untuk kelompok penerima.", "channels")
    if req.channels and not req.group_ids:
        raise SurveyError("Pilih kelompok penerima untuk kanal itu.", "group_ids")
    if not req.group_ids and not req.requesters:
        raise SurveyError("Pilih kelompok penerima atau pengguna layanan.", "group_ids")
    bad_types = [t for t in req.user_types if not 1 <= t <= 11]
    if bad_types:
        raise SurveyError("Jenis pengguna tidak dikenal.", "user_types")
    existing = set(
        db.session.execute(
            select(SurveyInvitation.channel, SurveyInvitation.address).where(
                SurveyInvitation.survey_id == survey.id
            )
        ).all()
    )
    queued = 0
    for row in planned_invitations(survey, req):
        if (row["channel"], row["address"]) in existing:
            continue
        db.session.add(
            _new_invitation(
                survey,
                now,
                channel=row["channel"],
                address=row["address"][:254],
                recipient_name=row["name"][:200],
                contact_id=row.get("contact_id"),
                user_id=row.get("user_id"),
            )
        )
        queued += 1
    if not queued:
        raise SurveyError(
            "Tidak ada penerima baru: semua sudah diundang atau tidak punya alamat di kanal itu.",
            "group_ids",
        )
    db.session.flush()
    record(
        "survey.invited",
        now=now,
        actor=actor,
        target=survey,
        invitations=queued,
        groups=req.group_ids,
        channels=req.channels,
        requesters=req.requesters,
        user_types=req.user_types,
    )
    return queued


def invitation_for_token(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(SurveyInvitation).where(SurveyInvitation.token_hash == token_hash(token))
    )


def portal_invitation(survey: Survey, user: User) -> SurveyInvitation | None:
    return db.session.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.channel == InvitationChannel.PORTAL,
            SurveyInvitation.user_id == user.id,
        )
    )


# --- answering -------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """Who answers: an invited person (by the invitation) or a logged-in requester."""

    key: str
    channel: str
    invitation_id: int | None = None
    user_id: int | None = None

    @classmethod
    def invited(cls, invitation: SurveyInvitation) -> Respondent:
        return cls(f"inv:{invitation.id}", invitation.channel.value, invitation_id=invitation.id)

    @classmethod
    def requester(cls, user: User) -> Respondent:
        return cls(f"user:{user.id}", InvitationChannel.PORTAL.value, user_id=user.id)


def has_answered(survey: Survey, respondent: Respondent) -> bool:
    found = db.session.scalar(
        select(SurveyResponse.id).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.respondent_key == respondent.key,
        )
    )
    return found is not None


def clean_answers(survey: Survey, raw: dict[str, object]) -> list[dict]:
    """Check each answer against its question; ``raw`` maps ``q<id>`` to a string (a
    list of strings for multiple choice). Raises AnswerErrors with every problem."""
    errors: dict[str, str] = {}
    clean: list[dict] = []
    for q in survey.questions:
        value = raw.get(q.field_name)
        values = [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]
        values = [str(v).strip() if q.kind is not QuestionKind.TEXT else str(v) for v in values]
        values = [v for v in values if v.strip()]
        if not values:
            if q.required:
                errors[q.field_name] = "Pertanyaan ini wajib dijawab."
            continue
        if q.kind is QuestionKind.CHOICE:
            if len(values) != 1 or values[0] not in q.options:
                errors[q.field_name] = "Pilih salah satu pilihan yang tersedia."
                continue
            clean.append({"question": q, "value_text": values[0]})
        elif q.kind is QuestionKind.MULTI:
            chosen = list(dict.fromkeys(values))
            if any(v not in q.options for v in chosen):
                errors[q.field_name] = "Pilih hanya dari pilihan yang tersedia."
                continue
            ordered = [o for o in q.options if o in chosen]
            clean.append({"question": q, "value_list": ordered, "value_text": "; ".join(ordered)})
        elif q.kind is QuestionKind.SCALE:
            if len(values) != 1 or values[0] not in {str(n) for n in SCALE}:
                errors[q.field_name] = "Pilih nilai 1 sampai 5."
                continue
            clean.append({"question": q, "value_number": int(values[0]), "value_text": values[0]})
        else:
            text = values[0].strip()
            if len(values) != 1 or len(text) > TEXT_ANSWER_MAX:
                errors[q.field_name] = f"Jawaban paling panjang {TEXT_ANSWER_MAX} karakter."
                continue
            clean.append({"question": q, "value_text": text})
    if errors:
        raise AnswerErrors(errors)
    return clean


def answer(
    survey: Survey, respondent: Respondent, raw: dict[str, object], *, now: datetime
) -> SurveyResponse:
    """Store one respondent's answers, once: a second submission raises AlreadyAnswered.

    The check before the insert gives the friendly answer; the unique constraint on
    (survey, respondent_key) is the last word when two submissions race.
    """
    if not survey.accepting(now):
        raise SurveyError(closed_message(survey, now))
    if has_answered(survey, respondent):
        raise AlreadyAnswered()
    clean = clean_answers(survey, raw)
    response = SurveyResponse(
        survey_id=survey.id,
        respondent_key=respondent.key,
        invitation_id=respondent.invitation_id,
        user_id=respondent.user_id,
        channel=respondent.channel,
        submitted_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
            for row in clean:
                db.session.add(
                    SurveyAnswer(
                        response_id=response.id,
                        question_id=row["question"].id,
                        value_text=row.get("value_text", ""),
                        value_number=row.get("value_number"),
                        value_list=row.get("value_list"),
                    )
                )
            db.session.flush()
    except IntegrityError:
        if has_answered(survey, respondent):
            raise AlreadyAnswered() from None
        raise
    return response


def closed_message(survey: Survey, now: datetime) -> str:
    if survey.status is SurveyStatus.OPEN and survey.opens_at and now < survey.opens_at:
        return "Survei ini belum dibuka untuk diisi."
    return "Survei ini sudah ditutup. Terima kasih atas perhatian Anda."
