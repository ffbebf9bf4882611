"""Administrators' pages for organisation units."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hai.auth.permissions import Capability, requires
from hai.db_types import utcnow
from hai.extensions import db
from hai.org.forms import UnitForm
from hai.org.models import OrgUnit, UnitKind
from hai.org.queries import unit_choices, units_in_tree_order
from hai.org.services import save_unit
from hai.web.forms import submit
from hai.web.requestinfo import client_ip

bp = Blueprint("org", __name__, url_prefix="/admin/units")


@bp.route("")
@requires(Capability.UNIT_MANAGE)
def index():
    return render_template("org/units.html", units=units_in_tree_order())


def _form_page(unit: OrgUnit | None):
    form = UnitForm(parent_choices=unit_choices(keep=unit.parent_id if unit else None))
    if unit is not None and request.method == "GET":
        form.code.data, form.name.data, form.short_name.data = unit.code, unit.name, unit.short_name
        form.kind.data = unit.kind.value
        form.parent_id.data = str(unit.parent_id or "")
        form.is_active.data = unit.is_active
    if form.validate_on_submit():
        parent = db.session.get(OrgUnit, int(form.parent_id.data)) if form.parent_id.data else None
        ok, saved = submit(
            form,
            lambda: save_unit(
                unit,
                code=form.code.data,
                name=form.name.data,
                short_name=form.short_name.data or "",
                kind=UnitKind(form.kind.data),
                parent=parent,
                is_active=form.is_active.data,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash(f"Unit {saved.name} disimpan.", "success")
            return redirect(url_for("org.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("org/unit_form.html", form=form, unit=unit), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Capability.UNIT_MANAGE)
def new():
    return _form_page(None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@requires(Capability.UNIT_MANAGE)
def edit(unit_id: int):
    return _form_page(db.get_or_404(OrgUnit, unit_id))
