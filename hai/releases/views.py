"""Release pages: the list, announcing a release, one release with its article and
broadcast request."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hai.auth.permissions import Capability, requires
from hai.broadcasts.models import BroadcastStatus, RecipientGroup
from hai.db_types import utcnow
from hai.extensions import db
from hai.haipedia.models import Audience
from hai.problems.queries import ci_choices
from hai.releases import services
from hai.releases.forms import ClarifyForm, ReleaseForm
from hai.releases.models import Release
from hai.web.forms import submit
from hai.web.timefmt import today_wib

bp = Blueprint("releases", __name__)


def _groups() -> list[RecipientGroup]:
    return list(
        db.session.scalars(
            select(RecipientGroup)
            .where(RecipientGroup.is_active.is_(True))
            .order_by(RecipientGroup.name)
        )
    )


@bp.route("/releases")
@requires(Capability.RELEASE_VIEW)
def index():
    rows = list(
        db.session.scalars(
            select(Release).order_by(Release.released_on.desc(), Release.id.desc()).limit(200)
        )
    )
    return render_template(
        "releases/index.html", rows=rows, can_announce=current_user.can(Capability.RELEASE_ANNOUNCE)
    )


def _data(form: ReleaseForm) -> services.ReleaseData:
    choice = None
    if form.broadcast.data:
        choice = services.BroadcastChoice(
            channels=list(form.channels.data or []),
            group_ids=[int(g) for g in (form.group_ids.data or []) if str(g).isdigit()],
            other_recipients=form.other_recipients.data or "",
            urgent=bool(form.urgent.data),
            contact_name=form.contact_name.data or "",
            contact_position=form.contact_position.data or "",
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
        )
    return services.ReleaseData(
        ci_id=int(form.ci_id.data) if (form.ci_id.data or "").isdigit() else None,
        version=form.version.data or "",
        released_on=form.released_on.data,
        changes=form.changes.data or "",
        impact=form.impact.data or "",
        audience=Audience(form.audience.data),
        broadcast=choice,
    )


@bp.route("/releases/new", methods=["GET", "POST"])
@requires(Capability.RELEASE_ANNOUNCE)
def new():
    form = ReleaseForm(items=ci_choices(), groups=_groups())
    if request.method == "GET":
        form.released_on.data = today_wib()
        form.audience.data = Audience.PUBLIC.value
    if form.validate_on_submit():
        ok, release = submit(
            form, lambda: services.announce(_data(form), actor=current_user, now=utcnow())
        )
        if ok:
            flash("Rilis diumumkan.", "success")
            return redirect(url_for("releases.detail", release_id=release.id))
    status = 422 if form.is_submitted() else 200
    return render_template("releases/new.html", form=form), status


def _detail(release: Release, status: int = 200, form=None):
    asked = (
        release.broadcast is not None
        and release.broadcast.status is BroadcastStatus.CLARIFICATION
        and release.broadcast.requester_id == current_user.id
    )
    question = None
    if asked:
        question = next(
            (e for e in reversed(release.broadcast.events) if e.action == "clarification_asked"),
            None,
        )
    return (
        render_template(
            "releases/detail.html",
            release=release,
            question=question,
            form=(form or ClarifyForm(formdata=None)) if asked else None,
        ),
        status,
    )


@bp.route("/releases/<int:release_id>")
@requires(Capability.RELEASE_VIEW)
def detail(release_id: int):
    release = db.session.get(Release, release_id)
    if release is None:
        abort(404)
    return _detail(release)


@bp.route("/releases/<int:release_id>/klarifikasi", methods=["POST"])
@requires(Capability.RELEASE_ANNOUNCE)
def clarify(release_id: int):
    release = db.session.get(Release, release_id)
    if release is None:
        abort(404)
    form = ClarifyForm()
    if not form.validate_on_submit():
        return _detail(release, 422, form)
    ok, _ = submit(
        form,
        lambda: services.clarify_broadcast(
            release, form.body.data, actor=current_user, now=utcnow()
        ),
    )
    if not ok:
        return _detail(release, 422, form)
    flash("Klarifikasi broadcast dikirim.", "success")
    return redirect(url_for("releases.detail", release_id=release.id))
