"""Broadcast pages: the requester's (portal), the staff's queue and review page, and
the portal's announcements."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import String, cast, func, select

from hai.auth.models import User, UserRole
from hai.auth.permissions import Capability, login_only, requires
from hai.auth.roles import Role
from hai.broadcasts import recipients, sending, services
from hai.broadcasts.forms import (
    ApproveForm,
    ConfirmForm,
    ContactForm,
    EditForm,
    GroupForm,
    RequestForm,
    TextForm,
)
from hai.broadcasts.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    RecipientContact,
    RecipientGroup,
)
from hai.db_types import utcnow
from hai.extensions import db
from hai.web.forms import submit
from hai.web.timefmt import today_wib

bp = Blueprint("broadcasts", __name__)

PAGE_SIZE = 50


def _groups() -> list[RecipientGroup]:
    return list(
        db.session.scalars(
            select(RecipientGroup)
            .where(RecipientGroup.is_active.is_(True))
            .order_by(RecipientGroup.name)
        )
    )


def _request_from(form: RequestForm) -> services.BroadcastRequest:
    return services.BroadcastRequest(
        title=form.title.data or "",
        purpose=form.purpose.data or "",
        content=form.content.data or "",
        channels=list(form.channels.data or []),
        group_ids=[int(g) for g in (form.group_ids.data or []) if str(g).isdigit()],
        other_recipients=form.other_recipients.data or "",
        urgent=bool(form.urgent.data),
        is_education=bool(form.is_education.data),
        contact_name=form.contact_name.data or "",
        contact_position=form.contact_position.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )


# --- the requester ---------------------------------------------------------------------


@bp.route("/portal/broadcast")
@requires(Capability.BROADCAST_REQUEST)
def mine():
    rows = list(
        db.session.scalars(
            select(Broadcast)
            .where(Broadcast.requester_id == current_user.id)
            .order_by(Broadcast.id.desc())
            .limit(200)
        )
    )
    allowed = services.may_request(current_user, services.broadcast_service(today_wib()))
    return render_template("broadcasts/mine.html", rows=rows, allowed=allowed)


@bp.route("/portal/broadcast/baru", methods=["GET", "POST"])
@requires(Capability.BROADCAST_REQUEST)
def new():
    form = RequestForm(groups=_groups())
    if form.validate_on_submit():
        ok, b = submit(
            form, lambda: services.submit(current_user, _request_from(form), now=utcnow())
        )
        if ok:
            flash(f"Permintaan broadcast {b.number} diajukan.", "success")
            return redirect(url_for("broadcasts.my_detail", broadcast_id=b.id))
    status = 422 if request.method == "POST" else 200
    allowed = services.may_request(current_user, services.broadcast_service(today_wib()))
    return render_template("broadcasts/new.html", form=form, allowed=allowed), status


def _own_or_404(broadcast_id: int) -> Broadcast:
    b = db.session.get(Broadcast, broadcast_id)
    if b is None or b.requester_id != current_user.id:
        abort(404)
    return b


@bp.route("/portal/broadcast/<int:broadcast_id>", methods=["GET", "POST"])
@requires(Capability.BROADCAST_REQUEST)
def my_detail(broadcast_id: int):
    b = _own_or_404(broadcast_id)
    form = TextForm()
    if request.method == "POST" and form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.requester_clarifies(
                b, form.body.data, actor=current_user, now=utcnow()
            ),
        )
        if ok:
            flash("Klarifikasi dikirim.", "success")
            return redirect(url_for("broadcasts.my_detail", broadcast_id=b.id))
    status = 422 if request.method == "POST" else 200
    return render_template("broadcasts/my_detail.html", b=b, form=form), status


# --- staff -------------------------------------------------------------------------------


@bp.route("/broadcasts")
@requires(Capability.BROADCAST_HANDLE)
def index():
    now = utcnow()
    status = request.args.get("status", "open")
    query = select(Broadcast)
    if status == "open":
        query = query.where(
            Broadcast.status.not_in([BroadcastStatus.SENT, BroadcastStatus.REJECTED])
        )
    elif status in {s.value for s in BroadcastStatus}:
        query = query.where(Broadcast.status == BroadcastStatus(status))
    rows = list(
        db.session.scalars(
            query.order_by(Broadcast.due_at.asc().nulls_last(), Broadcast.id).limit(PAGE_SIZE)
        )
    )
    counts = dict(
        db.session.execute(select(Broadcast.status, func.count()).group_by(Broadcast.status)).all()
    )
    return render_template(
        "broadcasts/index.html",
        rows=rows,
        now=now,
        status=status,
        statuses=list(BroadcastStatus),
        counts=counts,
    )


def _agents() -> list[tuple[int, str]]:
    return [
        (u.id, u.name)
        for u in db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.AGEN_L1, User.is_active.is_(True))
            .order_by(User.name)
        )
    ]


def _forms(b: Broadcast) -> dict:
    rv = {"row_version": str(b.row_version)}
    return {
        "clarify": TextForm(formdata=None, data=rv, prefix="clarify"),
        "forward": TextForm(formdata=None, data=rv, prefix="forward"),
        "reject": TextForm(formdata=None, data=rv, prefix="reject"),
        "edit": EditForm(
            formdata=None,
            data={**rv, "title": b.current.title, "content": b.current.content},
            prefix="edit",
        ),
        "approve": ApproveForm(formdata=None, data=rv, agents=_agents(), prefix="approve"),
        "send": ConfirmForm(formdata=None, data=rv, prefix="send"),
    }


def _detail(b: Broadcast, forms=None, open_form: str = "", status: int = 200):
    all_forms = _forms(b)
    all_forms.update(forms or {})
    deliveries = list(
        db.session.scalars(
            select(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == b.id)
            .order_by(BroadcastDelivery.id)
            .limit(500)
        )
    )
    return (
        render_template(
            "broadcasts/detail.html",
            b=b,
            now=utcnow(),
            forms=all_forms,
            open_form=open_form,
            diff=services.diff_lines(b),
            deliveries=deliveries,
            progress=sending.progress(b),
            delivery_statuses=list(DeliveryStatus),
            recipients=sending.planned_deliveries(b),
            can_approve=current_user.can(Capability.BROADCAST_APPROVE),
            is_l1=current_user.has_role(Role.AGEN_L1),
        ),
        status,
    )


@bp.route("/broadcasts/<int:broadcast_id>")
@requires(Capability.BROADCAST_HANDLE)
def detail(broadcast_id: int):
    return _detail(db.get_or_404(Broadcast, broadcast_id))


ACTIONS = {
    "clarify": (TextForm, "Pertanyaan dikirim ke pemohon; jam SLA dijeda."),
    "forward": (TextForm, "Diteruskan ke Kepala Seksi."),
    "reject": (TextForm, "Permintaan ditolak; pemohon diberi tahu."),
    "edit": (EditForm, "Perubahan disimpan sebagai versi baru."),
    "approve": (ApproveForm, "Broadcast disetujui; teks dibekukan."),
    "send": (ConfirmForm, "Pengiriman dimulai."),
}


@bp.route("/broadcasts/<int:broadcast_id>/act/<action>", methods=["POST"])
@requires(Capability.BROADCAST_HANDLE)
def act(broadcast_id: int, action: str):
    b = db.get_or_404(Broadcast, broadcast_id)
    if action not in ACTIONS:
        abort(404)
    if action in ("edit", "approve", "reject") and not current_user.can(
        Capability.BROADCAST_APPROVE
    ):
        abort(403)
    form_class, message = ACTIONS[action]
    kwargs = {"agents": _agents()} if action == "approve" else {}
    form = form_class(prefix=action, **kwargs)
    if not form.validate_on_submit():
        return _detail(b, {action: form}, action, 422)
    if str(b.row_version) != (form.row_version.data or ""):
        form.form_errors.append(
            "Broadcast ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."
        )
        return _detail(b, {action: form}, action, 409)
    now = utcnow()
    me = current_user

    def run():
        if action == "clarify":
            return services.ask_clarification(b, form.body.data, actor=me, now=now)
        if action == "forward":
            return services.forward_to_kepala_seksi(b, form.body.data, actor=me, now=now)
        if action == "reject":
            return services.reject(b, form.body.data, actor=me, now=now)
        if action == "edit":
            return services.edit_draft(
                b, form.title.data, form.content.data, form.note.data or "", actor=me, now=now
            )
        if action == "approve":
            sender = db.session.get(User, int(form.sender_id.data))
            return services.approve(b, sender, actor=me, now=now)
        return sending.start_sending(b, actor=me, now=now)

    ok, _ = submit(form, run)
    if not ok:
        return _detail(b, {action: form}, action, 422)
    if action == "send":
        sending.deliver(now, broadcast_id=b.id, limit=200)
    flash(message, "success")
    return redirect(url_for("broadcasts.detail", broadcast_id=b.id))


@bp.route("/pengumuman")
@login_only
def announcements():
    """The portal's announcements page: broadcasts sent with the portal channel."""
    on_portal = cast(Broadcast.channels, String).like(f'%"{BroadcastChannel.PORTAL.value}"%')
    rows = list(
        db.session.scalars(
            select(Broadcast)
            .where(Broadcast.status == BroadcastStatus.SENT, on_portal)
            .order_by(Broadcast.sent_at.desc())
            .limit(100)
        )
    )
    return render_template("broadcasts/announcements.html", rows=rows)


# --- recipient groups (administrators, Kepala Seksi) --------------------------------


@bp.route("/admin/recipients", methods=["GET", "POST"])
@requires(Capability.RECIPIENTS_MANAGE)
def groups():
    form = GroupForm()
    if form.validate_on_submit():
        ok, group = submit(
            form,
            lambda: recipients.add_group(
                form.code.data,
                form.name.data,
                form.description.data or "",
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash(f"Kelompok {group.name} ditambahkan.", "success")
            return redirect(url_for("broadcasts.group", group_id=group.id))
    counts = dict(
        db.session.execute(
            select(RecipientContact.group_id, func.count())
            .where(RecipientContact.is_active.is_(True))
            .group_by(RecipientContact.group_id)
        ).all()
    )
    rows = list(db.session.scalars(select(RecipientGroup).order_by(RecipientGroup.name)))
    status = 422 if request.method == "POST" else 200
    return render_template("broadcasts/groups.html", rows=rows, counts=counts, form=form), status


@bp.route("/admin/recipients/<int:group_id>", methods=["GET", "POST"])
@requires(Capability.RECIPIENTS_MANAGE)
def group(group_id: int):
    g = db.get_or_404(RecipientGroup, group_id)
    form = ContactForm()
    if form.validate_on_submit():
        ok, contact = submit(
            form,
            lambda: recipients.add_contact(
                g,
                name=form.name.data,
                organisation=form.organisation.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash(f"Kontak {contact.name} ditambahkan.", "success")
            return redirect(url_for("broadcasts.group", group_id=g.id))
    status = 422 if request.method == "POST" else 200
    return render_template("broadcasts/group.html", g=g, form=form), status


@bp.route("/admin/recipients/contacts/<int:contact_id>/toggle", methods=["POST"])
@requires(Capability.RECIPIENTS_MANAGE)
def toggle_contact(contact_id: int):
    contact = db.get_or_404(RecipientContact, contact_id)
    ok, _ = submit(
        ConfirmForm(formdata=None),
        lambda: recipients.set_contact_active(
            contact, not contact.is_active, actor=current_user, now=utcnow()
        ),
    )
    if ok:
        flash(
            f"Kontak {contact.name} {'diaktifkan' if contact.is_active else 'dinonaktifkan'}.",
            "success",
        )
    return redirect(url_for("broadcasts.group", group_id=contact.group_id))
