"""The outbox page for administrators: what was sent, what waits, what failed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from hai.auth.permissions import Capability, requires
from hai.db_types import utcnow
from hai.extensions import db
from hai.mail import services
from hai.mail.models import OutboxMessage, OutboxStatus
from hai.web.forms import HaiForm, submit
from hai.web.requestinfo import client_ip

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")

PAGE_SIZE = 50

STATUS_LABELS: dict[OutboxStatus, str] = {s: s.label for s in OutboxStatus}
STATUS_BADGES: dict[OutboxStatus, str] = {
    OutboxStatus.QUEUED: "badge-draft",
    OutboxStatus.SENT: "badge-ok",
    OutboxStatus.FAILED: "badge-failed",
}


def _status_arg(value: str | None) -> OutboxStatus | None:
    try:
        return OutboxStatus((value or "").strip())
    except ValueError:
        return None


@bp.route("")
@requires(Capability.MAIL_OUTBOX)
def outbox():
    status = _status_arg(request.args.get("status"))
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    messages = list(
        db.session.scalars(
            query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "mail/outbox.html",
        messages=messages,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        status=status,
        counts=counts,
        statuses=list(OutboxStatus),
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@requires(Capability.MAIL_OUTBOX)
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    ok, _ = submit(
        HaiForm(formdata=None),
        lambda: services.requeue(message, now=utcnow(), actor=current_user, ip=client_ip()),
    )
    if ok:
        flash(f"Email ke {message.to_addr} dimasukkan kembali ke antrean.", "success")
    back = _status_arg(request.form.get("status"))
    return redirect(url_for("mail.outbox", status=back.value if back else None))
