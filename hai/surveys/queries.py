"""Reading a survey's answers: the summary per question, the charts' numbers, the XLSX."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from hai.broadcasts.models import DeliveryStatus
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
from hai.surveys.services import SCALE
from hai.web.charts import bar_chart
from hai.web.spreadsheet import safe_cell
from hai.web.timefmt import format_datetime

TEXTS_SHOWN = 200  # text answers listed on the page; the XLSX has all


def decimal(value: float | None, places: int = 1) -> str:
    """66.7 as Indonesian readers write it: 66,7."""
    return "—" if value is None else f"{value:.{places}f}".replace(".", ",")


@dataclass
class Row:
    label: str
    count: int
    percent: float  # of the respondents who answered the question

    @property
    def percent_text(self) -> str:
        return decimal(self.percent) + "%"


@dataclass
class QuestionSummary:
    question: SurveyQuestion
    answered: int
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    more_texts: int = 0

    @property
    def mean_text(self) -> str:
        return decimal(self.mean, 2)


def response_count(survey: Survey) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    )


def invitation_counts(survey: Survey) -> dict[tuple[InvitationChannel, DeliveryStatus], int]:
    rows = db.session.execute(
        select(SurveyInvitation.channel, SurveyInvitation.status, func.count())
        .where(SurveyInvitation.survey_id == survey.id)
        .group_by(SurveyInvitation.channel, SurveyInvitation.status)
    ).all()
    return {(channel, status): n for channel, status, n in rows}


def _percent(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def summary(survey: Survey, *, texts_limit: int | None = TEXTS_SHOWN) -> list[QuestionSummary]:
    """Per question: counts and percentages of each option (or scale value), the mean
    of a scale, the text answers (newest first)."""
    answers: dict[int, list[SurveyAnswer]] = {q.id: [] for q in survey.questions}
    for a in db.session.scalars(
        select(SurveyAnswer)
        .join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyResponse.submitted_at.desc(), SurveyAnswer.id.desc())
    ):
        answers.setdefault(a.question_id, []).append(a)
    result = []
    for q in survey.questions:
        given = answers.get(q.id, [])
        s = QuestionSummary(question=q, answered=len(given))
        if q.kind is QuestionKind.CHOICE:
            counts = Counter(a.value_text for a in given)
            s.rows = [Row(o, counts[o], _percent(counts[o], len(given))) for o in q.options]
        elif q.kind is QuestionKind.MULTI:
            counts = Counter(v for a in given for v in (a.value_list or []))
            s.rows = [Row(o, counts[o], _percent(counts[o], len(given))) for o in q.options]
        elif q.kind is QuestionKind.SCALE:
            counts = Counter(a.value_number for a in given)
            s.rows = [
                Row(scale_label(q, n), counts[n], _percent(counts[n], len(given))) for n in SCALE
            ]
            if given:
                s.mean = round(sum(a.value_number for a in given) / len(given), 2)
        else:
            texts = [a.value_text for a in given if a.value_text]
            shown = texts if texts_limit is None else texts[:texts_limit]
            s.texts, s.more_texts = shown, len(texts) - len(shown)
        result.append(s)
    return result


def scale_label(q: SurveyQuestion, n: int) -> str:
    if n == SCALE[0] and q.scale_low_label:
        return f"{n} ({q.scale_low_label})"
    if n == SCALE[-1] and q.scale_high_label:
        return f"{n} ({q.scale_high_label})"
    return str(n)


# --- the charts: plain numbers for a server-rendered SVG -----------------------------------


def chart(s: QuestionSummary) -> dict:
    """Geometry of a horizontal bar chart: one bar per row, scaled to the largest."""
    return bar_chart([(r.label, r.count, r.percent_text) for r in s.rows])


# --- the XLSX export -----------------------------------------------------------------------


def export_xlsx(survey: Survey) -> bytes:
    """Two sheets: every response (one row each, one column per question) and the
    summary. Respondents are not named: the channel they came by is enough to read it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Jawaban"
    questions = list(survey.questions)
    header = ["No.", "Waktu (WIB)", "Kanal"] + [
        f"{i}. {q.prompt}" for i, q in enumerate(questions, start=1)
    ]
    sheet.append([safe_cell(h) for h in header])
    responses = list(
        db.session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
        )
    )
    for n, r in enumerate(responses, start=1):
        by_question = {a.question_id: a for a in r.answers}
        row = [n, format_datetime(r.submitted_at), _channel_label(r.channel)]
        for q in questions:
            a = by_question.get(q.id)
            if a is None:
                row.append(None)
            elif q.kind is QuestionKind.SCALE:
                row.append(a.value_number)
            else:
                row.append(safe_cell(a.value_text))
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    book_summary = book.create_sheet("Ringkasan")
    book_summary.append([safe_cell(survey.title)])
    book_summary.append(["Jumlah responden", len(responses)])
    book_summary.append([])
    book_summary.append(["No.", "Pertanyaan", "Jenis", "Jawaban", "Jumlah", "Persen"])
    for cell in book_summary[4]:
        cell.font = Font(bold=True)
    for i, s in enumerate(summary(survey, texts_limit=None), start=1):
        prompt, kind = safe_cell(s.question.prompt), s.question.kind.label
        if s.question.kind is QuestionKind.TEXT:
            book_summary.append(
                [i, prompt, kind, "Jawaban teks (lihat lembar Jawaban)", s.answered]
            )
            continue
        for r in s.rows:
            book_summary.append([i, prompt, kind, safe_cell(r.label), r.count, r.percent / 100])
            book_summary.cell(book_summary.max_row, 6).number_format = "0.0%"
        if s.mean is not None:
            book_summary.append([i, prompt, kind, "Rata-rata", s.mean])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _channel_label(code: str) -> str:
    try:
        return InvitationChannel(code).label
    except ValueError:
        return code


def open_surveys_for(user) -> list[Survey]:
    """Open surveys a requester is invited to on the portal."""
    return list(
        db.session.scalars(
            select(Survey)
            .join(SurveyInvitation, SurveyInvitation.survey_id == Survey.id)
            .where(
                Survey.status == SurveyStatus.OPEN,
                SurveyInvitation.channel == InvitationChannel.PORTAL,
                SurveyInvitation.user_id == user.id,
            )
            .order_by(Survey.opened_at.desc(), Survey.id.desc())
        )
    )


def answered_ids(user, surveys: list[Survey]) -> set[int]:
    if not surveys:
        return set()
    return set(
        db.session.scalars(
            select(SurveyResponse.survey_id).where(
                SurveyResponse.survey_id.in_([s.id for s in surveys]),
                SurveyResponse.respondent_key == f"user:{user.id}",
            )
        )
    )
