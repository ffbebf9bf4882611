"""Quality assurance pages: evaluations (QA scores, the agent acknowledges), the
scorecard's versions, follow-up verification, trainings and certificates."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.models import User
from hai.auth.permissions import Capability, requires
from hai.auth.roles import STAFF_ROLES, Role
from hai.db_types import utcnow
from hai.extensions import db
from hai.qa import metrics, queries, services
from hai.qa.forms import (
    AcknowledgeForm,
    AttendanceForm,
    CertificateForm,
    EvaluationForm,
    FollowUpForm,
    ScorecardForm,
    ScoresForm,
    TrainingForm,
)
from hai.qa.models import CriterionMode, EvaluationStatus, Scorecard, Training
from hai.qa.policy import get_evaluation_or_404
from hai.schedules.discipline import SUGGESTION_THRESHOLDS, suggested_score
from hai.web.forms import attach_error, submit
from hai.web.timefmt import today_wib

bp = Blueprint("qa", __name__)


# --- evaluations -----------------------------------------------------------------------


@bp.route("/qa")
@requires(Capability.QA_EVALUATION_VIEW)
def index():
    see_all = current_user.can(Capability.QA_VIEW_ALL)
    raw = request.args.get("agent", "")
    rows = queries.evaluations_for(
        current_user, see_all=see_all, agent_id=int(raw) if see_all and raw.isdigit() else None
    )
    return render_template(
        "qa/index.html",
        rows=rows,
        see_all=see_all,
        agents=services.evaluable_agents() if see_all else [],
        agent=raw,
        can_evaluate=current_user.can(Capability.QA_EVALUATE),
    )


def _agent_choices() -> list[tuple[int, str]]:
    return [
        (u.id, f"{u.name} — {services.evaluated_role(u).label}")
        for u in services.evaluable_agents()
        if u.id != current_user.id
    ]


def _numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,;]+", text or "") if n]


@bp.route("/qa/evaluasi/baru", methods=["GET", "POST"])
@requires(Capability.QA_EVALUATE)
def new():
    form = EvaluationForm(agents=_agent_choices())
    if request.method == "GET":
        today = today_wib()
        last = metrics.Period.month(today.year, today.month)
        previous = metrics.Period.month(
            last.start.year - (last.start.month == 1), (last.start.month - 2) % 12 + 1
        )
        form.period_start.data, form.period_end.data = previous.start, previous.end
    elif form.validate_on_submit():
        agent = db.session.get(User, int(form.agent_id.data)) if form.agent_id.data else None
        if form.period_end.data < form.period_start.data:
            attach_error(form, "Akhir periode sebelum awalnya.", "period_end")
        elif agent is None:
            attach_error(form, "Pilih agen.", "agent_id")
        else:
            chosen = form.sample_method.data == "chosen"
            ok, evaluation = submit(
                form,
                lambda: services.create_evaluation(
                    agent,
                    metrics.Period(form.period_start.data, form.period_end.data),
                    sample_size=None if chosen else form.sample_size.data,
                    seed=None if chosen else form.seed.data,
                    chosen=_numbers(form.tickets.data) if chosen else None,
                    actor=current_user,
                    now=utcnow(),
                ),
            )
            if ok:
                if chosen and not evaluation.samples:
                    flash("Tidak ada tiket yang dipilih.", "info")
                flash("Evaluasi dibuat; beri nilai setiap tiket sampel.", "success")
                return redirect(url_for("qa.detail", evaluation_id=evaluation.id))
    status = 422 if request.method == "POST" else 200
    return render_template("qa/new.html", form=form), status


def _detail(evaluation, *, scores_form=None, ack_form=None, values=None, status=200):
    now = utcnow()
    data = services.metrics_of(evaluation, now=now)
    results = services.breakdown(evaluation, data)
    rv = {"row_version": str(evaluation.row_version)}
    is_agent = evaluation.agent_id == current_user.id
    return (
        render_template(
            "qa/detail.html",
            e=evaluation,
            period=services.period_of(evaluation),
            role_label=Role(evaluation.agent_role).label,
            m=data,
            results=results,
            score=evaluation.score
            if evaluation.status is not EvaluationStatus.DRAFT
            else services.weighted_score(results),
            metric_names=metrics.METRICS,
            discipline_suggestion=suggested_score(data),
            discipline_thresholds=SUGGESTION_THRESHOLDS,
            can_see_discipline=current_user.can(Capability.QA_VIEW_ALL),
            modes=CriterionMode,
            can_score=current_user.can(Capability.QA_EVALUATE)
            and evaluation.status is EvaluationStatus.DRAFT,
            can_acknowledge=is_agent and evaluation.status is EvaluationStatus.SUBMITTED,
            scores_form=scores_form
            or ScoresForm(formdata=None, data={**rv, "summary": evaluation.summary}),
            ack_form=ack_form or AcknowledgeForm(formdata=None, data=rv),
            values=values,
            missing=services.missing_scores(evaluation),
        ),
        status,
    )


@bp.route("/qa/evaluasi/<int:evaluation_id>")
@requires(Capability.QA_EVALUATION_VIEW)
def detail(evaluation_id: int):
    return _detail(get_evaluation_or_404(current_user, evaluation_id))


def _score_values(evaluation) -> dict:
    values = {}
    tickets = [s.ticket_id for s in evaluation.samples] or [None]
    for c in evaluation.scorecard.criteria:
        for t in tickets if c.mode is CriterionMode.TICKET else [None]:
            key = f"{c.id}-{t or 'p'}"
            values[(c.id, t)] = (
                request.form.get(f"score-{key}", ""),
                request.form.get(f"comment-{key}", "")[:2000],
            )
    return values


def _stale(form, evaluation) -> bool:
    if str(evaluation.row_version) == (form.row_version.data or ""):
        return False
    form.form_errors.append(
        "Evaluasi ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."
    )
    return True


@bp.route("/qa/evaluasi/<int:evaluation_id>/nilai", methods=["POST"])
@requires(Capability.QA_EVALUATE)
def score(evaluation_id: int):
    evaluation = get_evaluation_or_404(current_user, evaluation_id)
    form = ScoresForm()
    values = _score_values(evaluation)
    if not form.validate_on_submit():
        return _detail(evaluation, scores_form=form, values=values, status=422)
    if _stale(form, evaluation):
        return _detail(evaluation, scores_form=form, values=values, status=409)
    finish = request.form.get("action") == "submit"
    now, me = utcnow(), current_user

    def run():
        services.save_scores(evaluation, values, form.summary.data or "", actor=me, now=now)
        if finish:
            services.submit_evaluation(evaluation, actor=me, now=now)

    ok, _ = submit(form, run)
    if not ok:
        return _detail(evaluation, scores_form=form, values=values, status=422)
    flash("Evaluasi disampaikan kepada agen." if finish else "Nilai disimpan.", "success")
    return redirect(url_for("qa.detail", evaluation_id=evaluation.id))


@bp.route("/qa/evaluasi/<int:evaluation_id>/tanggapan", methods=["POST"])
@requires(Capability.QA_EVALUATION_VIEW)
def acknowledge(evaluation_id: int):
    evaluation = get_evaluation_or_404(current_user, evaluation_id)
    if evaluation.agent_id != current_user.id:
        abort(403)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return _detail(evaluation, ack_form=form, status=422)
    if _stale(form, evaluation):
        return _detail(evaluation, ack_form=form, status=409)
    ok, _ = submit(
        form,
        lambda: services.acknowledge(
            evaluation, form.response.data or "", actor=current_user, now=utcnow()
        ),
    )
    if not ok:
        return _detail(evaluation, ack_form=form, status=422)
    flash("Evaluasi diterima. Terima kasih atas tanggapan Anda.", "success")
    return redirect(url_for("qa.detail", evaluation_id=evaluation.id))


@bp.route("/qa/kartu-penilaian", methods=["GET", "POST"])
@requires(Capability.QA_EVALUATE)
def scorecard():
    current = services.current_scorecard()
    form = ScorecardForm()
    if request.method == "GET":
        form.criteria.data = services.criteria_text(current)
    elif form.validate_on_submit():

        def run():
            return services.new_scorecard_version(
                services.parse_criteria(form.criteria.data),
                form.note.data or "",
                actor=current_user,
                now=utcnow(),
            )

        ok, card = submit(form, run)
        if ok:
            flash(f"Kartu penilaian versi {card.version} berlaku untuk evaluasi baru.", "success")
            return redirect(url_for("qa.scorecard"))
    versions = list(db.session.scalars(select(Scorecard).order_by(Scorecard.version.desc())))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "qa/scorecard.html",
        form=form,
        current=current,
        versions=versions,
        metric_names=metrics.METRICS,
    ), status


# --- follow-up verification (Pasal 6(3)g) -------------------------------------------------


def _follow_ups(forms=None, status=200):
    show = request.args.get("tampil", "belum")
    rows = queries.follow_up_candidates(current_user, pending_only=show == "belum")
    checks = queries.checks_for([t.id for t in rows])
    all_forms = {
        t.id: FollowUpForm(formdata=None, prefix=f"t{t.id}") for t in rows if t.id not in checks
    }
    all_forms.update(forms or {})
    return (
        render_template("qa/follow_ups.html", rows=rows, checks=checks, show=show, forms=all_forms),
        status,
    )


@bp.route("/qa/verifikasi")
@requires(Capability.QA_VERIFY)
def follow_ups():
    return _follow_ups()


@bp.route("/qa/verifikasi/<int:ticket_id>", methods=["POST"])
@requires(Capability.QA_VERIFY)
def verify(ticket_id: int):
    from hai.tickets.policy import get_ticket_or_404

    ticket = get_ticket_or_404(current_user, ticket_id)
    form = FollowUpForm(prefix=f"t{ticket.id}")
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.verify_follow_up(
                ticket,
                form.contacted.data == "yes",
                form.method.data or "",
                form.note.data or "",
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash(f"Verifikasi tindak lanjut {ticket.number} dicatat.", "success")
            return redirect(url_for("qa.follow_ups"))
    return _follow_ups({ticket.id: form}, 422)


# --- training and certificates (Pasal 6(3)h, 11) -----------------------------------------


@bp.route("/qa/pelatihan", methods=["GET", "POST"])
@requires(Capability.QA_TRAINING)
def trainings():
    form = TrainingForm()
    if form.validate_on_submit():
        ok, training = submit(
            form,
            lambda: services.record_training(
                services.TrainingData(
                    title=form.title.data or "",
                    topic=form.topic.data or "",
                    held_on=form.held_on.data,
                    hours=form.hours.data or 0,
                    organiser=form.organiser.data or "",
                    note=form.note.data or "",
                ),
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash("Pelatihan dicatat; tandai pesertanya.", "success")
            return redirect(url_for("qa.training", training_id=training.id))
    rows = list(db.session.scalars(select(Training).order_by(Training.held_on.desc()).limit(300)))
    status = 422 if request.method == "POST" else 200
    return render_template("qa/trainings.html", form=form, rows=rows), status


def _staff() -> list[tuple[int, str]]:
    from hai.auth.models import UserRole

    return [
        (u.id, u.name)
        for u in db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))),
            )
            .order_by(User.name)
        )
    ]


@bp.route("/qa/pelatihan/<int:training_id>", methods=["GET", "POST"])
@requires(Capability.QA_TRAINING)
def training(training_id: int):
    row = db.session.get(Training, training_id)
    if row is None:
        abort(404)
    form = AttendanceForm(staff=_staff())
    if request.method == "GET":
        form.attendees.data = [str(a.user_id) for a in row.attendance]
    elif form.validate_on_submit():
        ids = [int(v) for v in form.attendees.data or [] if str(v).isdigit()]
        ok, count = submit(
            form, lambda: services.set_attendance(row, ids, actor=current_user, now=utcnow())
        )
        if ok:
            flash(f"Kehadiran dicatat: {count} peserta.", "success")
            return redirect(url_for("qa.training", training_id=row.id))
    status = 422 if request.method == "POST" else 200
    return render_template("qa/training.html", t=row, form=form), status


def _certificates(form=None, status=200):
    today = today_wib()
    rows = queries.certificate_status(today)
    if form is None:
        form = CertificateForm(formdata=None, agents=[(s.user.id, s.user.name) for s in rows])
        form.issued_on.data = today
        form.expires_on.data = today.replace(year=today.year + 2)
    return (
        render_template(
            "qa/certificates.html",
            rows=rows,
            missing=[s for s in rows if not s.valid],
            form=form,
            today=today,
            can_issue=current_user.can(Capability.QA_TRAINING),
        ),
        status,
    )


@bp.route("/qa/sertifikat")
@requires(Capability.QA_VIEW_ALL)
def certificates():
    return _certificates()


@bp.route("/qa/sertifikat/terbitkan", methods=["POST"])
@requires(Capability.QA_TRAINING)
def issue():
    agents = [(u.id, u.name) for u in queries.call_center_agents()]
    form = CertificateForm(agents=agents)
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data))
        ok, _ = submit(
            form,
            lambda: services.issue_certificate(
                user,
                number=form.number.data or "",
                issuer=form.issuer.data or "",
                issued_on=form.issued_on.data,
                expires_on=form.expires_on.data,
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash(f"Sertifikat call center {user.name} dicatat.", "success")
            return redirect(url_for("qa.certificates"))
    return _certificates(form, 422)


# --- dashboard -------------------------------------------------------------------------------

MAX_DAYS = 366


def _dashboard_period(today) -> tuple[metrics.Period, str, str]:
    """The period asked for (a month, or from/to dates in WIB), the current month when
    none; and an error to show when what was asked for cannot be used."""
    args = request.args
    this_month = metrics.Period.month(today.year, today.month)
    try:
        if args.get("dari") or args.get("sampai"):
            start = date.fromisoformat(args.get("dari") or args.get("sampai", ""))
            end = date.fromisoformat(args.get("sampai") or args.get("dari", ""))
            if end < start:
                return this_month, "", "Tanggal akhir sebelum tanggal awal."
            if (end - start).days >= MAX_DAYS:
                return this_month, "", "Periode paling panjang satu tahun."
            return metrics.Period(start, end), "", ""
        if args.get("bulan"):
            year, month = (int(p) for p in args["bulan"].split("-"))
            return metrics.Period.month(year, month), args["bulan"], ""
    except ValueError:
        return this_month, "", "Periode tidak dikenali."
    return this_month, f"{today:%Y-%m}", ""


def _units() -> list:
    from hai.org.models import OrgUnit

    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.is_active.is_(True)).order_by(OrgUnit.code)
        )
    )


@bp.route("/qa/dasbor")
@requires(Capability.QA_VIEW_ALL)
def dashboard():
    from hai.qa import dashboard as d
    from hai.web.charts import bar_chart, column_chart

    now = utcnow()
    period, month, error = _dashboard_period(today_wib(now))
    raw_unit = request.args.get("unit", "")
    unit_id = int(raw_unit) if raw_unit.isdigit() else None
    grain = request.args.get("per", "")
    if grain not in d.GRAINS:
        grain = "day" if (period.end - period.start).days < 62 else "week"
    # The current figures (the pre-aggregate's, at most a minute old) for every period:
    # a past month's tickets answered late after its end count as late.
    as_of = d.current_as_of(now)

    volumes = d.volumes(period, grain=grain, unit_id=unit_id)
    by_channel, by_service = volumes["channel"], volumes["service"]
    summary = d.summary(period, unit_id=unit_id)
    sla, ratings = summary.sla, summary.ratings
    backlog = d.backlog_age(now, unit_id=unit_id)
    breaches = d.breaches(period, unit_id=unit_id)

    def pct_text(value):
        return "—" if value is None else f"{value:.2f}".replace(".", ",") + "%"

    queue_url = url_for("tickets.index")

    def drill(*, received: bool = True, **extra) -> str:
        """The ticket queue with the panel's filters: the period's tickets (received in it)
        unless ``received`` is False, the unit's when one is chosen."""
        args = {"queue": "all"}
        if received:
            args.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
        if unit_id is not None:
            args["office"] = unit_id
        args.update({k: v for k, v in extra.items() if v not in (None, "")})
        return f"{queue_url}?{urlencode(args)}"  # one url_for for the page's ~140 links

    def drill_backlog(bucket: str) -> str:
        return drill(received=False, age=bucket)

    def drill_breach(kind: str) -> str:
        return drill(
            received=False,
            breach=kind,
            detected_from=period.start.isoformat(),
            detected_to=period.end.isoformat(),
        )

    codes = d.service_codes([k.key for k in by_service.keys] + [c.key for c in sla["service"]])

    def drill_key(by: str, key: str) -> str:
        if by == "channel":
            return drill(channel=key)
        if by == "service":
            return drill(service=codes.get(key, "")) if key in codes else ""
        return drill(office=key)

    charts = {
        "channel": bar_chart(
            [(k.label, k.count, f"{k.count:,}".replace(",", ".")) for k in by_channel.keys]
        ),
        "service": bar_chart(
            [(k.label, k.count, f"{k.count:,}".replace(",", ".")) for k in by_service.keys]
        ),
        "over_time": column_chart(
            [
                (f"{b:%d-%m-%Y}", n)
                for b, n in zip(by_channel.buckets, by_channel.totals, strict=True)
            ]
        ),
        "sla": {
            by: bar_chart(
                [(c.label, c.fulfilment_pct or 0, pct_text(c.fulfilment_pct)) for c in rows],
                scale=100,
            )
            for by, rows in sla.items()
        },
        "backlog": bar_chart([(c.label, c.count, str(c.count)) for c in backlog]),
        "breaches": bar_chart([(c.label, c.count, str(c.count)) for c in breaches]),
        "ratings": bar_chart([(c.label, c.count, str(c.count)) for c in ratings.counts]),
    }
    return render_template(
        "qa/dashboard.html",
        period=period,
        month=month,
        error=error,
        dari=request.args.get("dari", ""),
        sampai=request.args.get("sampai", ""),
        unit_id=unit_id,
        units=_units(),
        grain=grain,
        grains=d.GRAINS,
        dimensions=d.DIMENSIONS,
        by_channel=by_channel,
        by_service=by_service,
        total=summary.total,
        sla=sla,
        backlog=backlog,
        breaches=breaches,
        ratings=ratings,
        league=d.league(period, unit_id=unit_id),
        charts=charts,
        pct=pct_text,
        drill=drill,
        drill_key=drill_key,
        drill_backlog=drill_backlog,
        drill_breach=drill_breach,
        as_of=as_of,
        now=now,
    )
