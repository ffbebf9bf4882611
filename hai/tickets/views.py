"""Ticket pages: queues, intake, the ticket page and its actions, notifications, OLA."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from hai.auth.models import User, UserRole
from hai.auth.permissions import Capability, login_only, requires
from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import find_scopes, list_channels, version_in_force
from hai.db_types import utcnow
from hai.extensions import db
from hai.org.models import OrgUnit, UnitKind
from hai.schedules.queries import on_duty_first
from hai.tickets import policy, queries, services
from hai.tickets.forms import (
    AssignForm,
    AttachForm,
    EscalateForm,
    ForwardForm,
    IntakeForm,
    OlaForm,
    PriorityForm,
    RateForm,
    RefuseForm,
    TextForm,
)
from hai.tickets.models import (
    CloseReason,
    Level,
    Notification,
    OlaTarget,
    Requester,
    Ticket,
    TicketStatus,
)
from hai.web.forms import submit
from hai.web.htmx import is_htmx
from hai.web.timefmt import WIB, today_wib

bp = Blueprint("tickets", __name__)

INTAKE_CHANNELS = {
    Role.AGEN_L1: [
        "call_center",
        "webchat",
        "whatsapp",
        "twitter",
        "instagram",
        "facebook",
        "youtube",
        "email",
        "portal",
    ],
    Role.CSO: ["hai_cso"],
}


# --- queues ------------------------------------------------------------------------


@bp.route("/tickets")
@requires(Capability.TICKET_VIEW)
def index():
    now = utcnow()
    f, filter_errors = queries.parse_filters(request.args)
    rows, total = queries.run_queue(current_user, f, now)
    can_bulk = current_user.can(Capability.TICKET_ASSIGN)
    context = dict(
        f=f,
        filter_errors=filter_errors,
        described=queries.describe(f),
        sees_confidential=bool(current_user.roles & policy.SEE_ALL),
        rows=rows,
        total=total,
        now=now,
        page_size=queries.PAGE_SIZE,
        can_bulk=can_bulk,
        people=_assignable_people() if can_bulk and rows else [],
    )
    if is_htmx():
        # The refreshed list only: the tabs and their counts stay as they are.
        return render_template("tickets/_queue.html", **context)
    return render_template(
        "tickets/index.html",
        queues=queries.QUEUES,
        channels=list_channels(),
        statuses=list(TicketStatus),
        **context,
    )


@bp.route("/tickets/tabs")
@requires(Capability.TICKET_VIEW)
def queue_tabs():
    """The queue tabs with their counts (asked for by the queue page once it is shown)."""
    current = request.args.get("queue", "mine")
    return render_template(
        "tickets/_tabs.html",
        queues=queries.QUEUES,
        counts=queries.queue_counts(current_user, utcnow()),
        current=current if current in queries.QUEUES else "mine",
    )


def _assignable_people() -> list[SelectChoice]:
    """Active staff who handle tickets, as "Name (their roles)", in one query; the agents
    on duty now by the roster first (hai.schedules)."""
    handlers = (Role.AGEN_L1, Role.AGEN_L2, Role.AGEN_L3, Role.CSO, Role.KEPALA_SEKSI)
    handles = select(UserRole.user_id).where(UserRole.role.in_(handlers))
    rows = db.session.execute(
        select(User.id, User.name, UserRole.role)
        .join(UserRole)
        .where(User.is_active.is_(True), User.id.in_(handles))
        .order_by(User.name, User.id)
    )
    people: dict[int, tuple[str, list[Role]]] = {}
    for user_id, name, role in rows:
        people.setdefault(user_id, (name, []))[1].append(role)
    order = list(Role)
    return on_duty_first(
        [
            (user_id, f"{name} ({', '.join(r.label for r in sorted(roles, key=order.index))})")
            for user_id, (name, roles) in people.items()
        ],
        at=utcnow(),
    )


@bp.route("/tickets/bulk-assign", methods=["POST"])
@requires(Capability.TICKET_ASSIGN)
def bulk_assign():
    ids = [int(x) for x in request.form.getlist("ticket_ids") if x.isdigit()][:200]
    assignee_id = request.form.get("assignee_id", "")
    assignee = db.session.get(User, int(assignee_id)) if assignee_id.isdigit() else None
    if not ids or assignee is None:
        flash("Pilih tiket dan petugas.", "error")
        return redirect(url_for("tickets.index", **request.args))
    now, done = utcnow(), 0
    for ticket_id in ids:
        ticket = policy.get_ticket_or_404(current_user, ticket_id)
        if ticket.status is TicketStatus.CLOSED:
            continue
        services.assign(ticket, assignee, actor=current_user, now=now)
        done += 1
    db.session.commit()
    flash(f"{done} tiket ditugaskan kepada {assignee.name}.", "success")
    return redirect(url_for("tickets.index", queue=request.form.get("queue", "team")))


# --- intake ------------------------------------------------------------------------


def _intake_channels() -> list[tuple[str, str]]:
    allowed = set()
    for role, codes in INTAKE_CHANNELS.items():
        if current_user.has_role(role):
            allowed |= set(codes)
    return [(c.code, c.name) for c in list_channels() if c.code in allowed]


def _scope_choice(value: str):
    """(service, scope) from "service:ID" / "scope:ID"."""
    kind, _, raw = (value or "").partition(":")
    if not raw.isdigit():
        return None, None
    if kind == "scope":
        scope = db.session.get(CatalogScope, int(raw))
        return (scope.service, scope) if scope else (None, None)
    if kind == "service":
        return db.session.get(CatalogService, int(raw)), None
    return None, None


@bp.route("/tickets/new", methods=["GET", "POST"])
@requires(Capability.TICKET_INTAKE)
def new():
    form = IntakeForm(channel_choices=_intake_channels())
    if request.method == "GET":
        form.received_at.data = (
            utcnow().astimezone(WIB).replace(second=0, microsecond=0, tzinfo=None)
        )
    selected = request.form.get("scope", "")
    service, scope = _scope_choice(selected)
    if service is not None:
        label = f"{service.code} {service.name}" + (
            f" — {scope.code} {scope.name}" if scope else ""
        )
        form.scope.choices = [SelectChoice(selected, label)]
    if form.validate_on_submit():
        office = current_user.unit_id if form.channel.data == "hai_cso" else None
        level = services.intake_level(form.channel.data)
        ok, ticket = submit(form, lambda: _create(form, service, scope, level, office))
        if ok:
            flash(f"Tiket {ticket.number} dicatat.", "success")
            return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "tickets/new.html", form=form, uncertified=_uncertified_call_center(form)
    ), status


def _uncertified_call_center(form: IntakeForm) -> bool:
    """Warn (never block) when an agent without a valid call-center certificate records a
    call-center contact (PER-8 Pasal 11(2)); the channel selected, or the first offered."""
    from hai.qa.queries import has_valid_certificate
    from hai.web.timefmt import today_wib

    offered = [c.value for c in form.channel.choices]
    channel = form.channel.data or (offered[0] if offered else "")
    return (
        channel == "call_center"
        and current_user.has_role(Role.AGEN_L1)
        and not has_valid_certificate(current_user.id, today_wib())
    )


def _create(form: IntakeForm, service, scope, level, office) -> Ticket:
    received = form.received_at.data.replace(tzinfo=WIB)
    user_type = int(form.requester_user_type.data) if form.requester_user_type.data else None
    now = utcnow()
    ticket = services.create_ticket(
        channel_code=form.channel.data,
        received_at=received,
        requester=services.RequesterData(
            name=form.requester_name.data,
            email=form.requester_email.data or "",
            phone=form.requester_phone.data or "",
            user_type=user_type,
            satker_name=form.satker_name.data or "",
            satker_code=form.satker_code.data or "",
            requester_id=int(form.requester_id.data)
            if (form.requester_id.data or "").isdigit()
            else None,
        ),
        subject=form.subject.data,
        description=form.description.data or "",
        ticket_type=services.TicketType(form.ticket_type.data),
        scope=scope,
        service=service,
        recording_ref=form.recording_ref.data or "",
        level=level,
        office_unit_id=office,
        now=now,
        actor=current_user,
    )
    services.take(ticket, actor=current_user, now=now)
    _attach(ticket, request.files.getlist(form.attachments.name), now)
    return ticket


def _attach(ticket: Ticket, files, now) -> None:
    files = [f for f in files if f and f.filename]
    if not files:
        return
    from hai.attachments.services import attach_files
    from hai.attachments.storage import upload_root

    note = services.add_note(
        ticket, f"{len(files)} lampiran ditambahkan.", actor=current_user, now=now
    )
    db.session.flush()
    attach_files(
        files,
        owner_type="ticket",
        owner_id=ticket.id,
        event_id=note.id,
        uploader=current_user,
        now=now,
        root=upload_root(current_app),
    )


@bp.route("/tickets/requesters")
@requires(Capability.TICKET_INTAKE)
def requester_lookup():
    q = request.args.get("requester_name", request.args.get("q", "")).strip()[:80]
    matches = []
    if len(q) >= 2:
        like = f"%{q}%"
        matches = list(
            db.session.scalars(
                select(Requester)
                .where(
                    or_(
                        Requester.name.ilike(like),
                        Requester.email.ilike(like),
                        Requester.phone.ilike(like),
                        Requester.satker_code.ilike(like),
                    )
                )
                .order_by(Requester.name)
                .limit(8)
            )
        )
    return render_template("tickets/_requester_matches.html", matches=matches, q=q)


@bp.route("/tickets/scopes")
@requires(Capability.TICKET_INTAKE)
def scope_lookup():
    q = request.args.get("scope_q", "").strip()[:80]
    version = version_in_force(today_wib())
    matches = find_scopes(version, q, limit=15) if version and len(q) >= 2 else []
    services_ = []
    if version and len(q) >= 2:
        like = f"%{q}%"
        services_ = list(
            db.session.scalars(
                select(CatalogService)
                .where(
                    CatalogService.version_id == version.id,
                    or_(CatalogService.code.ilike(like), CatalogService.name.ilike(like)),
                )
                .limit(5)
            )
        )
    return render_template("tickets/_scope_matches.html", matches=matches, services=services_, q=q)


# --- the ticket page -------------------------------------------------------------------


def _action_forms(ticket: Ticket) -> dict:
    directorates = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind.in_([UnitKind.DIREKTORAT, UnitKind.BLU]), OrgUnit.is_active.is_(True))
        .order_by(OrgUnit.name)
    )
    version = ticket.version
    rv = {"row_version": str(ticket.row_version)}
    return dict(
        text=TextForm(formdata=None, data=rv),
        reply=TextForm(formdata=None, data=rv),
        priority=PriorityForm(
            formdata=None,
            data={
                **rv,
                "impact": ticket.impact or "",
                "urgency": ticket.urgency or "",
                "priority": ticket.priority or "",
            },
        ),
        escalate=EscalateForm(
            formdata=None, data=rv, unit_choices=[(u.id, u.name) for u in directorates]
        ),
        refuse=RefuseForm(formdata=None, data=rv),
        forward=ForwardForm(
            formdata=None, data=rv, unit_names=[u.name for u in version.linked_units]
        ),
        assign=AssignForm(
            formdata=None,
            data=rv,
            people=_assignable_people() if current_user.can(Capability.TICKET_ASSIGN) else [],
        ),
        rate=RateForm(formdata=None, data=rv),
        attach=AttachForm(formdata=None, data=rv),
    )


def _detail_context(ticket: Ticket, **overrides) -> dict:
    from hai.attachments.services import attachments_of
    from hai.mail.services import messages_about

    now = utcnow()
    clock = services.clock_of(ticket)
    from hai.sla.calendars import calendar_for

    cal = calendar_for(clock.unit_id)

    def remaining(due):
        if due is None:
            return None
        return cal.elapsed(now, due) if due > now else -cal.elapsed(due, now)

    handle = policy.can_handle(current_user, ticket)
    context = dict(
        ticket=ticket,
        clock=clock,
        now=now,
        can_handle=handle,
        can_assign=current_user.can(Capability.TICKET_ASSIGN),
        missing=services.missing_requester_data(ticket),
        catalog_problem=services.catalog_problem(ticket),
        response_left=remaining(ticket.response_due_at) if not ticket.first_response_at else None,
        fulfilment_left=remaining(ticket.fulfilment_due_at) if not ticket.answered_at else None,
        breaches=queries.breaches_of(ticket),
        attachments=attachments_of("ticket", ticket.id),
        emails=messages_about(services.SUBJECT, ticket.id),
        escalation_targets=[lv for lv in services.ESCALATIONS[ticket.level]],
        reopen_days=current_app.config.get("HAI_REOPEN_DAYS", 7),
        forms=_action_forms(ticket) if handle else {},
    )
    from hai.problems.queries import ticket_panel

    context["service_panel"] = ticket_panel(current_user, ticket)
    context["forms"].update(overrides.pop("forms", {}))
    context.update(overrides)
    return context


@bp.route("/tickets/<int:ticket_id>")
@requires(Capability.TICKET_VIEW)
def detail(ticket_id: int):
    ticket = policy.get_ticket_or_404(current_user, ticket_id)
    template = (
        "tickets/_clocks.html"
        if is_htmx() and request.args.get("part") == "clocks"
        else "tickets/detail.html"
    )
    context = _detail_context(ticket)
    inserted = _inserted_article(ticket, context)
    return render_template(template, inserted=inserted, **context)


def _inserted_article(ticket: Ticket, context: dict):
    """The public article chosen with "use in reply", its text put in the reply box."""
    from hai.haipedia.models import Article
    from hai.haipedia.render import to_text

    raw = request.args.get("sisip", "")
    if not raw.isdigit() or "reply" not in context["forms"]:
        return None
    article = db.session.get(Article, int(raw))
    if article is None or not article.is_public:
        return None
    live = article.live_revision
    from hai.surveys.jobs import public_url  # the configured address, never the Host header

    url = public_url("haipedia.public_detail", article_id=article.id)
    text = to_text(live.body)[:4000]
    context["forms"]["reply"].body.data = f"{text}\n\nSelengkapnya: {url}"
    return article


def _article_query(ticket: Ticket) -> str:
    scope = ticket.scope.name if ticket.scope else (ticket.service.name if ticket.service else "")
    return f"{ticket.subject} {scope}".strip()[:200]


@bp.route("/tickets/<int:ticket_id>/articles")
@requires(Capability.TICKET_VIEW)
def articles(ticket_id: int):
    """HAIPEDIA articles for the ticket's subject and scope (or the words typed)."""
    from hai.haipedia.policy import audiences_for
    from hai.haipedia.queries import linked_articles, usefulness
    from hai.haipedia.search import search

    ticket = policy.get_ticket_or_404(current_user, ticket_id)
    q = request.args.get("q", "").strip()[:200] or _article_query(ticket)
    results = search(db.session, q, audiences=audiences_for(current_user), limit=6)
    return render_template(
        "tickets/_articles.html",
        ticket=ticket,
        results=results,
        q=q,
        linked=linked_articles(ticket.id),
        useful=usefulness([h.article.id for h in results.hits]),
        can_handle=policy.can_handle(current_user, ticket) and ticket.status.value != "closed",
        form=TextForm(formdata=None),
    )


@bp.route("/tickets/<int:ticket_id>/articles/<int:article_id>/use", methods=["POST"])
@requires(Capability.TICKET_HANDLE)
def use_article(ticket_id: int, article_id: int):
    """One click: record that the article answers this ticket and put a public article's
    text into the reply box (an internal one is recorded, never sent to the requester)."""
    from hai.haipedia.models import Article
    from hai.haipedia.services import link_ticket

    ticket = policy.get_ticket_or_404(current_user, ticket_id, for_handling=True)
    article = db.session.get(Article, article_id)
    if article is None or not article.is_live:
        abort(404)
    form = TextForm()
    form.body.data = "-"
    if not form.validate_on_submit():
        abort(400)
    ok, _ = submit(form, lambda: link_ticket(article, ticket, actor=current_user, now=utcnow()))
    if not ok:
        abort(409)
    if not article.is_public:
        flash(
            "Artikel internal dicatat sebagai rujukan; isinya tidak disisipkan ke balasan.", "info"
        )
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    return redirect(url_for("tickets.detail", ticket_id=ticket.id, sisip=article.id) + "#balas")


@bp.route("/tickets/<int:ticket_id>/to-article", methods=["POST"])
@requires(Capability.TICKET_VIEW, Capability.KB_PROPOSE)
def to_article(ticket_id: int):
    """An answered ticket as a draft HAIPEDIA article, in one step."""
    from hai.haipedia.services import ticket_to_article

    ticket = policy.get_ticket_or_404(current_user, ticket_id)
    form = TextForm()
    form.body.data = "-"
    if not form.validate_on_submit():
        abort(400)
    ok, result = submit(form, lambda: ticket_to_article(ticket, actor=current_user, now=utcnow()))
    if not ok:
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    article, created = result
    if created:
        flash(
            "Draf artikel dibuat dari tiket ini. Periksa dan sunting sebelum diajukan.", "success"
        )
        return redirect(url_for("haipedia.edit", article_id=article.id))
    flash("Tiket ini sudah pernah dijadikan artikel.", "info")
    return redirect(url_for("haipedia.detail", article_id=article.id))


@bp.route("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@requires(Capability.TICKET_VIEW)
def attachment(ticket_id: int, attachment_id: int):
    from hai.attachments.models import Attachment
    from hai.attachments.services import send_attachment
    from hai.attachments.storage import upload_root

    ticket = policy.get_ticket_or_404(current_user, ticket_id)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.owner_type != "ticket" or att.owner_id != ticket.id:
        abort(404)
    return send_attachment(att, upload_root(current_app))


ACTIONS = {
    "take",
    "assign",
    "reply",
    "note",
    "request_documents",
    "requester_answered",
    "priority",
    "escalate",
    "answer",
    "close",
    "refuse",
    "forward",
    "reopen",
    "rate",
    "attach",
}


@bp.route("/tickets/<int:ticket_id>/act/<action>", methods=["POST"])
@requires(Capability.TICKET_HANDLE)
def act(ticket_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    ticket = policy.get_ticket_or_404(current_user, ticket_id, for_handling=True)
    forms = _action_forms(ticket)
    form_name = {
        "take": "text",
        "reply": "reply",
        "note": "text",
        "request_documents": "text",
        "requester_answered": "text",
        "answer": "reply",
        "close": "text",
        "reopen": "text",
    }.get(action, action)
    form = {
        "text": TextForm,
        "reply": TextForm,
        "priority": PriorityForm,
        "escalate": EscalateForm,
        "refuse": RefuseForm,
        "forward": ForwardForm,
        "assign": AssignForm,
        "rate": RateForm,
        "attach": AttachForm,
    }[form_name]
    kwargs = {}
    if form_name == "escalate":
        kwargs["unit_choices"] = [
            (c.value, c.label) for c in forms["escalate"].team_unit_id.choices
        ]
    if form_name == "forward":
        kwargs["unit_names"] = [u.name for u in ticket.version.linked_units]
    if form_name == "assign":
        kwargs["people"] = _assignable_people()
    form = form(**kwargs)
    if action in ("take", "close") and not (form.body.data or "").strip():
        form.body.data = "-"  # nothing to say is fine for these two
    if not form.validate_on_submit():
        return _detail_error(ticket, form_name, form)
    if form.row_version.data != str(ticket.row_version):
        form.form_errors.append(
            "Tiket ini telah diubah oleh petugas lain sejak Anda membukanya. "
            "Muat ulang halaman untuk melihat perubahan terbaru."
        )
        return _detail_error(ticket, form_name, form, status=409)
    now = utcnow()
    try:
        ok, message = submit(form, lambda: _do(action, ticket, form, now))
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append("Tiket ini baru saja diubah oleh petugas lain. Muat ulang halaman.")
        return _detail_error(ticket, form_name, form, status=409)
    if not ok:
        return _detail_error(ticket, form_name, form)
    flash(message, "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id) + "#linimasa")


def _do(action: str, ticket: Ticket, form, now) -> str:
    actor = current_user
    if action == "take":
        services.take(ticket, actor=actor, now=now)
        return "Tiket diambil."
    if action == "assign":
        user = db.session.get(User, int(form.assignee_id.data)) if form.assignee_id.data else None
        if (
            not current_user.can(Capability.TICKET_ASSIGN)
            and user is not None
            and user.id != actor.id
        ):
            abort(403)
        services.assign(ticket, user, actor=actor, now=now)
        return "Penugasan disimpan."
    if action == "reply":
        services.reply(ticket, form.body.data, actor=actor, now=now)
        return "Balasan dikirim kepada pengguna."
    if action == "note":
        services.add_note(ticket, form.body.data, actor=actor, now=now)
        return "Catatan internal disimpan."
    if action == "request_documents":
        services.request_documents(ticket, form.body.data, actor=actor, now=now)
        return "Permintaan dokumen dikirim; jam SLA dijeda."
    if action == "requester_answered":
        paused = services.requester_answered(ticket, form.body.data, now=now, actor=actor)
        hours = paused.total_seconds() / 3600
        return f"Jawaban pengguna dicatat; jam SLA berjalan lagi (dijeda {hours:.1f} jam kerja)."
    if action == "priority":
        services.set_priority(
            ticket,
            impact=form.impact.data or None,
            urgency=form.urgency.data or None,
            priority=form.priority.data or None,
            actor=actor,
            now=now,
        )
        return f"Prioritas: {ticket.priority or '-'}."
    if action == "escalate":
        to = Level(form.to.data)
        team = (
            db.session.get(OrgUnit, int(form.team_unit_id.data)) if form.team_unit_id.data else None
        )
        services.escalate(ticket, to, note=form.note.data, team_unit=team, actor=actor, now=now)
        return f"Tiket dieskalasi ke {to.label}."
    if action == "answer":
        services.answer(ticket, form.body.data, actor=actor, now=now)
        return "Jawaban dikirim; lakukan konfirmasi akhir dengan pengguna lalu tutup tiket."
    if action == "close":
        services.confirm_and_close(
            ticket, form.body.data if form.body.data != "-" else "", actor=actor, now=now
        )
        return "Tiket ditutup."
    if action == "refuse":
        services.refuse(ticket, CloseReason(form.reason.data), form.note.data, actor=actor, now=now)
        return "Tiket ditutup dengan alasan yang disampaikan kepada pengguna."
    if action == "forward":
        services.forward_external(
            ticket,
            form.unit.data,
            form.note.data or "",
            close=form.close.data,
            actor=actor,
            now=now,
        )
        return f"Diteruskan ke {form.unit.data}."
    if action == "reopen":
        window = timedelta(days=current_app.config.get("HAI_REOPEN_DAYS", 7))
        services.reopen(ticket, form.body.data, window=window, actor=actor, now=now)
        return "Tiket dibuka kembali."
    if action == "rate":
        services.rate(ticket, form.rating.data, form.feedback.data or "", now=now, actor=actor)
        return "Penilaian pengguna dicatat."
    if action == "attach":
        files = request.files.getlist(form.attachments.name)
        if not any(f.filename for f in files):
            raise services.TicketError("Pilih berkas yang akan dilampirkan.", "attachments")
        _attach(ticket, files, now)
        return "Lampiran ditambahkan."
    abort(404)


def _detail_error(ticket, form_name, form, status: int = 422):
    db.session.refresh(ticket)
    return render_template(
        "tickets/detail.html",
        **_detail_context(ticket, forms={form_name: form}, open_form=form_name),
    ), status


# --- notifications and OLA ----------------------------------------------------------------


@bp.route("/notifications")
@login_only
def notifications():
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == current_user.id)
            .order_by(Notification.id.desc())
            .limit(100)
        )
    )
    return render_template("tickets/notifications.html", rows=rows)


@bp.route("/notifications/read", methods=["POST"])
@login_only
def notifications_read():
    now = utcnow()
    for n in db.session.scalars(
        select(Notification).where(
            Notification.user_id == current_user.id, Notification.read_at.is_(None)
        )
    ):
        n.read_at = now
    db.session.commit()
    return redirect(url_for("tickets.notifications"))


@bp.route("/admin/ola", methods=["GET", "POST"])
@requires(Capability.OLA_MANAGE)
def ola():
    units = list(
        db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.kind.in_([UnitKind.DIREKTORAT, UnitKind.BLU]))
            .order_by(OrgUnit.name)
        )
    )
    form = OlaForm(unit_choices=[(u.id, u.name) for u in units])
    if form.validate_on_submit():
        unit = db.session.get(OrgUnit, int(form.unit_id.data))
        ok, _ = submit(
            form, lambda: services.set_ola(unit, form.hours.data, actor=current_user, now=utcnow())
        )
        if ok:
            flash(f"Target OLA {unit.name}: {form.hours.data} jam kerja.", "success")
            return redirect(url_for("tickets.ola"))
    targets = {t.unit_id: t for t in db.session.scalars(select(OlaTarget))}
    status = 422 if request.method == "POST" else 200
    return render_template("tickets/ola.html", form=form, units=units, targets=targets), status
