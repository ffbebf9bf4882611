"""Configuration item pages: what is broken where and who owns it; editing items; the
ticket's item."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.permissions import Capability, requires
from hai.cmdb import queries, services
from hai.cmdb.forms import CIForm, TicketCIForm
from hai.cmdb.models import CIKind, ConfigurationItem
from hai.db_types import utcnow
from hai.extensions import db
from hai.org.models import OrgUnit, UnitKind
from hai.tickets import policy
from hai.web.forms import submit

bp = Blueprint("cmdb", __name__)


def _get_or_404(ci_id: int) -> ConfigurationItem:
    ci = db.session.get(ConfigurationItem, ci_id)
    if ci is None:
        abort(404)
    return ci


@bp.route("/ci")
@requires(Capability.CI_VIEW)
def index():
    rows = queries.overview(include_inactive=current_user.can(Capability.CI_MANAGE))
    return render_template(
        "cmdb/index.html",
        rows=rows,
        kinds=list(CIKind),
        can_manage=current_user.can(Capability.CI_MANAGE),
    )


@bp.route("/ci/<int:ci_id>")
@requires(Capability.CI_VIEW)
def detail(ci_id: int):
    ci = _get_or_404(ci_id)
    return render_template(
        "cmdb/detail.html",
        ci=ci,
        related=queries.related_records(ci, user=current_user),
        can_manage=current_user.can(Capability.CI_MANAGE),
        can_see_tickets=current_user.can(Capability.TICKET_VIEW),
    )


def _units() -> list[tuple[int, str]]:
    units = db.session.scalars(
        select(OrgUnit)
        .where(
            OrgUnit.kind.in_([UnitKind.DIREKTORAT, UnitKind.BLU, UnitKind.LAINNYA]),
            OrgUnit.is_active.is_(True),
        )
        .order_by(OrgUnit.name)
    )
    return [(u.id, u.name) for u in units]


def _data(form: CIForm) -> services.CIData:
    return services.CIData(
        code=form.code.data or "",
        name=form.name.data or "",
        kind=CIKind(form.kind.data),
        owner_unit_id=int(form.owner_unit_id.data) if form.owner_unit_id.data else None,
        description=form.description.data or "",
        service_codes=services.parse_codes(form.service_codes.data),
        is_active=bool(form.is_active.data),
    )


@bp.route("/ci/new", methods=["GET", "POST"])
@requires(Capability.CI_MANAGE)
def new():
    form = CIForm(units=_units())
    if not form.is_submitted():
        form.is_active.data = True
    if form.validate_on_submit():
        ok, ci = submit(
            form, lambda: services.save_ci(None, _data(form), actor=current_user, now=utcnow())
        )
        if ok:
            flash(f"Item konfigurasi {ci.code} dicatat.", "success")
            return redirect(url_for("cmdb.detail", ci_id=ci.id))
    status = 422 if form.is_submitted() else 200
    return render_template("cmdb/form.html", form=form, ci=None), status


@bp.route("/ci/<int:ci_id>/edit", methods=["GET", "POST"])
@requires(Capability.CI_MANAGE)
def edit(ci_id: int):
    ci = _get_or_404(ci_id)
    if request.method == "GET":
        form = CIForm(
            formdata=None,
            units=_units(),
            data={
                "row_version": str(ci.row_version),
                "code": ci.code,
                "name": ci.name,
                "kind": ci.kind.value,
                "owner_unit_id": str(ci.owner_unit_id),
                "description": ci.description,
                "service_codes": "\n".join(ci.service_codes or []),
                "is_active": ci.is_active,
            },
        )
        return render_template("cmdb/form.html", form=form, ci=ci)
    form = CIForm(units=_units())
    if form.validate_on_submit():
        if form.row_version.data != str(ci.row_version):
            form.form_errors.append(
                "Item ini telah diubah oleh petugas lain. Muat ulang halaman lalu coba lagi."
            )
            return render_template("cmdb/form.html", form=form, ci=ci), 409
        ok, _ = submit(
            form, lambda: services.save_ci(ci, _data(form), actor=current_user, now=utcnow())
        )
        if ok:
            flash("Item konfigurasi disimpan.", "success")
            return redirect(url_for("cmdb.detail", ci_id=ci.id))
    return render_template("cmdb/form.html", form=form, ci=ci), 422


@bp.route("/tickets/<int:ticket_id>/ci", methods=["POST"])
@requires(Capability.TICKET_HANDLE)
def set_ticket_ci(ticket_id: int):
    from hai.problems.queries import ci_choices
    from hai.problems.views import _ticket_page

    ticket = policy.get_ticket_or_404(current_user, ticket_id, for_handling=True)
    form = TicketCIForm(items=ci_choices())
    if not form.validate_on_submit():
        return _ticket_page(ticket, 422, ci_form=form)
    ci = db.session.get(ConfigurationItem, int(form.ci_id.data)) if form.ci_id.data else None
    ok, _ = submit(
        form, lambda: services.set_ticket_ci(ticket, ci, actor=current_user, now=utcnow())
    )
    if not ok:
        db.session.refresh(ticket)
        return _ticket_page(ticket, 422, ci_form=form)
    flash(f"Item konfigurasi tiket: {ci.code if ci else 'tidak ada'}.", "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id) + "#masalah")
