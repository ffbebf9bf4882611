"""Report pages: the periodic reports (list with delivery on time, draft, review, deliver,
XLSX and PDF) and the problem reports to the Kepala Seksi."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.permissions import Capability, login_only, requires
from hai.db_types import utcnow
from hai.extensions import db
from hai.qa.metrics import Period
from hai.reports import exports, services
from hai.reports.forms import ActionForm, DraftForm, NarrativeForm, ProblemForm, RespondForm
from hai.reports.models import Report, ReportKind, ReportStatus
from hai.web.forms import attach_error, choices, submit
from hai.web.timefmt import today_wib

bp = Blueprint("reports", __name__)

MONTHS_OFFERED = 12
QUARTERS_OFFERED = 8


# --- who sees and edits what ----------------------------------------------------------------


def can_view(user, report: Report) -> bool:
    if report.kind is ReportKind.PROBLEM:
        if report.created_by_id == user.id:
            return True
        return user.can(Capability.REPORTS_VIEW) and report.status is not ReportStatus.DRAFT
    return user.can(Capability.REPORTS_VIEW)


def can_edit(user, report: Report) -> bool:
    if report.status is not ReportStatus.DRAFT:
        return False
    if report.kind is ReportKind.PROBLEM:
        return report.created_by_id == user.id
    return user.can(Capability.REPORTS_PREPARE)


def _get_or_404(report_id: int) -> Report:
    """Anyone who may not see a report gets 404: an id reveals nothing."""
    report = db.session.get(Report, report_id)
    if report is None or not can_view(current_user, report):
        abort(404)
    return report


# --- periodic reports -------------------------------------------------------------------------


def period_choices(today: date) -> list[tuple[str, str]]:
    """The completed months and quarters a report can be drafted for, latest first."""
    rv = []
    month = services.last_month(today)
    for _ in range(MONTHS_OFFERED):
        rv.append((f"monthly:{month.start:%Y-%m}", f"Bulanan — {month.label}"))
        before = date.fromordinal(month.start.toordinal() - 1)
        month = Period.month(before.year, before.month)
    quarter = services.last_quarter(today)
    for _ in range(QUARTERS_OFFERED):
        rv.append((f"quarterly:{quarter.start:%Y-%m}", f"Triwulanan — {quarter.label}"))
        quarter = services.last_quarter(quarter.start)
    return rv


def _parse_period(value: str) -> tuple[ReportKind, Period]:
    kind, _, start = value.partition(":")
    year, month = (int(p) for p in start.split("-"))
    if kind == "monthly":
        return ReportKind.MONTHLY, Period.month(year, month)
    return ReportKind.QUARTERLY, Period.quarter(year, (month + 2) // 3)


def _draft_form() -> DraftForm:
    form = DraftForm()
    form.period.choices = choices(period_choices(today_wib()))
    return form


def _index(form=None, status=200):
    today = today_wib()
    periodic = list(
        db.session.scalars(
            select(Report)
            .where(Report.kind != ReportKind.PROBLEM)
            .order_by(Report.period_start.desc(), Report.kind)
        )
    )
    problems = list(
        db.session.scalars(
            select(Report)
            .where(Report.kind == ReportKind.PROBLEM, Report.status != ReportStatus.DRAFT)
            .order_by(Report.delivered_at.desc())
            .limit(50)
        )
    )
    late = [r for r in periodic if r.on_time(today) is False]
    return (
        render_template(
            "reports/index.html",
            periodic=periodic,
            problems=problems,
            today=today,
            late=late,
            form=form or (_draft_form() if current_user.can(Capability.REPORTS_PREPARE) else None),
        ),
        status,
    )


@bp.route("/laporan")
@requires(Capability.REPORTS_VIEW)
def index():
    return _index()


@bp.route("/laporan/susun", methods=["POST"])
@requires(Capability.REPORTS_PREPARE)
def draft():
    form = _draft_form()
    if not form.validate_on_submit():
        return _index(form, 422)
    kind, period = _parse_period(form.period.data)
    now, me = utcnow(), current_user
    ok, result = submit(form, lambda: services.draft_periodic(kind, period, now=now, actor=me))
    if not ok:
        return _index(form, 422)
    report, created = result
    flash("Draf laporan disusun." if created else "Laporan periode ini sudah ada.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


# --- one report -------------------------------------------------------------------------------


def _forms(report: Report, *, edit=None, action=None, respond=None) -> dict:
    version = {"row_version": str(report.row_version)}
    if edit is None and can_edit(current_user, report):
        if report.kind is ReportKind.PROBLEM:
            edit = ProblemForm(
                data={
                    **version,
                    "title": report.title,
                    "problems": report.problems,
                    "regulation": report.regulation,
                    "analysis": report.analysis,
                    "recommendations": report.recommendations,
                    "ticket_numbers": ", ".join(report.ticket_numbers or []),
                },
                formdata=None,
            )
        else:
            edit = NarrativeForm(
                data={
                    **version,
                    "summary": report.summary,
                    "problems": report.problems,
                    "recommendations": report.recommendations,
                },
                formdata=None,
            )
    if action is None and can_edit(current_user, report):
        action = ActionForm(data=version, formdata=None)
    if (
        respond is None
        and report.kind is ReportKind.PROBLEM
        and report.status is ReportStatus.DELIVERED
        and current_user.can(Capability.PROBLEM_RESPOND)
    ):
        respond = RespondForm(data=version, formdata=None)
    return {"edit_form": edit, "action_form": action, "respond_form": respond}


def _detail(report: Report, status=200, **forms):
    return (
        render_template(
            "reports/detail.html",
            report=report,
            today=today_wib(),
            can_prepare=current_user.can(Capability.REPORTS_PREPARE),
            **_forms(report, **forms),
            **exports.page_context(report),
        ),
        status,
    )


@bp.route("/laporan/<int:report_id>")
@login_only
def detail(report_id: int):
    return _detail(_get_or_404(report_id))


def _stale(form, report: Report) -> bool:
    if (form.row_version.data or "") == str(report.row_version):
        return False
    form.form_errors.append(
        "Laporan ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."
    )
    return True


def _editable_or_403(report: Report) -> None:
    if not can_edit(current_user, report):
        abort(403)


def _ticket_numbers(text: str | None) -> list[str]:
    return [n for n in (text or "").replace(";", ",").replace("\n", ",").split(",") if n.strip()]


@bp.route("/laporan/<int:report_id>", methods=["POST"])
@login_only
def save(report_id: int):
    report = _get_or_404(report_id)
    _editable_or_403(report)
    form = ProblemForm() if report.kind is ReportKind.PROBLEM else NarrativeForm()
    if not form.validate_on_submit():
        return _detail(report, 422, edit=form)
    if _stale(form, report):
        return _detail(report, 409, edit=form)
    values = {
        name: getattr(form, name).data
        for name in ("title", *services.NARRATIVE)
        if hasattr(form, name)
    }
    if report.kind is ReportKind.PROBLEM:
        values["ticket_numbers"] = _ticket_numbers(form.ticket_numbers.data)
    now, me = utcnow(), current_user
    ok, _ = submit(form, lambda: services.save_narrative(report, values, now=now, actor=me))
    if not ok:
        return _detail(report, 422, edit=form)
    flash("Laporan disimpan.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/laporan/<int:report_id>/hitung-ulang", methods=["POST"])
@requires(Capability.REPORTS_PREPARE)
def recompute(report_id: int):
    report = _get_or_404(report_id)
    _editable_or_403(report)
    form = ActionForm()
    if not form.validate_on_submit() or _stale(form, report):
        return _detail(report, 409, action=form)
    now, me = utcnow(), current_user
    ok, _ = submit(form, lambda: services.recompute(report, now=now, actor=me))
    if not ok:
        return _detail(report, 422, action=form)
    flash("Angka laporan dihitung ulang.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/laporan/<int:report_id>/sampaikan", methods=["POST"])
@login_only
def deliver(report_id: int):
    report = _get_or_404(report_id)
    _editable_or_403(report)
    form = ActionForm()
    if not form.validate_on_submit() or _stale(form, report):
        return _detail(report, 409, action=form)
    try:
        services.deliver(report, now=utcnow(), actor=current_user)
    except services.ReportError as exc:
        # A missing part of a problem report is shown beside its field in the edit form.
        db.session.rollback()
        edit = _forms(report)["edit_form"]
        attach_error(edit, exc.message, exc.field)
        return _detail(report, 422, edit=edit)
    db.session.commit()
    flash(f"Laporan disampaikan kepada {report.kind.recipient}.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/laporan/<int:report_id>/tanggapan", methods=["POST"])
@requires(Capability.PROBLEM_RESPOND)
def respond(report_id: int):
    report = _get_or_404(report_id)
    form = RespondForm()
    if report.kind is not ReportKind.PROBLEM:
        abort(404)
    if not form.validate_on_submit():
        return _detail(report, 422, respond=form)
    if _stale(form, report):
        return _detail(report, 409, respond=form)
    now, me = utcnow(), current_user
    ok, _ = submit(form, lambda: services.respond(report, form.response.data, now=now, actor=me))
    if not ok:
        return _detail(report, 422, respond=form)
    flash("Tanggapan disampaikan kepada pelapor.", "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/laporan/<int:report_id>.xlsx")
@login_only
def xlsx(report_id: int):
    report = _get_or_404(report_id)
    return Response(
        exports.xlsx(report),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{exports.filename(report, "xlsx")}"'
        },
    )


@bp.route("/laporan/<int:report_id>.pdf")
@login_only
def pdf(report_id: int):
    report = _get_or_404(report_id)
    return Response(
        exports.pdf(report),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{exports.filename(report, "pdf")}"'
        },
    )


# --- problem reports --------------------------------------------------------------------------


@bp.route("/laporan/permasalahan")
@requires(Capability.PROBLEM_REPORT)
def problems():
    rows = list(
        db.session.scalars(
            select(Report)
            .where(Report.kind == ReportKind.PROBLEM, Report.created_by_id == current_user.id)
            .order_by(Report.created_at.desc())
        )
    )
    return render_template("reports/problems.html", rows=rows)


@bp.route("/laporan/permasalahan/baru", methods=["GET", "POST"])
@requires(Capability.PROBLEM_REPORT)
def new_problem():
    form = ProblemForm()
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("title", "problems", "regulation", "analysis", "recommendations")
        }
        values["ticket_numbers"] = _ticket_numbers(form.ticket_numbers.data)
        now, me = utcnow(), current_user
        ok, report = submit(form, lambda: services.create_problem_report(values, now=now, actor=me))
        if ok:
            flash("Draf laporan permasalahan disimpan. Periksa lalu sampaikan.", "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    status = 422 if form.is_submitted() else 200
    return render_template("reports/new_problem.html", form=form), status
