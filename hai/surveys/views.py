"""Survey pages: the staff's (build, open, invite, results), the public answer page
reached by an invitation's link, and the requester's surveys on the portal."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from hai.auth.permissions import Capability, public, requires
from hai.broadcasts.models import DeliveryStatus, RecipientGroup
from hai.db_types import utcnow
from hai.extensions import db
from hai.surveys import queries, services
from hai.surveys.forms import AnswerForm, ConfirmForm, InviteForm, QuestionForm, SurveyForm
from hai.surveys.jobs import deliver_invitations
from hai.surveys.models import (
    InvitationChannel,
    QuestionKind,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from hai.web.forms import attach_error, submit
from hai.web.timefmt import WIB

bp = Blueprint("surveys", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wib(value):
    return value.replace(tzinfo=WIB) if value else None


def _survey_data(form: SurveyForm) -> services.SurveyData:
    return services.SurveyData(
        title=form.title.data or "",
        description=form.description.data or "",
        opens_at=_wib(form.opens_at.data),
        closes_at=_wib(form.closes_at.data),
    )


def _question_data(form: QuestionForm) -> services.QuestionData:
    return services.QuestionData(
        kind=form.kind.data or "",
        prompt=form.prompt.data or "",
        options=(form.options.data or "").splitlines(),
        required=bool(form.required.data),
        scale_low_label=form.scale_low_label.data or "",
        scale_high_label=form.scale_high_label.data or "",
    )


def _survey_form(s: Survey) -> SurveyForm:
    return SurveyForm(
        formdata=None,
        data={
            "title": s.title,
            "description": s.description,
            "opens_at": s.opens_at.astimezone(WIB).replace(tzinfo=None) if s.opens_at else None,
            "closes_at": s.closes_at.astimezone(WIB).replace(tzinfo=None) if s.closes_at else None,
        },
        prefix="survey",
    )


# --- staff: list, build, open/close ----------------------------------------------------


@bp.route("/surveys")
@requires(Capability.SURVEY_MANAGE)
def index():
    rows = list(db.session.scalars(select(Survey).order_by(Survey.id.desc()).limit(200)))
    counts = dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)
        ).all()
    )
    return render_template("surveys/index.html", rows=rows, counts=counts, now=utcnow())


@bp.route("/surveys/new", methods=["GET", "POST"])
@requires(Capability.SURVEY_MANAGE)
def new():
    form = SurveyForm(prefix="survey")
    if form.validate_on_submit():
        ok, s = submit(
            form,
            lambda: services.create_survey(_survey_data(form), actor=current_user, now=utcnow()),
        )
        if ok:
            flash("Draf survei dibuat. Tambahkan pertanyaannya.", "success")
            return redirect(url_for("surveys.detail", survey_id=s.id))
    status = 422 if request.method == "POST" else 200
    return render_template("surveys/new.html", form=form), status


def _detail(s: Survey, *, survey_form=None, question_form=None, status: int = 200):
    return (
        render_template(
            "surveys/detail.html",
            s=s,
            now=utcnow(),
            survey_form=survey_form or _survey_form(s),
            question_form=question_form or QuestionForm(formdata=None, prefix="question"),
            confirm=ConfirmForm(formdata=None),
            responses=queries.response_count(s),
            invitations=queries.invitation_counts(s),
            channels=list(InvitationChannel),
            delivery_statuses=list(DeliveryStatus),
        ),
        status,
    )


@bp.route("/surveys/<int:survey_id>")
@requires(Capability.SURVEY_MANAGE)
def detail(survey_id: int):
    return _detail(db.get_or_404(Survey, survey_id))


@bp.route("/surveys/<int:survey_id>/edit", methods=["POST"])
@requires(Capability.SURVEY_MANAGE)
def edit(survey_id: int):
    s = db.get_or_404(Survey, survey_id)
    form = SurveyForm(prefix="survey")
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.update_survey(s, _survey_data(form), actor=current_user, now=utcnow()),
        )
        if ok:
            flash("Keterangan survei disimpan.", "success")
            return redirect(url_for("surveys.detail", survey_id=s.id))
    return _detail(s, survey_form=form, status=422)


@bp.route("/surveys/<int:survey_id>/questions", methods=["POST"])
@requires(Capability.SURVEY_MANAGE)
def add_question(survey_id: int):
    s = db.get_or_404(Survey, survey_id)
    form = QuestionForm(prefix="question")
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.add_question(
                s, _question_data(form), actor=current_user, now=utcnow()
            ),
        )
        if ok:
            flash("Pertanyaan ditambahkan.", "success")
            return redirect(url_for("surveys.detail", survey_id=s.id, _anchor="pertanyaan"))
    return _detail(s, question_form=form, status=422)


def _question_or_404(survey_id: int, question_id: int) -> SurveyQuestion:
    q = db.session.get(SurveyQuestion, question_id)
    if q is None or q.survey_id != survey_id:
        abort(404)
    return q


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@requires(Capability.SURVEY_MANAGE)
def edit_question(survey_id: int, question_id: int):
    q = _question_or_404(survey_id, question_id)
    if request.method == "POST":
        form = QuestionForm(prefix="question")
        if form.validate_on_submit():
            ok, _ = submit(
                form,
                lambda: services.update_question(
                    q, _question_data(form), actor=current_user, now=utcnow()
                ),
            )
            if ok:
                flash("Pertanyaan disimpan.", "success")
                return redirect(
                    url_for("surveys.detail", survey_id=survey_id, _anchor="pertanyaan")
                )
        status = 422
    else:
        form = QuestionForm(
            formdata=None,
            data={
                "kind": q.kind.value,
                "prompt": q.prompt,
                "options": "\n".join(q.options or []),
                "scale_low_label": q.scale_low_label,
                "scale_high_label": q.scale_high_label,
                "required": q.required,
            },
            prefix="question",
        )
        status = 200
    return render_template("surveys/question.html", s=q.survey, q=q, form=form), status


QUESTION_ACTIONS = {
    "remove": (
        "Pertanyaan dihapus.",
        lambda q, now: services.remove_question(q, actor=current_user, now=now),
    ),
    "up": ("", lambda q, now: services.move_question(q, -1, actor=current_user, now=now)),
    "down": ("", lambda q, now: services.move_question(q, 1, actor=current_user, now=now)),
}


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/<action>", methods=["POST"])
@requires(Capability.SURVEY_MANAGE)
def question_action(survey_id: int, question_id: int, action: str):
    q = _question_or_404(survey_id, question_id)
    if action not in QUESTION_ACTIONS:
        abort(404)
    message, run = QUESTION_ACTIONS[action]
    form = ConfirmForm()
    if form.validate_on_submit():
        ok, _ = submit(form, lambda: run(q, utcnow()))
        if ok and message:
            flash(message, "success")
    return redirect(url_for("surveys.detail", survey_id=survey_id, _anchor="pertanyaan"))


STATUS_ACTIONS = {
    "open": ("Survei dibuka; pertanyaan kini dibekukan. Kirim undangan.", services.open_survey),
    "close": ("Survei ditutup; jawaban tidak diterima lagi.", services.close_survey),
}


@bp.route("/surveys/<int:survey_id>/act/<action>", methods=["POST"])
@requires(Capability.SURVEY_MANAGE)
def act(survey_id: int, action: str):
    s = db.get_or_404(Survey, survey_id)
    if action not in STATUS_ACTIONS:
        abort(404)
    message, run = STATUS_ACTIONS[action]
    form = ConfirmForm()
    if form.validate_on_submit():
        ok, _ = submit(form, lambda: run(s, actor=current_user, now=utcnow()))
        if ok:
            flash(message, "success")
    target = (
        "surveys.invite" if action == "open" and s.status is SurveyStatus.OPEN else "surveys.detail"
    )
    return redirect(url_for(target, survey_id=s.id))


# --- staff: invitations and results ----------------------------------------------------


def _groups() -> list[RecipientGroup]:
    return list(
        db.session.scalars(
            select(RecipientGroup)
            .where(RecipientGroup.is_active.is_(True))
            .order_by(RecipientGroup.name)
        )
    )


@bp.route("/surveys/<int:survey_id>/invite", methods=["GET", "POST"])
@requires(Capability.SURVEY_MANAGE)
def invite(survey_id: int):
    s = db.get_or_404(Survey, survey_id)
    form = InviteForm(groups=_groups())
    if form.validate_on_submit():
        req = services.InviteRequest(
            group_ids=[int(g) for g in (form.group_ids.data or []) if str(g).isdigit()],
            channels=list(form.channels.data or []),
            requesters=bool(form.requesters.data),
            user_types=[int(t) for t in (form.user_types.data or []) if str(t).isdigit()],
        )
        now = utcnow()
        ok, queued = submit(form, lambda: services.invite(s, req, actor=current_user, now=now))
        if ok:
            # Send the first batch now; the scheduler sends the rest and the retries.
            deliver_invitations(now, survey_id=s.id, limit=200)
            flash(f"{queued} undangan dijadwalkan untuk dikirim.", "success")
            return redirect(url_for("surveys.detail", survey_id=s.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "surveys/invite.html",
            s=s,
            form=form,
            invitations=queries.invitation_counts(s),
            channels=list(InvitationChannel),
            delivery_statuses=list(DeliveryStatus),
        ),
        status,
    )


@bp.route("/surveys/<int:survey_id>/results")
@requires(Capability.SURVEY_MANAGE)
def results(survey_id: int):
    s = db.get_or_404(Survey, survey_id)
    summaries = queries.summary(s)
    return render_template(
        "surveys/results.html",
        s=s,
        summaries=summaries,
        charts={x.question.id: queries.chart(x) for x in summaries if x.rows},
        responses=queries.response_count(s),
    )


@bp.route("/surveys/<int:survey_id>/results.xlsx")
@requires(Capability.SURVEY_MANAGE)
def export(survey_id: int):
    s = db.get_or_404(Survey, survey_id)
    return Response(
        queries.export_xlsx(s),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="survei-{s.id}.xlsx"'},
    )


# --- answering -------------------------------------------------------------------------


def _raw_answers(s: Survey) -> dict[str, object]:
    raw: dict[str, object] = {}
    for q in s.questions:
        if q.kind is QuestionKind.MULTI:
            raw[q.field_name] = request.form.getlist(q.field_name)
        else:
            raw[q.field_name] = request.form.get(q.field_name, "")
    return raw


def _answer_page(s: Survey, respondent: services.Respondent, action_url: str):
    """The answer form for one respondent: shown, validated, stored once."""
    now = utcnow()
    form = AnswerForm()
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    state = "form"
    status = 200
    if not s.accepting(now):
        state = "closed"
    elif services.has_answered(s, respondent):
        state = "answered"
    elif request.method == "POST":
        values = _raw_answers(s)
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                services.answer(s, respondent, values, now=now)
            except services.AlreadyAnswered:
                db.session.rollback()
                state = "answered"
            except services.AnswerErrors as exc:
                db.session.rollback()
                errors, status = exc.errors, 422
            except services.SurveyError as exc:
                db.session.rollback()
                attach_error(form, exc.message, None)
                status = 422
            else:
                db.session.commit()
                state = "thanks"
    return (
        render_template(
            "surveys/answer.html",
            s=s,
            form=form,
            state=state,
            errors=errors,
            values=values,
            action_url=action_url,
            closed_message=services.closed_message(s, now),
        ),
        status,
    )


@bp.route("/survei/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None or invitation.channel is InvitationChannel.PORTAL:
        abort(404)
    s = invitation.survey
    if s.status is SurveyStatus.DRAFT:
        abort(404)
    return _answer_page(s, services.Respondent.invited(invitation), request.path)


@bp.route("/portal/survei")
@requires(Capability.PORTAL_USE)
def portal_index():
    rows = queries.open_surveys_for(current_user)
    return render_template(
        "surveys/portal_index.html",
        rows=rows,
        answered=queries.answered_ids(current_user, rows),
        now=utcnow(),
    )


@bp.route("/portal/survei/<int:survey_id>", methods=["GET", "POST"])
@requires(Capability.PORTAL_USE)
def portal_answer(survey_id: int):
    s = db.session.get(Survey, survey_id)
    if s is None or s.status is SurveyStatus.DRAFT:
        abort(404)
    if services.portal_invitation(s, current_user) is None:
        abort(404)
    return _answer_page(
        s,
        services.Respondent.requester(current_user),
        url_for("surveys.portal_answer", survey_id=s.id),
    )
