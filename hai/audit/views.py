"""The audit log page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from hai.audit.labels import action_label, detail_lines, target_link
from hai.audit.models import AuditEvent
from hai.auth.permissions import Capability, requires
from hai.extensions import db
from hai.web.htmx import is_htmx

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE_SIZE = 50


@bp.route("")
@requires(Capability.AUDIT_VIEW)
def index():
    action = request.args.get("action", "").strip()[:64]
    actor = request.args.get("actor", "").strip()[:254]
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEvent.actor_label.contains(actor.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    events = list(
        db.session.scalars(
            query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    actions = list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
    template = "audit/_rows.html" if is_htmx() else "audit/index.html"
    return render_template(
        template,
        events=events,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        action=action,
        actor=actor,
        actions=actions,
        action_label=action_label,
        target_link=target_link,
        detail_lines=detail_lines,
    )
