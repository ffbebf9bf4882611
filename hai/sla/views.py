"""The working calendar pages and the SLA preview."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from hai.auth.permissions import Capability, requires
from hai.catalog import queries as catalog_queries
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion, VersionState
from hai.db_types import utcnow
from hai.extensions import db
from hai.sla import calendars, queries
from hai.sla.clocks import scope_norm_hours
from hai.sla.forms import ExceptionForm, PreviewForm
from hai.sla.models import CalendarException, ExceptionKind
from hai.sla.norms import load_norms
from hai.sla.policy import LEVEL_LABELS, Request, resolve_targets
from hai.web.forms import attach_error, submit
from hai.web.htmx import is_htmx
from hai.web.requestinfo import client_ip
from hai.web.timefmt import MONTHS, WIB, today_wib

bp = Blueprint("sla", __name__)


def _month_arg() -> tuple[int, int]:
    today = today_wib()
    try:
        year = int(request.args.get("year", today.year))
        month = int(request.args.get("month", today.month))
    except ValueError:
        abort(400)
    if not (calendars.FIRST_YEAR <= year <= calendars.LAST_YEAR and 1 <= month <= 12):
        abort(400)
    return year, month


def _calendar_context(year: int, month: int, form: ExceptionForm | None = None) -> dict:
    cal = calendars.calendar_for()
    prev = date(year, month, 1) - timedelta(days=1)
    nxt = date(year, month, 28) + timedelta(days=7)
    can_manage = current_user.can(Capability.CALENDAR_MANAGE)
    return dict(
        year=year,
        month=month,
        month_name=MONTHS[month - 1],
        weeks=queries.month_grid(cal, year, month),
        working_days=queries.working_days_in(cal, year, month),
        prev=(prev.year, prev.month),
        next=(nxt.year, nxt.month),
        can_manage=can_manage,
        form=form or (ExceptionForm(formdata=None) if can_manage else None),
        exceptions=calendars.active_exceptions() if can_manage else [],
        history=queries.exception_history(50) if can_manage else [],
    )


@bp.route("/calendar")
@requires(Capability.CALENDAR_VIEW)
def calendar():
    year, month = _month_arg()
    context = _calendar_context(year, month)
    template = "sla/_month.html" if is_htmx() else "sla/calendar.html"
    return render_template(template, **context)


@bp.route("/calendar/year")
@requires(Capability.CALENDAR_VIEW)
def calendar_year():
    year, _ = _month_arg()
    cal = calendars.calendar_for()
    months = [
        (m, MONTHS[m - 1], queries.month_grid(cal, year, m), queries.working_days_in(cal, year, m))
        for m in range(1, 13)
    ]
    return render_template(
        "sla/year.html", year=year, months=months, holidays=queries.year_holidays(cal, year)
    )


@bp.route("/calendar/exceptions", methods=["POST"])
@requires(Capability.CALENDAR_MANAGE)
def exception_add():
    year, month = _month_arg()
    form = ExceptionForm()
    if form.validate_on_submit():
        ok, row = submit(
            form,
            lambda: calendars.add_exception(
                start=form.start_date.data,
                end=form.end_date.data or form.start_date.data,
                kind=ExceptionKind(form.kind.data),
                opens=form.opens.data,
                closes=form.closes.data,
                reason=form.reason.data,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash(
                "Pengecualian kalender disimpan; tenggat tiket yang masih terbuka dihitung ulang.",
                "success",
            )
            return _after_change(row.start_date)
    return render_template("sla/calendar.html", **_calendar_context(year, month, form)), 422


@bp.route("/calendar/exceptions/<int:exception_id>/remove", methods=["POST"])
@requires(Capability.CALENDAR_MANAGE)
def exception_remove(exception_id: int):
    row = db.get_or_404(CalendarException, exception_id)
    form = ExceptionForm(formdata=None)
    ok, _ = submit(
        form,
        lambda: calendars.remove_exception(row, now=utcnow(), actor=current_user, ip=client_ip()),
    )
    if ok:
        flash(
            "Pengecualian kalender dihapus; tenggat tiket yang masih terbuka dihitung ulang.",
            "success",
        )
    return _after_change(row.start_date)


def _after_change(day: date):
    """htmx: the page section with the month of the change; plain: redirect there."""
    if is_htmx():
        return render_template("sla/calendar.html", **_calendar_context(day.year, day.month))
    return redirect(url_for("sla.calendar", year=day.year, month=day.month))


# --- SLA preview ---------------------------------------------------------------------

PAUSE_RE = re.compile(r"^\s*(\d{1,4})(?::([0-5]\d))?\s*$")


def _scope_choices(version: CatalogVersion) -> list[SelectChoice]:
    out = []
    for service in catalog_queries.search_catalog(version):
        s = service.service
        group = f"{s.code} {s.name}"
        norm = f"{s.norm_hours} jam" if s.norm_hours is not None else "norma per ruang lingkup"
        out.append(
            SelectChoice(f"service:{s.id}", f"{s.code} — seluruh layanan ({norm})", optgroup=group)
        )
        for sc in s.scopes:
            hours = f"{sc.norm_hours} jam" if sc.norm_hours is not None else "tanpa norma"
            indent = "\u00a0\u00a0" * (sc.depth - 1)
            out.append(
                SelectChoice(
                    f"scope:{sc.id}", f"{indent}{sc.code} {sc.name[:70]} ({hours})", optgroup=group
                )
            )
    return out


def _pick_scope(value: str, version: CatalogVersion):
    """(service, scope) from a picker value of this version; (None, None) if empty."""
    if not value:
        return None, None
    kind, _, raw = value.partition(":")
    if not raw.isdigit():
        return None, None
    if kind == "service":
        service = db.session.get(CatalogService, int(raw))
        if service is not None and service.version_id == version.id:
            return service, None
    elif kind == "scope":
        scope = db.session.get(CatalogScope, int(raw))
        if scope is not None and scope.service.version_id == version.id:
            return scope.service, scope
    return None, None


@bp.route("/sla/preview")
@requires(Capability.SLA_PREVIEW)
def preview():
    versions = [v for v in catalog_queries.list_versions() if v.state is not VersionState.DRAFT]
    if not versions:
        abort(404)
    now_local = utcnow().astimezone(WIB).replace(second=0, microsecond=0, tzinfo=None)
    version_id = request.args.get("version", "")
    version = next((v for v in versions if str(v.id) == version_id), None)
    if version is None:
        version = catalog_queries.version_in_force(today_wib()) or versions[0]
    channels = catalog_queries.list_channels()
    form = PreviewForm(
        request.args if request.args else None,
        version_choices=[(v.id, f"{v.code} — {v.title}") for v in versions],
        channel_choices=[(c.code, c.name) for c in channels],
        scope_choices=_scope_choices(version),
    )
    if not request.args:
        form.version.data = str(version.id)
        form.channel.data = "portal"
        form.received_at.data = now_local
    result = None
    if request.args and form.validate():
        result = _preview_result(form, version)
    context = dict(form=form, result=result, version=version, level_labels=LEVEL_LABELS)
    template = "sla/_preview_result.html" if is_htmx() else "sla/preview.html"
    return render_template(template, **context)


def _preview_result(form: PreviewForm, version: CatalogVersion) -> dict | None:
    paused = timedelta(0)
    if form.paused_hours.data:
        match = PAUSE_RE.match(form.paused_hours.data)
        if not match:
            attach_error(form, "Tulis jam kerja, mis. 3 atau 1:30.", "paused_hours")
            return None
        paused = timedelta(hours=int(match.group(1)), minutes=int(match.group(2) or 0))
    priority = form.priority.data or None
    if not priority and bool(form.impact.data) != bool(form.urgency.data):
        attach_error(form, "Isi dampak dan kepentingan bersama-sama.", "impact")
        return None
    service, scope = _pick_scope(form.scope.data, version)
    if form.scope.data and service is None:
        attach_error(form, "Ruang lingkup tidak ada pada versi ini; pilih lagi.", "scope")
        return None
    norms = load_norms(version)
    if not priority and form.impact.data:
        priority = norms.priority_for(form.impact.data, form.urgency.data)
    received = form.received_at.data.replace(tzinfo=WIB)
    cal = calendars.calendar_for()
    req = Request(
        received_at=received,
        channel_code=form.channel.data,
        scope_norm_hours=scope_norm_hours(scope, service),
        escalated=form.escalated.data,
        priority=priority,
        paused=paused,
    )
    targets = resolve_targets(cal, norms, req)
    in_force = catalog_queries.version_in_force(received.date())
    last_due = max(
        (t.due for t in [targets.response, *targets.candidates] if t.due), default=received
    )
    return dict(
        targets=targets,
        priority=priority,
        received=received,
        starts=cal.next_opening(received),
        service=service,
        scope=scope,
        in_force=in_force,
        channel_norm=norms.channels.get(form.channel.data),
        skipped=queries.non_working_days_between(cal, received, last_due),
    )


# --- SLA parameters of a catalog version -----------------------------------------------


@bp.route("/catalog/versions/<int:version_id>/sla", methods=["GET", "POST"])
@requires(Capability.CATALOG_VIEW)
def version_norms(version_id: int):
    from hai.catalog import policy as catalog_policy
    from hai.sla.forms import norms_form_class
    from hai.sla.policy import LEVELS, PRIORITIES

    version = catalog_policy.get_version_or_404(current_user, version_id)
    can_edit = catalog_policy.can_edit_version(current_user, version)
    if request.method == "POST" and not can_edit:
        abort(403)
    channels = catalog_queries.list_channels()
    norms = load_norms(version)
    form = norms_form_class([c.code for c in channels])(
        **({} if request.method == "POST" else {"formdata": None})
    )
    if request.method == "GET":
        for code in PRIORITIES:
            form[f"priority_{code}"].data = norms.priority_hours.get(code)
        for (impact, urgency), priority in norms.matrix.items():
            form[f"matrix_{impact}_{urgency}"].data = priority
        for c in channels:
            n = norms.channels.get(c.code)
            if n is not None:
                form[f"channel_{c.code}_response"].data = _minutes(n.response)
                form[f"channel_{c.code}_fulfilment"].data = _minutes(n.fulfilment)
    elif form.validate_on_submit():
        ok, changed = submit(form, lambda: _save_norms(version, form, norms, channels))
        if ok:
            flash(f"Parameter SLA disimpan ({changed} perubahan).", "success")
            return redirect(url_for("sla.version_norms", version_id=version.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "sla/version_norms.html",
        version=version,
        norms=norms,
        form=form,
        can_edit=can_edit,
        channels=channels,
        levels=LEVELS,
        level_labels=LEVEL_LABELS,
        priorities=PRIORITIES,
    ), status


def _minutes(td: timedelta | None) -> int | None:
    return None if td is None else int(td.total_seconds() // 60)


def _save_norms(version, form, norms, channels) -> int:
    from hai.sla import norms as norm_services
    from hai.sla.policy import LEVELS, PRIORITIES

    now, ip, changed = utcnow(), client_ip(), 0
    for code in PRIORITIES:
        hours = form[f"priority_{code}"].data
        if norms.priority_hours.get(code) != hours:
            norm_services.set_priority_hours(
                version, code, hours, now=now, actor=current_user, ip=ip
            )
            changed += 1
    for impact in LEVELS:
        for urgency in LEVELS:
            priority = form[f"matrix_{impact}_{urgency}"].data
            if norms.matrix.get((impact, urgency)) != priority:
                norm_services.set_matrix_cell(
                    version, impact, urgency, priority, now=now, actor=current_user, ip=ip
                )
                changed += 1
    for c in channels:
        response = form[f"channel_{c.code}_response"].data
        fulfilment = form[f"channel_{c.code}_fulfilment"].data
        current = norms.channels.get(c.code)
        before = (
            (_minutes(current.response), _minutes(current.fulfilment)) if current else (None, None)
        )
        if before != (response, fulfilment):
            norm_services.set_channel_norm(
                version,
                c.code,
                response_minutes=response,
                fulfilment_minutes=fulfilment,
                basis=current.basis if current else "",
                now=now,
                actor=current_user,
                ip=ip,
            )
            changed += 1
    return changed
