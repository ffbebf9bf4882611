"""Change request pages: the requester's portal pages, the staff list and the one page
where HAI-DJPb, the CAB and the Manajer Perubahan each act in turn; the CAB's composition."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.models import User, UserRole
from hai.auth.permissions import Capability, requires
from hai.auth.roles import Role
from hai.changes import services
from hai.changes.forms import (
    ActionForm,
    AssessForm,
    CabMemberForm,
    DecideForm,
    ImplementForm,
    OwnerForm,
    PortalChangeForm,
    ReviewForm,
    StaffChangeForm,
    VoteForm,
)
from hai.changes.models import (
    CabMember,
    ChangeCategory,
    ChangeImpact,
    ChangeRequest,
    ChangeResult,
    ChangeStatus,
    Decision,
)
from hai.db_types import utcnow
from hai.extensions import db
from hai.web.forms import choices, submit
from hai.web.timefmt import today_wib

bp = Blueprint("changes", __name__)


def _service_choices() -> list:
    from hai.catalog.models import CatalogService
    from hai.catalog.queries import version_in_force

    version = version_in_force(today_wib())
    if version is None:
        return choices([("", "—")])
    services_ = db.session.scalars(
        select(CatalogService)
        .where(CatalogService.version_id == version.id)
        .order_by(CatalogService.position, CatalogService.code)
    )
    return choices([("", "— pilih layanan —")] + [(s.id, f"{s.code} {s.name}") for s in services_])


def _change_data(form) -> services.ChangeData:
    raw = form.service_id.data or ""
    return services.ChangeData(
        title=form.title.data or "",
        description=form.description.data or "",
        justification=form.justification.data or "",
        in_catalog=form.scope.data == "in",
        service_id=int(raw) if raw.isdigit() else None,
        catalog_change=bool(form.catalog_change.data),
        requester_name=_value(form, "requester_name"),
        requester_email=_value(form, "requester_email"),
        requester_unit=_value(form, "requester_unit"),
        ticket_number=_value(form, "ticket_number"),
    )


def _value(form, name: str) -> str:
    """A staff-only field's text ('' on the portal form, which lacks it)."""
    field = getattr(form, name, None)
    return (field.data or "") if field is not None else ""


# --- the requester's pages -----------------------------------------------------------------------


def _own_or_404(change_id: int) -> ChangeRequest:
    change = db.session.get(ChangeRequest, change_id)
    if change is None or change.requester_id != current_user.id:
        abort(404)
    return change


@bp.route("/portal/perubahan")
@requires(Capability.CHANGE_REQUEST)
def portal_index():
    rows = db.session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.requester_id == current_user.id)
        .order_by(ChangeRequest.created_at.desc())
    ).all()
    return render_template("changes/portal_index.html", rows=rows)


@bp.route("/portal/perubahan/baru", methods=["GET", "POST"])
@requires(Capability.CHANGE_REQUEST)
def portal_new():
    form = PortalChangeForm()
    form.service_id.choices = _service_choices()
    if form.validate_on_submit():
        data, now, me = _change_data(form), utcnow(), current_user
        ok, change = submit(form, lambda: services.submit(data, now=now, requester=me))
        if ok:
            flash(f"Permintaan perubahan {change.number} diterima.", "success")
            return redirect(url_for("changes.portal_detail", change_id=change.id))
    status = 422 if form.is_submitted() else 200
    return render_template("changes/new.html", form=form, portal=True), status


@bp.route("/portal/perubahan/<int:change_id>")
@requires(Capability.CHANGE_REQUEST)
def portal_detail(change_id: int):
    change = _own_or_404(change_id)
    return render_template("changes/portal_detail.html", change=change)


# --- staff ---------------------------------------------------------------------------------------


@bp.route("/perubahan")
@requires(Capability.CHANGE_VIEW)
def index():
    raw = request.args.get("status", "")
    query = select(ChangeRequest).order_by(ChangeRequest.created_at.desc()).limit(200)
    status = next((s for s in ChangeStatus if s.value == raw), None)
    if status is not None:
        query = query.where(ChangeRequest.status == status)
    return render_template(
        "changes/index.html",
        rows=db.session.scalars(query).all(),
        statuses=list(ChangeStatus),
        status=status,
        can_record=current_user.can(Capability.CHANGE_RECORD),
        composition_problem=services.composition_problem(),
    )


@bp.route("/perubahan/baru", methods=["GET", "POST"])
@requires(Capability.CHANGE_RECORD)
def new():
    form = StaffChangeForm()
    form.service_id.choices = _service_choices()
    if form.validate_on_submit():
        data, now, me = _change_data(form), utcnow(), current_user
        ok, change = submit(
            form, lambda: services.submit(data, now=now, requester=None, recorded_by=me)
        )
        if ok:
            flash(f"Permintaan perubahan {change.number} dicatat.", "success")
            return redirect(url_for("changes.detail", change_id=change.id))
    status = 422 if form.is_submitted() else 200
    return render_template("changes/new.html", form=form, portal=False), status


def _get_or_404(change_id: int) -> ChangeRequest:
    change = db.session.get(ChangeRequest, change_id)
    if change is None:
        abort(404)
    return change


def _unit_choices() -> list:
    from hai.org.models import OrgUnit, UnitKind

    units = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind == UnitKind.DIREKTORAT, OrgUnit.is_active.is_(True))
        .order_by(OrgUnit.code)
    )
    return choices([("", "— pilih unit —")] + [(u.id, u.name) for u in units])


def _ci_choices() -> list:
    from hai.cmdb.models import ConfigurationItem

    items = db.session.scalars(
        select(ConfigurationItem)
        .where(ConfigurationItem.is_active.is_(True))
        .order_by(ConfigurationItem.code)
    )
    return choices([("", "— tidak ada —")] + [(c.id, f"{c.code} {c.name}") for c in items])


def _forms(change: ChangeRequest, given: dict) -> dict:
    """The forms the user may use on the request in its present state."""
    version = {"row_version": str(change.row_version)}
    me = current_user
    deciding = change.status in (
        ChangeStatus.SUBMITTED,
        ChangeStatus.ASSESSED,
        ChangeStatus.DEFERRED,
    )
    rv: dict = {}
    if me.can(Capability.CHANGE_COORDINATE) and deciding:
        rv["owner_form"] = given.get("owner_form") or OwnerForm(
            formdata=None,
            data={**version, "owner_unit_id": str(change.owner_unit_id or ""),
                  "owner_contact": change.owner_contact, "ci_id": str(change.ci_id or "")},
        )  # fmt: skip
        rv["owner_form"].owner_unit_id.choices = _unit_choices()
        rv["owner_form"].ci_id.choices = _ci_choices()
    member = services.active_member(me) if me.can(Capability.CHANGE_DECIDE) else None
    if member is not None and deciding and change.owner_unit_id is not None:
        data = {**version}
        if change.category is not None:
            data.update(
                category=change.category.value,
                impact=change.impact.value,
                assessment=change.assessment,
                planned_start=change.planned_start,
                planned_end=change.planned_end,
            )
        rv["assess_form"] = given.get("assess_form") or AssessForm(formdata=None, data=data)
    if member is not None and change.status is ChangeStatus.ASSESSED:
        rv["vote_form"] = given.get("vote_form") or VoteForm(formdata=None)
        rv["decide_form"] = given.get("decide_form") or DecideForm(formdata=None, data=version)
    if me.can(Capability.CHANGE_IMPLEMENT):
        if change.status is ChangeStatus.APPROVED or (
            change.status is ChangeStatus.IN_PROGRESS
            and change.catalog_change
            and change.catalog_version_id is None
        ):
            rv["action_form"] = given.get("action_form") or ActionForm(formdata=None, data=version)
        if change.status is ChangeStatus.IN_PROGRESS:
            rv["implement_form"] = given.get("implement_form") or ImplementForm(
                formdata=None, data=version
            )
        if change.status is ChangeStatus.IMPLEMENTED:
            rv["review_form"] = given.get("review_form") or ReviewForm(formdata=None, data=version)
    rv["is_member"] = member is not None
    return rv


def _detail(change: ChangeRequest, status: int = 200, **given):
    return (
        render_template(
            "changes/detail.html",
            change=change,
            composition_problem=services.composition_problem(),
            problems=services.fixed_problems(change),
            **_forms(change, given),
        ),
        status,
    )


@bp.route("/perubahan/<int:change_id>")
@requires(Capability.CHANGE_VIEW)
def detail(change_id: int):
    return _detail(_get_or_404(change_id))


def _stale(form, change: ChangeRequest) -> bool:
    if (form.row_version.data or "") == str(change.row_version):
        return False
    form.form_errors.append(
        "RFC ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."
    )
    return True


def _act(change: ChangeRequest, form, name: str, call, message: str):
    """Validate, check the version, run the rule as one transaction, or re-render the page
    with the message beside the field."""
    if not form.validate_on_submit():
        return _detail(change, 422, **{name: form})
    if hasattr(form, "row_version") and _stale(form, change):
        return _detail(change, 409, **{name: form})
    ok, _ = submit(form, call)
    if not ok:
        return _detail(change, 422, **{name: form})
    flash(message, "success")
    return redirect(url_for("changes.detail", change_id=change.id))


@bp.route("/perubahan/<int:change_id>/pemilik", methods=["POST"])
@requires(Capability.CHANGE_COORDINATE)
def owner(change_id: int):
    from hai.org.models import OrgUnit

    change = _get_or_404(change_id)
    form = OwnerForm()
    form.owner_unit_id.choices = _unit_choices()
    form.ci_id.choices = _ci_choices()
    now, me = utcnow(), current_user

    def run():
        from hai.cmdb.models import ConfigurationItem

        unit = db.session.get(OrgUnit, int(form.owner_unit_id.data))
        raw = form.ci_id.data or ""
        ci = db.session.get(ConfigurationItem, int(raw)) if raw.isdigit() else None
        services.link_owner(change, unit, form.owner_contact.data, now=now, actor=me, ci=ci)

    return _act(
        change, form, "owner_form", run, "Pemilik produk ditetapkan; RFC diteruskan ke CAB."
    )


@bp.route("/perubahan/<int:change_id>/nilai", methods=["POST"])
@requires(Capability.CHANGE_DECIDE)
def assess(change_id: int):
    change = _get_or_404(change_id)
    form = AssessForm()
    now, me = utcnow(), current_user
    return _act(
        change,
        form,
        "assess_form",
        lambda: services.assess(
            change,
            category=ChangeCategory(form.category.data),
            impact=ChangeImpact(form.impact.data),
            assessment=form.assessment.data,
            planned_start=form.planned_start.data,
            planned_end=form.planned_end.data,
            now=now,
            actor=me,
        ),
        "Penilaian CAB dicatat; pemohon diberi tahu.",
    )


@bp.route("/perubahan/<int:change_id>/suara", methods=["POST"])
@requires(Capability.CHANGE_DECIDE)
def vote(change_id: int):
    change = _get_or_404(change_id)
    form = VoteForm()
    now, me = utcnow(), current_user
    return _act(
        change,
        form,
        "vote_form",
        lambda: services.vote(
            change, Decision(form.vote.data), form.comment.data, now=now, actor=me
        ),
        "Suara Anda dicatat.",
    )


@bp.route("/perubahan/<int:change_id>/keputusan", methods=["POST"])
@requires(Capability.CHANGE_DECIDE)
def decide(change_id: int):
    change = _get_or_404(change_id)
    form = DecideForm()
    now, me = utcnow(), current_user
    return _act(
        change,
        form,
        "decide_form",
        lambda: services.decide(
            change, Decision(form.decision.data), form.reason.data, now=now, actor=me
        ),
        "Keputusan CAB dicatat; pemohon diberi tahu.",
    )


@bp.route("/perubahan/<int:change_id>/mulai", methods=["POST"])
@requires(Capability.CHANGE_IMPLEMENT)
def start(change_id: int):
    change = _get_or_404(change_id)
    now, me = utcnow(), current_user
    return _act(
        change,
        ActionForm(),
        "action_form",
        lambda: services.start(change, now=now, actor=me),
        "Pelaksanaan perubahan dimulai.",
    )


@bp.route("/perubahan/<int:change_id>/katalog", methods=["POST"])
@requires(Capability.CHANGE_IMPLEMENT)
def catalog_draft(change_id: int):
    change = _get_or_404(change_id)
    now, me = utcnow(), current_user
    return _act(
        change,
        ActionForm(),
        "action_form",
        lambda: services.create_catalog_draft(change, now=now, actor=me),
        "Draf versi katalog dibuat dan ditautkan ke RFC.",
    )


@bp.route("/perubahan/<int:change_id>/pelaksanaan", methods=["POST"])
@requires(Capability.CHANGE_IMPLEMENT)
def implement(change_id: int):
    change = _get_or_404(change_id)
    form = ImplementForm()
    now, me = utcnow(), current_user
    return _act(
        change,
        form,
        "implement_form",
        lambda: services.record_implementation(
            change, ChangeResult(form.result.data), form.implementation.data, now=now, actor=me
        ),
        "Pelaksanaan dicatat; pemohon diberi tahu.",
    )


@bp.route("/perubahan/<int:change_id>/tinjauan", methods=["POST"])
@requires(Capability.CHANGE_IMPLEMENT)
def review(change_id: int):
    change = _get_or_404(change_id)
    form = ReviewForm()
    now, me = utcnow(), current_user
    return _act(
        change,
        form,
        "review_form",
        lambda: services.review(change, form.review.data, now=now, actor=me),
        "Tinjauan dicatat; RFC ditutup.",
    )


# --- the CAB's composition -----------------------------------------------------------------------


def _cab_page(form=None, status=200):
    members = db.session.scalars(
        select(CabMember).where(CabMember.active.is_(True)).order_by(CabMember.since)
    ).all()
    if form is None:
        form = CabMemberForm(formdata=None)
    candidates = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.CAB, User.is_active.is_(True))
        .order_by(User.name)
    ).all()
    form.user_id.choices = choices([("", "— pilih —")] + [(u.id, u.name) for u in candidates])
    return (
        render_template(
            "changes/cab.html",
            members=members,
            form=form,
            remove_form=ActionForm(formdata=None),
            problem=services.composition_problem(),
            home_unit=services.home_unit_code(),
        ),
        status,
    )


@bp.route("/perubahan/cab", methods=["GET", "POST"])
@requires(Capability.CAB_MANAGE)
def cab():
    if request.method == "GET":
        return _cab_page()
    form = CabMemberForm()
    _cab_page(form)  # fills the choices the submitted value is checked against
    if not form.validate_on_submit():
        return _cab_page(form, 422)
    user = db.session.get(User, int(form.user_id.data))
    now, me = utcnow(), current_user
    ok, _ = submit(
        form, lambda: services.add_member(user, eselon3=form.eselon3.data, now=now, actor=me)
    )
    if not ok:
        return _cab_page(form, 422)
    flash("Susunan CAB diperbarui.", "success")
    return redirect(url_for("changes.cab"))


@bp.route("/perubahan/cab/<int:member_id>/berhenti", methods=["POST"])
@requires(Capability.CAB_MANAGE)
def cab_remove(member_id: int):
    member = db.session.get(CabMember, member_id)
    if member is None or not member.active:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    now, me = utcnow(), current_user
    ok, _ = submit(form, lambda: services.remove_member(member, now=now, actor=me))
    if not ok:
        return _cab_page(status=422)
    flash("Anggota CAB diberhentikan.", "success")
    return redirect(url_for("changes.cab"))
