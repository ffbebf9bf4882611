"""Catalog pages: browse and search, service detail, versions, compare, and the
administrators' draft editing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hai.auth.permissions import Capability, requires
from hai.auth.roles import Role
from hai.catalog import policy, queries, services
from hai.catalog.forms import ActivateForm, DraftForm, ScopeForm, ServiceForm, VersionInfoForm
from hai.catalog.models import CatalogService
from hai.catalog.user_types import USER_TYPES
from hai.db_types import utcnow
from hai.extensions import db
from hai.org.queries import unit_choices
from hai.web.forms import submit
from hai.web.htmx import is_htmx
from hai.web.requestinfo import client_ip
from hai.web.timefmt import today_wib

bp = Blueprint("catalog", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        abort(400)


# --- browsing ----------------------------------------------------------------------


@bp.route("/catalog")
@requires(Capability.CATALOG_VIEW)
def index():
    today = today_wib()
    version_id = _int_arg("version")
    if version_id is not None:
        version = policy.get_version_or_404(current_user, version_id)
    else:
        version = queries.version_in_force(today)
    q = request.args.get("q", "").strip()[:100]
    if "user_type" in request.args:
        user_type = _int_arg("user_type")
    else:
        # A requester first sees the services open to their own user type.
        user_type = current_user.user_type if current_user.has_role(Role.PENGGUNA) else None
    if user_type is not None and user_type not in USER_TYPES:
        abort(400)
    hits = queries.search_catalog(version, q, user_type) if version else []
    context = dict(
        version=version,
        versions=[v for v in queries.list_versions() if policy.can_view_version(current_user, v)],
        hits=hits,
        q=q,
        user_type=user_type,
        user_types=USER_TYPES,
        status=queries.version_status(version, today) if version else None,
    )
    if is_htmx():
        return render_template("catalog/_results.html", **context)
    return render_template("catalog/index.html", **context)


@bp.route("/catalog/services/<int:service_id>")
@requires(Capability.CATALOG_VIEW)
def service(service_id: int):
    svc = policy.get_service_or_404(current_user, service_id)
    linked = [
        u
        for u in svc.version.linked_units
        if any(
            c == svc.code or c.startswith(svc.code + ".") or svc.code.startswith(c + ".")
            for c in u.codes
        )
    ]
    return render_template(
        "catalog/service.html",
        service=svc,
        linked=linked,
        user_types=USER_TYPES,
        can_edit=policy.can_edit_version(current_user, svc.version),
    )


@bp.route("/channels")
@requires(Capability.CHANNEL_VIEW)
def channels():
    return render_template("catalog/channels.html", channels=queries.list_channels())


# --- versions ----------------------------------------------------------------------


@bp.route("/catalog/versions")
@requires(Capability.CATALOG_VIEW)
def versions():
    today = today_wib()
    rows = [
        (v, queries.version_status(v, today))
        for v in queries.list_versions()
        if policy.can_view_version(current_user, v)
    ]
    return render_template("catalog/versions.html", rows=rows)


@bp.route("/catalog/versions/<int:version_id>")
@requires(Capability.CATALOG_VIEW)
def version(version_id: int):
    return _version_page(policy.get_version_or_404(current_user, version_id))


def _version_page(v, status: int = 200, **forms):
    """The version page; ``forms`` replaces a blank form by the one just submitted."""
    today = today_wib()
    can_edit = policy.can_edit_version(current_user, v)
    context = dict(
        version=v,
        status=queries.version_status(v, today),
        can_edit=can_edit,
        can_draft=current_user.can(Capability.CATALOG_MANAGE) and not v.is_editable,
        info_form=VersionInfoForm(formdata=None, title=v.title, notes=v.notes),
        activate_form=ActivateForm(formdata=None, effective_from=today),
        draft_form=DraftForm(formdata=None),
        scope_count=sum(len(s.scopes) for s in v.services),
    )
    context.update(forms)
    return render_template("catalog/version.html", **context), status


@bp.route("/catalog/compare")
@requires(Capability.CATALOG_VIEW)
def compare():
    visible = [v for v in queries.list_versions() if policy.can_view_version(current_user, v)]
    left_id, right_id = _int_arg("left"), _int_arg("right")
    if not (left_id and right_id) and len(visible) >= 2:
        # By default: what the version in the list's second place changed into the first.
        left_id, right_id = visible[1].id, visible[0].id
    comparison = None
    if left_id and right_id:
        left = policy.get_version_or_404(current_user, left_id)
        right = policy.get_version_or_404(current_user, right_id)
        comparison = queries.compare_versions(left, right)
    return render_template(
        "catalog/compare.html",
        versions=visible,
        comparison=comparison,
        left_id=left_id,
        right_id=right_id,
    )


@bp.route("/catalog/versions/<int:version_id>/draft", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def draft_new(version_id: int):
    source = policy.get_version_or_404(current_user, version_id)
    form = DraftForm()
    if form.validate_on_submit():
        ok, draft = submit(
            form,
            lambda: services.create_draft(
                source,
                code=form.code.data,
                title=form.title.data,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash(f"Draf versi {draft.code} dibuat dari versi {source.code}.", "success")
            return redirect(url_for("catalog.version", version_id=draft.id))
    return _version_page(source, 422, draft_form=form)


@bp.route("/catalog/versions/<int:version_id>/info", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def version_info(version_id: int):
    v = policy.get_version_or_404(current_user, version_id, for_edit=True)
    form = VersionInfoForm()
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.update_version_info(
                v,
                title=form.title.data,
                notes=form.notes.data or "",
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash("Keterangan versi disimpan.", "success")
            return redirect(url_for("catalog.version", version_id=v.id))
    return _version_page(v, 422, info_form=form)


@bp.route("/catalog/versions/<int:version_id>/activate", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def version_activate(version_id: int):
    v = policy.get_version_or_404(current_user, version_id, for_edit=True)
    form = ActivateForm()
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.activate_version(
                v,
                effective_from=form.effective_from.data,
                today=today_wib(),
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash(
                f"Versi {v.code} diaktifkan, berlaku mulai {form.effective_from.data:%d-%m-%Y}.",
                "success",
            )
            return redirect(url_for("catalog.version", version_id=v.id))
    return _version_page(v, 422, activate_form=form)


@bp.route("/catalog/versions/<int:version_id>/delete", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def version_delete(version_id: int):
    v = policy.get_version_or_404(current_user, version_id, for_edit=True)
    code = v.code
    services.delete_draft(v, now=utcnow(), actor=current_user, ip=client_ip())
    db.session.commit()
    flash(f"Draf versi {code} dihapus.", "success")
    return redirect(url_for("catalog.versions"))


# --- editing a draft: services -------------------------------------------------------


def _service_form(svc: CatalogService | None, *, fill: bool | None = None) -> ServiceForm:
    """The service form: the submitted data on a POST to it, else filled from ``svc``."""
    if fill is None:
        fill = request.method == "GET"
    form = ServiceForm(
        unit_choices=unit_choices(keep=svc.responsible_unit_id if svc else None),
        **({"formdata": None} if fill else {}),
    )
    if svc is not None and fill:
        for field in (
            "code",
            "name",
            "definition",
            "audience",
            "responsible_unit_name",
            "norm_hours",
            "norm_text",
        ):
            getattr(form, field).data = getattr(svc, field)
        form.responsible_unit_id.data = str(svc.responsible_unit_id or "")
        form.access.data = sorted(svc.access)
    return form


def _save_service_from(form: ServiceForm, version, svc):
    return services.save_service(
        version,
        svc,
        code=form.code.data,
        name=form.name.data,
        definition=form.definition.data or "",
        audience=form.audience.data or "",
        responsible_unit_name=form.responsible_unit_name.data or "",
        responsible_unit_id=int(form.responsible_unit_id.data)
        if form.responsible_unit_id.data
        else None,
        norm_hours=form.norm_hours.data,
        norm_text=form.norm_text.data or "",
        access=form.access.data or [],
        now=utcnow(),
        actor=current_user,
        ip=client_ip(),
    )


def _service_form_page(version, svc):
    form = _service_form(svc)
    if form.validate_on_submit():
        ok, saved = submit(
            form,
            lambda: _save_service_from(form, version, svc),
        )
        if ok:
            flash(f"Layanan {saved.code} disimpan.", "success")
            return redirect(url_for("catalog.service_edit", service_id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalog/service_form.html",
        form=form,
        version=version,
        service=svc,
        scope_form=_scope_form(svc, blank=True) if svc else None,
    ), status


@bp.route("/catalog/versions/<int:version_id>/services/new", methods=["GET", "POST"])
@requires(Capability.CATALOG_MANAGE)
def service_new(version_id: int):
    v = policy.get_version_or_404(current_user, version_id, for_edit=True)
    return _service_form_page(v, None)


@bp.route("/catalog/services/<int:service_id>/edit", methods=["GET", "POST"])
@requires(Capability.CATALOG_MANAGE)
def service_edit(service_id: int):
    svc = policy.get_service_or_404(current_user, service_id, for_edit=True)
    return _service_form_page(svc.version, svc)


@bp.route("/catalog/services/<int:service_id>/delete", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def service_delete(service_id: int):
    svc = policy.get_service_or_404(current_user, service_id, for_edit=True)
    version_id, code = svc.version_id, svc.code
    services.delete_service(svc, now=utcnow(), actor=current_user, ip=client_ip())
    db.session.commit()
    flash(f"Layanan {code} dihapus dari draf.", "success")
    return redirect(url_for("catalog.version", version_id=version_id))


# --- editing a draft: scopes (htmx fragments, full pages without JS) -----------------


def _scope_form(svc: CatalogService, scope=None, *, blank: bool = False) -> ScopeForm:
    """The scope form; ``blank`` ignores the submitted data (a fresh form after a save).

    Prefixed so that its fields never share ids with the service form on the page.
    """
    choices = [(str(s.id), f"{s.code} {s.name[:60]}") for s in svc.scopes if s is not scope]
    prefix = f"scope-{scope.id}" if scope is not None else "new-scope"
    kwargs = {"formdata": None} if blank else {}
    return ScopeForm(parent_choices=choices, prefix=prefix, **kwargs)


def _scopes_fragment(svc, *, scope_form=None, editing=None, edit_form=None, status=200):
    return render_template(
        "catalog/_scope_editor.html",
        service=svc,
        scope_form=scope_form or _scope_form(svc, blank=True),
        editing=editing,
        edit_form=edit_form,
    ), status


def _after_scope_change(svc, message: str):
    flash(message, "success")
    if is_htmx():
        return _scopes_fragment(svc)
    return redirect(url_for("catalog.service_edit", service_id=svc.id) + "#ruang-lingkup")


def _scope_error_page(svc, *, scope_form=None, editing=None, edit_form=None):
    if is_htmx():
        return _scopes_fragment(
            svc, scope_form=scope_form, editing=editing, edit_form=edit_form, status=422
        )
    form = _service_form(svc, fill=True)
    return render_template(
        "catalog/service_form.html",
        form=form,
        version=svc.version,
        service=svc,
        scope_form=scope_form or _scope_form(svc, blank=True),
        editing=editing,
        edit_form=edit_form,
    ), 422


@bp.route("/catalog/services/<int:service_id>/scopes", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def scope_new(service_id: int):
    svc = policy.get_service_or_404(current_user, service_id, for_edit=True)
    form = _scope_form(svc)
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            parent = policy.get_scope_or_404(current_user, int(form.parent_id.data), for_edit=True)
        ok, scope = submit(
            form,
            lambda: services.save_scope(
                svc,
                None,
                code=form.code.data,
                name=form.name.data,
                norm_hours=form.norm_hours.data,
                parent=parent,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            return _after_scope_change(svc, f"Ruang lingkup {scope.code} ditambahkan.")
    return _scope_error_page(svc, scope_form=form)


@bp.route("/catalog/scopes/<int:scope_id>/edit", methods=["GET", "POST"])
@requires(Capability.CATALOG_MANAGE)
def scope_edit(scope_id: int):
    scope = policy.get_scope_or_404(current_user, scope_id, for_edit=True)
    svc = scope.service
    form = _scope_form(svc, scope)
    if request.method == "GET":
        form.code.data, form.name.data, form.norm_hours.data = (
            scope.code,
            scope.name,
            scope.norm_hours,
        )
        if is_htmx():
            return _scopes_fragment(svc, editing=scope, edit_form=form)
        return render_template(
            "catalog/service_form.html",
            form=_service_form(svc, fill=True),
            version=svc.version,
            service=svc,
            scope_form=_scope_form(svc, blank=True),
            editing=scope,
            edit_form=form,
        )
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.save_scope(
                svc,
                scope,
                code=form.code.data,
                name=form.name.data,
                norm_hours=form.norm_hours.data,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            return _after_scope_change(svc, f"Ruang lingkup {scope.code} disimpan.")
    return _scope_error_page(svc, editing=scope, edit_form=form)


@bp.route("/catalog/scopes/<int:scope_id>/delete", methods=["POST"])
@requires(Capability.CATALOG_MANAGE)
def scope_delete(scope_id: int):
    scope = policy.get_scope_or_404(current_user, scope_id, for_edit=True)
    svc, code = scope.service, scope.code
    services.delete_scope(scope, now=utcnow(), actor=current_user, ip=client_ip())
    db.session.commit()
    return _after_scope_change(svc, f"Ruang lingkup {code} dihapus.")
