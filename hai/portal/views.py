"""The requester portal: registration and activation (public), and a requester's own
tickets (``Capability.PORTAL_USE``). A requester only ever reaches tickets recorded for
their own requester record (``policy.is_requester_of``); anything else answers 404."""

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
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hai.auth.permissions import Capability, public, requires
from hai.auth.services import is_official_email
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.db_types import utcnow
from hai.errors import RuleError
from hai.extensions import db
from hai.portal import services as portal
from hai.portal.forms import (
    FILES_HINT,
    ActivateForm,
    ConfirmForm,
    DocumentsForm,
    MessageForm,
    NewTicketForm,
    RateForm,
    RegisterForm,
    ReopenForm,
    ResendForm,
)
from hai.tickets import policy, services
from hai.tickets.models import CloseReason, EventKind, Ticket, TicketStatus, TicketType
from hai.web.forms import submit
from hai.web.requestinfo import client_ip
from hai.web.timefmt import today_wib

bp = Blueprint("portal", __name__)

STALE = (
    "Tiket ini telah berubah sejak Anda membukanya. Periksa linimasa di bawah, "
    "lalu kirim lagi bila masih perlu."
)
EM_SPACE = "\u2003"  # indents sub-scopes in the scope list
RESEND_DONE = (
    "Jika alamat itu terdaftar dan belum diaktifkan, tautan aktivasi baru telah dikirim. "
    "Periksa kotak masuk (dan folder spam) Anda."
)


def _official_domains() -> tuple[str, ...]:
    return tuple(current_app.config.get("HAI_OFFICIAL_DOMAINS", ()))


def _is_official(email: str) -> bool:
    return is_official_email(email, _official_domains())


def _activation_link(user) -> str:
    from hai.surveys.jobs import public_url  # the configured address, never the Host header

    token = portal.activation_token(user, current_app.config["SECRET_KEY"])
    return public_url("portal.activate", token=token)


# --- registration and activation (public) ------------------------------------------


@bp.route("/daftar", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        now = utcnow()
        data = portal.Registration(
            name=form.name.data,
            email=form.email.data,
            phone=form.phone.data or "",
            user_type=int(form.user_type.data),
            satker_name=form.satker_name.data or "",
            satker_code=form.satker_code.data or "",
            password=form.password.data,
        )

        def create():
            user, _ = portal.register(
                data,
                official_domains=_official_domains(),
                now=now,
                ip=client_ip(),
                max_per_hour=current_app.config["HAI_REGISTRATIONS_PER_HOUR"],
            )
            portal.send_activation(
                user,
                link=_activation_link(user),
                now=now,
                dedupe_key=f"user:{user.id}:activation:registered",
            )
            return user

        ok, user = submit(form, create)
        if ok:
            return render_template("portal/registered.html", email=user.email)
    status = 422 if request.method == "POST" else 200
    return render_template("portal/register.html", form=form, domains=_official_domains()), status


@bp.route("/daftar/kirim-ulang", methods=["GET", "POST"])
@public
def resend():
    form = ResendForm()
    if form.validate_on_submit():
        now = utcnow()
        user = portal.account_for_resend(form.email.data)
        if user is not None:
            portal.send_activation(
                user, link=_activation_link(user), now=now, dedupe_key=portal.resend_key(user, now)
            )
            db.session.commit()
        # The same answer whether or not the address is registered.
        flash(RESEND_DONE, "info")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("portal/resend.html", form=form), status


@bp.route("/daftar/aktivasi/<token>", methods=["GET", "POST"])
@public
def activate(token: str):
    form = ActivateForm()
    secret = current_app.config["SECRET_KEY"]
    now = utcnow()
    if len(token) > 500:
        abort(404)
    if form.validate_on_submit():
        try:
            user = portal.activate(token, secret_key=secret, now=now, ip=client_ip())
        except portal.ActivationError as exc:
            db.session.commit()  # keep the audit row of the refusal
            return render_template("portal/activate.html", error=exc.message, form=None), 400
        db.session.commit()
        flash(f"Akun {user.email} telah aktif. Silakan masuk.", "success")
        return redirect(url_for("auth.login"))
    try:
        user = portal.user_for_token(token, secret_key=secret, now=now)
    except portal.ActivationError as exc:
        return render_template("portal/activate.html", error=exc.message, form=None), 400
    status = 422 if request.method == "POST" else 200
    return render_template("portal/activate.html", form=form, user=user, error=None), status


# --- my tickets ----------------------------------------------------------------------


@bp.route("/portal")
@requires(Capability.PORTAL_USE)
def index():
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400)
    rows, total = portal.my_tickets(current_user, page)
    return render_template(
        "portal/index.html",
        rows=rows,
        total=total,
        page=page,
        page_size=portal.PAGE_SIZE,
        awaiting=portal.awaiting_me,
        official=_is_official(current_user.email),
    )


def _allowed_services() -> list[CatalogService]:
    """The services of the catalog in force today that the user's type may use."""
    version = version_in_force(today_wib())
    if version is None or current_user.user_type is None:
        return []
    return [s for s in version.services if s.allows(current_user.user_type)]


def _scope_choices(service: CatalogService | None) -> list[tuple[int, str]]:
    if service is None:
        return []
    return [(s.id, f"{EM_SPACE * (s.depth - 1)}{s.code} {s.name}"[:200]) for s in service.scopes]


def _chosen_service(allowed: list[CatalogService]) -> CatalogService | None:
    raw = request.values.get("service", "")
    if not raw.isdigit():
        return None
    return next((s for s in allowed if s.id == int(raw)), None)


@bp.route("/portal/lingkup")
@requires(Capability.PORTAL_USE)
def scopes():
    """The scope choices of the chosen service (htmx, when the service changes)."""
    service = _chosen_service(_allowed_services())
    form = NewTicketForm(formdata=None, scope_choices=_scope_choices(service))
    return render_template("portal/_scope_select.html", form=form)


@bp.route("/portal/saran")
@requires(Capability.PORTAL_USE)
def suggestions():
    """Public HAIPEDIA articles for what is being typed (ticket deflection)."""
    from hai.haipedia.models import Audience
    from hai.haipedia.search import search

    q = request.args.get("subject", request.args.get("q", "")).strip()[:100]
    results = search(db.session, q, audiences={Audience.PUBLIC}, typing=True, limit=5)
    return render_template("portal/_suggestions.html", results=results, q=q)


@bp.route("/portal/baru", methods=["GET", "POST"])
@requires(Capability.PORTAL_USE)
def new():
    requester = portal.requester_of(current_user)
    allowed = _allowed_services()
    service = _chosen_service(allowed) if request.method == "POST" else None
    form = NewTicketForm(
        service_choices=[(s.id, f"{s.code} {s.name}") for s in allowed],
        scope_choices=_scope_choices(service),
    )
    if form.validate_on_submit():
        ok, ticket = submit(form, lambda: _create(form, requester))
        if ok:
            from hai.haipedia.services import reads_led_to
            from hai.haipedia.views import take_reads

            # Articles read first did not answer: those reads were not deflections.
            reads_led_to(take_reads(), ticket, current_user)
            db.session.commit()
            flash(f"Tiket {ticket.number} telah dikirim.", "success")
            return redirect(url_for("portal.detail", ticket_id=ticket.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "portal/new.html",
        form=form,
        files_hint=FILES_HINT,
        official=_is_official(current_user.email),
        no_requester=requester is None,
    ), status


def _create(form: NewTicketForm, requester) -> Ticket:
    if requester is None:
        raise services.TicketError(
            "Akun Anda belum terhubung dengan data pemohon. Hubungi HAI-DJPb."
        )
    service = db.session.get(CatalogService, int(form.service.data))
    if service is None:
        raise services.TicketError("Pilih layanan.", "service")
    # The one access rule of the catalog, shared with the API.
    services.check_service_access(service, current_user.user_type)
    scope = None
    if form.scope.data:
        raw = form.scope.data
        scope = db.session.get(CatalogScope, int(raw)) if raw.isdigit() else None
        if scope is None or scope.service_id != service.id:
            raise services.TicketError("Ruang lingkup bukan bagian dari layanan itu.", "scope")
    now = utcnow()
    ticket = services.create_ticket(
        channel_code="portal",
        received_at=now,
        requester=services.RequesterData(
            requester_id=requester.id,
            name=current_user.name,
            email=current_user.email,
            phone=current_user.phone,
            user_type=current_user.user_type,
            satker_name=requester.satker_name,
            satker_code=requester.satker_code,
        ),
        subject=form.subject.data,
        description=form.description.data,
        ticket_type=TicketType(form.ticket_type.data),
        scope=scope,
        service=service if scope is None else None,
        now=now,
        actor=None,
        actor_label=current_user.name,
    )
    db.session.flush()
    created = next(e for e in ticket.events if e.kind is EventKind.CREATED)
    _attach(ticket, request.files.getlist(form.attachments.name), created.id, now)
    return ticket


def _attach(ticket: Ticket, files, event_id: int, now) -> None:
    files = [f for f in files if f and f.filename]
    if not files:
        return
    from hai.attachments.services import attach_files
    from hai.attachments.storage import upload_root

    attach_files(
        files,
        owner_type="ticket",
        owner_id=ticket.id,
        event_id=event_id,
        uploader=current_user,
        now=now,
        root=upload_root(current_app),
    )


# --- one ticket ------------------------------------------------------------------------


def _forms(ticket: Ticket) -> dict:
    rv = {"row_version": str(ticket.row_version)}
    return dict(
        message=MessageForm(formdata=None, data=rv),
        documents=DocumentsForm(formdata=None, data=rv),
        confirm=ConfirmForm(formdata=None, data=rv),
        reopen=ReopenForm(formdata=None, data=rv),
        rate=RateForm(formdata=None, data=rv),
    )


def _may_reopen(ticket: Ticket, now) -> bool:
    window = timedelta(days=current_app.config.get("HAI_REOPEN_DAYS", 7))
    return (
        ticket.status is TicketStatus.CLOSED
        and ticket.close_reason is CloseReason.RESOLVED
        and ticket.closed_at is not None
        and now - ticket.closed_at <= window
    )


def _context(ticket: Ticket, **overrides) -> dict:
    from hai.attachments.models import Attachment

    now = utcnow()
    attachments = [
        a
        for a in db.session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == "ticket", Attachment.owner_id == ticket.id)
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
        if policy.requester_may_download(current_user, ticket, a)
    ]
    context = dict(
        ticket=ticket,
        timeline=[e for e in ticket.events if e.kind.is_public],
        attachments=attachments,
        forms=_forms(ticket),
        may_reopen=_may_reopen(ticket, now),
        reopen_days=current_app.config.get("HAI_REOPEN_DAYS", 7),
        official=_is_official(current_user.email),
        files_hint=FILES_HINT,
        open_form=None,
    )
    context["forms"].update(overrides.pop("forms", {}))
    context.update(overrides)
    return context


@bp.route("/portal/tiket/<int:ticket_id>")
@requires(Capability.PORTAL_USE)
def detail(ticket_id: int):
    ticket = policy.get_own_ticket_or_404(current_user, ticket_id)
    return render_template("portal/detail.html", **_context(ticket))


@bp.route("/portal/tiket/<int:ticket_id>/lampiran/<int:attachment_id>")
@requires(Capability.PORTAL_USE)
def attachment(ticket_id: int, attachment_id: int):
    from hai.attachments.models import Attachment
    from hai.attachments.services import send_attachment
    from hai.attachments.storage import upload_root

    ticket = policy.get_own_ticket_or_404(current_user, ticket_id)
    att = db.session.get(Attachment, attachment_id)
    if not policy.requester_may_download(current_user, ticket, att):
        abort(404)
    return send_attachment(att, upload_root(current_app))


ACTION_FORMS = {
    "pesan": MessageForm,
    "dokumen": DocumentsForm,
    "konfirmasi": ConfirmForm,
    "buka-kembali": ReopenForm,
    "nilai": RateForm,
}
FORM_NAMES = {
    "pesan": "message",
    "dokumen": "documents",
    "konfirmasi": "confirm",
    "buka-kembali": "reopen",
    "nilai": "rate",
}
# Messages only add to the timeline: a stale page does not refuse them (nothing is
# overwritten, and a requester's words are never lost). Changes of state do.
APPEND_ONLY = {"pesan", "dokumen"}


@bp.route("/portal/tiket/<int:ticket_id>/aksi/<action>", methods=["POST"])
@requires(Capability.PORTAL_USE)
def act(ticket_id: int, action: str):
    if action not in ACTION_FORMS:
        abort(404)
    ticket = policy.get_own_ticket_or_404(current_user, ticket_id)
    form = ACTION_FORMS[action]()
    name = FORM_NAMES[action]
    if not form.validate_on_submit():
        return _error(ticket, name, form)
    if action not in APPEND_ONLY and form.row_version.data != str(ticket.row_version):
        form.form_errors.append(STALE)
        return _error(ticket, name, form, status=409)
    now = utcnow()
    try:
        ok, message = submit(form, lambda: _do(action, ticket, form, now))
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(STALE)
        return _error(ticket, name, form, status=409)
    if not ok:
        return _error(ticket, name, form)
    flash(message, "success")
    return redirect(url_for("portal.detail", ticket_id=ticket.id) + "#linimasa")


def _do(action: str, ticket: Ticket, form, now) -> str:
    me, label = current_user, current_user.name
    if action in APPEND_ONLY:
        files = request.files.getlist(form.attachments.name)
        if ticket.status is TicketStatus.WAITING:
            # Whatever form it came through, an answer while documents are awaited
            # is the answer: the SLA clock resumes.
            services.requester_answered(
                ticket, form.body.data, now=now, actor=me, actor_label=label
            )
            db.session.flush()
            event = _last_requester_event(ticket)
            answer = "Jawaban Anda dikirim; permintaan Anda diproses kembali."
        else:
            event = services.requester_message(
                ticket, form.body.data, now=now, actor=me, actor_label=label
            )
            db.session.flush()
            answer = "Pesan Anda dikirim."
        _attach(ticket, files, event.id, now)
        return answer
    if action == "konfirmasi":
        services.requester_confirms(ticket, now=now, actor=me)
        return "Terima kasih, jawaban telah Anda konfirmasi dan tiket ditutup. Beri penilaian Anda."
    if action == "buka-kembali":
        window = timedelta(days=current_app.config.get("HAI_REOPEN_DAYS", 7))
        services.reopen(
            ticket, form.reason.data, window=window, actor=me, now=now, actor_label=label
        )
        return "Tiket dibuka kembali."
    if action == "nilai":
        if ticket.rated_at is not None:
            raise RuleError("Anda sudah memberi penilaian untuk tiket ini.", "rating")
        services.rate(ticket, form.value, form.feedback.data or "", now=now, actor=me)
        return "Terima kasih atas penilaian Anda."
    abort(404)


def _last_requester_event(ticket: Ticket):
    from hai.tickets.models import TicketEvent

    return db.session.scalar(
        select(TicketEvent)
        .where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == EventKind.REQUESTER_MESSAGE,
        )
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )


def _error(ticket: Ticket, name: str, form, status: int = 422):
    db.session.refresh(ticket)
    return render_template(
        "portal/detail.html", **_context(ticket, forms={name: form}, open_form=name)
    ), status
