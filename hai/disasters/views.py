"""Disaster report pages: filing (phone-sized, no script needed), the overview by
region, a report's page with HAI-DJPb's and the disaster team's actions, the printable
report, and the checklist template for administrators."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.permissions import Capability, requires
from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.disasters import policy, services
from hai.disasters.forms import (
    REPORT_CHANNELS,
    AnalysisForm,
    ChecklistForm,
    ClarifyForm,
    CloseOfficeForm,
    ConfirmForm,
    ReportForm,
    StatusForm,
)
from hai.disasters.models import (
    ChecklistTemplate,
    DisasterReport,
    ReportStatus,
)
from hai.extensions import db
from hai.org.models import OrgUnit, UnitKind
from hai.surveys.jobs import public_url  # emailed links: the configured address, not Host
from hai.web.forms import attach_error, submit
from hai.web.timefmt import WIB

bp = Blueprint("disasters", __name__)

OPEN = [s for s in ReportStatus if s is not ReportStatus.CLOSED]


def _offices() -> list[tuple[int, str]]:
    return [
        (u.id, u.name)
        for u in db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.is_active.is_(True), OrgUnit.kind != UnitKind.DIREKTORAT)
            .order_by(OrgUnit.name)
        )
    ]


def _checklist_values(template: ChecklistTemplate) -> dict[str, tuple[str, str]]:
    return {
        item.code: (
            request.form.get(f"check_{item.code}", ""),
            request.form.get(f"note_{item.code}", "")[:500],
        )
        for item in template.items
    }


@bp.route("/bencana/lapor", methods=["GET", "POST"])
@requires(Capability.DISASTER_REPORT)
def file():
    me = current_user
    is_coordinator = me.has_role(Role.KOORDINATOR_BCM) and not me.has_role(Role.AGEN_L1)
    form = ReportForm(offices=_offices())
    template_id = request.form.get("template_id", "")
    template = (
        db.session.get(ChecklistTemplate, int(template_id))
        if template_id.isdigit()
        else services.current_template()
    ) or services.current_template()
    errors: dict[str, str] = {}
    if request.method == "GET":
        form.template_id.data = str(template.id)
        if is_coordinator:
            form.office_unit_id.data = str(me.unit_id or "")
            form.reporter_name.data = me.name
            form.reporter_position.data = me.position
            form.reporter_phone.data = me.phone
        form.event_at.data = utcnow().astimezone(WIB).replace(second=0, microsecond=0, tzinfo=None)
    elif form.validate_on_submit():
        office = me.unit_id if is_coordinator else form.office_unit_id.data
        data = services.ReportData(
            office_unit_id=int(office) if str(office or "").isdigit() else None,
            reporter_name=form.reporter_name.data or "",
            reporter_position=form.reporter_position.data or "",
            reporter_phone=form.reporter_phone.data or "",
            reporter_is_employee=bool(form.reporter_is_employee.data),
            event_type=form.event_type.data or "",
            event_at=form.event_at.data.replace(tzinfo=WIB) if form.event_at.data else None,
            location=form.location.data or "",
            description=form.description.data or "",
            channel_code=form.channel_code.data
            if form.channel_code.data in dict(REPORT_CHANNELS)
            else "call_center",
            checklist=_checklist_values(template),
        )
        now = utcnow()
        try:
            report = services.file_report(data, actor=me, now=now, template_id=template.id)
            _attach(report, request.files.getlist(form.photos.name), now)
        except services.ReportErrors as exc:
            db.session.rollback()
            errors = exc.errors
            for name, message in errors.items():
                if hasattr(form, name):
                    attach_error(form, message, name)
        except services.DisasterError as exc:
            db.session.rollback()
            attach_error(form, exc.message, exc.field)
        else:
            db.session.commit()
            flash(f"Laporan {report.number} diterima. Terima kasih.", "success")
            return redirect(url_for("disasters.detail", report_id=report.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "disasters/file.html",
            form=form,
            template=template,
            values=_checklist_values(template) if request.method == "POST" else {},
            errors=errors,
            is_coordinator=is_coordinator,
            answers=services.Answer,
            photos_chosen=any(f.filename for f in request.files.getlist(form.photos.name)),
        ),
        status,
    )


def _attach(report: DisasterReport, files, now) -> None:
    files = [f for f in files if f and f.filename]
    if not files:
        return
    from flask import current_app

    from hai.attachments.services import attach_files

    attach_files(
        files,
        owner_type="disaster",
        owner_id=report.id,
        uploader=current_user,
        now=now,
        root=Path(current_app.config["UPLOAD_FOLDER"]),
    )


@bp.route("/bencana")
@requires(Capability.DISASTER_VIEW)
def index():
    show = request.args.get("status", "open")
    query = select(DisasterReport).where(policy.visibility_clause(current_user))
    if show == "open":
        query = query.where(DisasterReport.status.in_(OPEN))
    rows = list(db.session.scalars(query.order_by(DisasterReport.received_at.desc()).limit(300)))
    regions: dict[str, list[DisasterReport]] = defaultdict(list)
    for r in rows:
        region = r.office.parent if r.office.kind is UnitKind.KPPN else r.office
        regions[region.name if region else "Lainnya"].append(r)
    return render_template(
        "disasters/index.html", regions=dict(sorted(regions.items())), show=show, total=len(rows)
    )


def _report_or_404(report_id: int) -> DisasterReport:
    return policy.get_report_or_404(current_user, report_id)


def _forms(report: DisasterReport) -> dict:
    rv = {"row_version": str(report.row_version)}
    return {
        "clarify": ClarifyForm(formdata=None, data=rv, prefix="clarify"),
        "analyse": AnalysisForm(
            formdata=None,
            data={
                **rv,
                "functions": report.affected_functions,
                "services": ", ".join(report.affected_services),
                "severity": report.severity.value if report.severity else "",
                "analysis": report.analysis,
            },
            offices=_offices(),
            prefix="analyse",
        ),
        "forward": ConfirmForm(formdata=None, data=rv, prefix="forward"),
        "status": StatusForm(formdata=None, data=rv, prefix="status"),
        "close_office": CloseOfficeForm(formdata=None, data=rv, prefix="close_office"),
    }


def _detail(report, forms=None, open_form="", status=200):
    from hai.attachments.services import attachments_of

    all_forms = _forms(report)
    all_forms.update(forms or {})
    return (
        render_template(
            "disasters/detail.html",
            r=report,
            forms=all_forms,
            open_form=open_form,
            photos=attachments_of("disaster", report.id),
            functions=services.FUNCTIONS,
            coordinators=services.coordinators_of(report.office_unit_id),
            can_handle=current_user.can(Capability.DISASTER_HANDLE),
            is_team=current_user.can(Capability.DISASTER_TEAM),
        ),
        status,
    )


@bp.route("/bencana/<int:report_id>")
@requires(Capability.DISASTER_VIEW)
def detail(report_id: int):
    return _detail(_report_or_404(report_id))


@bp.route("/bencana/<int:report_id>/foto/<int:attachment_id>")
@requires(Capability.DISASTER_VIEW)
def photo(report_id: int, attachment_id: int):
    from flask import current_app

    from hai.attachments.models import Attachment
    from hai.attachments.services import send_attachment
    from hai.attachments.storage import upload_root

    report = _report_or_404(report_id)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.owner_type != "disaster" or att.owner_id != report.id:
        abort(404)
    return send_attachment(att, upload_root(current_app))


@bp.route("/bencana/<int:report_id>/cetak")
@requires(Capability.DISASTER_VIEW)
def printable(report_id: int):
    report = _report_or_404(report_id)
    return render_template(
        "disasters/print.html", r=report, functions=services.FUNCTIONS, printed_at=utcnow()
    )


ACTIONS = {
    "clarify": (ClarifyForm, Capability.DISASTER_HANDLE, "Klarifikasi dicatat."),
    "analyse": (AnalysisForm, Capability.DISASTER_HANDLE, "Analisis dampak disimpan."),
    "forward": (ConfirmForm, Capability.DISASTER_HANDLE, "Laporan diteruskan ke Ketua Tim."),
    "close_office": (
        CloseOfficeForm,
        Capability.DISASTER_HANDLE,
        "Kalender kantor ditandai tutup; jam SLA di sana berhenti.",
    ),
    "status": (StatusForm, Capability.DISASTER_TEAM, "Status diperbarui."),
}


@bp.route("/bencana/<int:report_id>/aksi/<action>", methods=["POST"])
@requires(Capability.DISASTER_VIEW)
def act(report_id: int, action: str):
    report = _report_or_404(report_id)
    if action not in ACTIONS:
        abort(404)
    form_class, capability, message = ACTIONS[action]
    if not current_user.can(capability):
        abort(403)
    kwargs = {"offices": _offices()} if action == "analyse" else {}
    form = form_class(prefix=action, **kwargs)
    if not form.validate_on_submit():
        return _detail(report, {action: form}, action, 422)
    if str(report.row_version) != (form.row_version.data or ""):
        form.form_errors.append(
            "Laporan ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."
        )
        return _detail(report, {action: form}, action, 409)
    now, me = utcnow(), current_user

    def run():
        if action == "clarify":
            return services.record_clarification(
                report,
                form.with_whom.data,
                form.outcome.data,
                bool(form.confirmed.data),
                actor=me,
                now=now,
            )
        if action == "analyse":
            when = form.estimated_recovery_at.data
            takeover = form.takeover_unit_id.data
            return services.analyse(
                report,
                functions=list(form.functions.data or []),
                services=(form.services.data or "").split(","),
                severity=form.severity.data or "",
                estimated_recovery_at=when.replace(tzinfo=WIB) if when else None,
                takeover_unit_id=int(takeover) if takeover and takeover.isdigit() else None,
                analysis=form.analysis.data,
                actor=me,
                now=now,
            )
        if action == "forward":
            return services.forward(
                report,
                actor=me,
                now=now,
                print_url=public_url("disasters.printable", report_id=report.id),
            )
        if action == "close_office":
            return services.close_office(report, form.start.data, form.end.data, actor=me, now=now)
        return services.update_status(
            report, form.status.data, form.note.data or "", actor=me, now=now
        )

    ok, _ = submit(form, run)
    if not ok:
        return _detail(report, {action: form}, action, 422)
    flash(message, "success")
    return redirect(url_for("disasters.detail", report_id=report.id))


@bp.route("/admin/bencana/daftar-periksa", methods=["GET", "POST"])
@requires(Capability.DISASTER_CHECKLIST)
def checklist():
    current = services.current_template()
    form = ChecklistForm()
    if request.method == "GET":
        form.items.data = "\n".join(f"{i.code} | {i.label}" for i in current.items)
    elif form.validate_on_submit():
        items = [
            tuple(part.strip() for part in (line.split("|", 1) + [""])[:2])
            for line in form.items.data.splitlines()
            if line.strip()
        ]
        ok, template = submit(
            form,
            lambda: services.new_template_version(
                items, form.note.data or "", actor=current_user, now=utcnow()
            ),
        )
        if ok:
            flash(f"Daftar periksa versi {template.version} berlaku untuk laporan baru.", "success")
            return redirect(url_for("disasters.checklist"))
    versions = list(
        db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.version.desc()))
    )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "disasters/checklist.html", form=form, current=current, versions=versions
    ), status
