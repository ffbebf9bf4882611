"""REST API v1: tickets and the catalog for integrations (WhatsApp, HAI CSO, others).

Authenticated with an integration's bearer token only — a browser session does not
open it, so it needs no CSRF token. Every call is recorded (``ApiCall``) and counted
against the token's rate limit. The rules are the ticket services' own: the API
reads the request, calls them, and writes their answer or their refusal as JSON.
"""

from __future__ import annotations

import logging

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from hai.api import payloads
from hai.api.models import ApiCall, ApiToken
from hai.api.payloads import ApiError, Reader, invalid
from hai.api.tokens import calls_in_window, created_by, token_from_header
from hai.auth.models import User
from hai.auth.permissions import api_token, public
from hai.auth.roles import Role
from hai.catalog.queries import list_channels, load_version, version_in_force
from hai.db_types import utcnow
from hai.errors import RuleError
from hai.extensions import csrf, db
from hai.sla.policy import LEVELS
from hai.tickets import services
from hai.tickets.models import Ticket, TicketType
from hai.web.requestinfo import client_ip
from hai.web.timefmt import WIB

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Where a service's field error lands in the API body.
FIELD_NAMES = {
    "requester_name": "requester.name",
    "requester_email": "requester.email",
    "requester_user_type": "requester.user_type",
    "scope": "service_code",
    "body": "answer",
}
OPEN_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate():
    g.api_started = utcnow()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    token = token_from_header(request.headers.get("Authorization"))
    if token is None:
        raise ApiError(401, "unauthorized", "Token API tidak ada, tidak sah, atau sudah dicabut.")
    g.api_token = token
    g.api_token_id = token.id
    if calls_in_window(token, g.api_started) >= token.rate_per_minute:
        raise ApiError(429, "rate_limited", "Terlalu banyak panggilan; coba lagi sebentar lagi.")
    return None


@bp.after_request
def record_call(response):
    if g.get("api_token") is None:
        return response
    token_id = g.api_token_id  # read before any rollback expires the token
    if response.status_code >= 500:
        db.session.rollback()
    try:
        db.session.add(
            ApiCall(
                token_id=token_id,
                at=g.api_started,
                method=request.method,
                path=request.full_path.rstrip("?")[:300],
                status=response.status_code,
                ip_address=client_ip()[:64],
                ticket_id=g.get("api_ticket_id"),
            )
        )
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=g.api_started)
        )
        db.session.commit()
    except OperationalError:
        # The database went away: the call cannot be recorded, which must not turn the
        # answer into a crash. A write whose commit (here, with its call record) failed
        # did not happen: say so instead of the success the view prepared.
        db.session.rollback()
        log.warning("API call not recorded: database unavailable")
        if request.method != "GET" and response.status_code < 400:
            from hai.web.errors import render_error

            response, _ = render_error(503)
            response.status_code = 503
    if response.status_code == 429:
        response.headers["Retry-After"] = "60"
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    db.session.rollback()  # nothing of a refused request stays
    if error.status == 401:
        g.pop("api_token", None)
    response = jsonify(error.body())
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="HAI API"'
    return response


@bp.errorhandler(RuleError)
def rule_error(error: RuleError):
    field = FIELD_NAMES.get(error.field or "", error.field or "")
    return api_error(invalid({field or "_": str(error)}))


def _ticket_or_404(number: str) -> Ticket:
    """A ticket this token created; any other answers as if it did not exist."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number.upper()))
    if ticket is None or not created_by(g.api_token, ticket.id):
        raise ApiError(404, "not_found", f"Tiket {number} tidak ditemukan.")
    g.api_ticket_id = ticket.id
    return ticket


def _source() -> str:
    return f"Integrasi: {g.api_token.name}"[:120]


@bp.route("/tickets", methods=["POST"])
@api_token
def create_ticket():
    now = utcnow()
    body = Reader(payloads.json_object(request))
    channels = [c.code for c in list_channels()]
    channel = body.choice("channel", channels, required=True)
    received_at = body.instant("received_at") or now
    who = body.child("requester", required=True)
    requester = services.RequesterData(
        name=who.text("name", required=True, max_len=120),
        email=who.text("email", max_len=254),
        phone=who.text("phone", max_len=40),
        user_type=who.integer("user_type", low=1, high=11),
        satker_name=who.text("unit", max_len=200),
        satker_code=who.text("satker_code", max_len=20),
    )
    body.merge(who)
    code = body.text("service_code", max_len=40)
    subject = body.text("subject", required=True, max_len=300)
    description = body.text("description", max_len=20_000)
    kind = body.choice("type", [t.value for t in TicketType]) or TicketType.QUESTION.value
    answer = body.text("answer", max_len=20_000)
    close = body.flag("close")
    cso_email = body.text("cso_email", max_len=254)
    if body.errors:
        raise invalid(body.errors)

    choice = None
    if code:
        version = version_in_force(received_at.astimezone(WIB).date())
        if version is None:
            raise invalid({"received_at": "Tidak ada katalog layanan yang berlaku saat itu."})
        choice = payloads.find_code(version, code, db.session)
        if choice is None:
            raise invalid({"service_code": f"Kode {code} tidak ada di katalog {version.code}."})
        if requester.user_type is not None:
            try:
                services.check_service_access(choice.service, requester.user_type)
            except services.AccessRefused:
                raise ApiError(
                    403,
                    "forbidden_user_type",
                    f"Jenis pengguna {requester.user_type} tidak dapat menggunakan layanan "
                    f"{choice.service.code} (matriks akses katalog).",
                    {"service_code": "Tidak tersedia bagi jenis pengguna ini."},
                ) from None
    cso = _cso(cso_email, channel, answer, close)
    ticket = services.create_ticket(
        channel_code=channel,
        received_at=received_at,
        requester=requester,
        subject=subject,
        description=description,
        ticket_type=TicketType(kind),
        scope=choice.scope if choice else None,
        service=choice.service if choice else None,
        level=services.intake_level(channel),
        office_unit_id=cso.unit_id if cso else None,
        now=now,
        actor=cso,
        actor_label="" if cso else _source(),
    )
    if cso is not None:
        services.take(ticket, actor=cso, now=now)
        if answer:
            services.answer(ticket, answer, actor=cso, now=now)
            # A CSO's question and answer through HAI CSO waits in HAIPEDIA's review queue.
            from hai.haipedia.services import queue_cso_answer

            queue_cso_answer(ticket, answer, actor=cso, now=now)
            if close:
                services.confirm_and_close(ticket, "", actor=cso, now=now)
    # No commit here: ``record_call`` commits the ticket together with this call's row,
    # which is what lets the token read the ticket later (``created_by``).
    db.session.flush()
    g.api_ticket_id = ticket.id
    response = jsonify(payloads.ticket_json(ticket, now, db.session))
    response.status_code = 201
    response.headers["Location"] = f"{bp.url_prefix}/tickets/{ticket.number}"
    return response


def _cso(cso_email: str, channel: str, answer: str, close: bool) -> User | None:
    """The CSO who took a walk-in question through HAI CSO (OM SPAN), if named."""
    if (answer or close) and not cso_email:
        raise invalid({"cso_email": "Jawaban langsung hanya dicatat atas nama CSO."})
    if close and not answer:
        raise invalid({"close": "Tiket hanya dapat ditutup bersama jawabannya."})
    if not cso_email:
        return None
    if channel != "hai_cso":
        raise invalid({"cso_email": "Hanya untuk kanal hai_cso."})
    user = db.session.scalar(select(User).where(User.email == cso_email.lower()))
    if user is None or not user.is_active or not user.has_role(Role.CSO):
        raise invalid({"cso_email": "Bukan akun CSO yang aktif."})
    return user


@bp.route("/tickets/<number>", methods=["GET"])
@api_token
def get_ticket(number: str):
    ticket = _ticket_or_404(number)
    return jsonify(payloads.ticket_json(ticket, utcnow(), db.session))


@bp.route("/tickets/<number>", methods=["PATCH"])
@api_token
def patch_ticket(number: str):
    now = utcnow()
    body = Reader(payloads.json_object(request))
    impact = body.choice("impact", LEVELS, required=True)
    urgency = body.choice("urgency", LEVELS, required=True)
    unknown = sorted(set(body.data) - {"impact", "urgency"})
    for key in unknown:
        body.errors[key] = "Tidak dapat diubah melalui API."
    if body.errors:
        raise invalid(body.errors)
    ticket = _ticket_or_404(number)
    services.set_priority(ticket, impact=impact, urgency=urgency, actor=None, now=now)
    db.session.commit()
    return jsonify(payloads.ticket_json(ticket, now, db.session))


@bp.route("/catalog", methods=["GET"])
@api_token
def catalog():
    at = request.args.get("at")
    if at:
        version = version_in_force(payloads.parse_date(at))
        if version is None:
            raise ApiError(404, "not_found", f"Tidak ada katalog yang berlaku pada {at}.")
    else:
        version = version_in_force(utcnow().astimezone(WIB).date())
        if version is None:
            raise ApiError(404, "not_found", "Belum ada katalog yang berlaku.")
    return jsonify(payloads.catalog_json(load_version(version.id)))


CHATBOT_MIN_CONFIDENCE = 0.5


@bp.route("/haipedia/answer", methods=["POST"])
@api_token
def haipedia_answer():
    """The chatbot (Nindy) asks a user's question: the best public article with its
    confidence, or no answer (the bot then creates a ticket through POST /tickets)."""
    from flask import current_app

    from hai.haipedia.models import Audience
    from hai.haipedia.render import to_text
    from hai.haipedia.search import search
    from hai.surveys.jobs import public_url

    body = Reader(payloads.json_object(request))
    question = body.text("question", required=True, max_len=1000)
    service_code = body.text("service_code", max_len=40)
    if body.errors:
        raise invalid(body.errors)
    # Public articles only, whatever the token: the bot answers the public.
    results = search(
        db.session, question, audiences={Audience.PUBLIC}, service_code=service_code, limit=1
    )
    threshold = current_app.config.get("HAI_CHATBOT_MIN_CONFIDENCE", CHATBOT_MIN_CONFIDENCE)
    best = results.hits[0] if results.hits else None
    if best is None or best.confidence < threshold:
        return jsonify(
            {"answered": False, "confidence": best.confidence if best else 0.0, "article": None}
        )
    live = best.article.live_revision
    text = to_text(live.body)
    return jsonify(
        {
            "answered": True,
            "confidence": best.confidence,
            "article": {
                "id": best.article.id,
                "title": live.title,
                "text": text[:4000],
                "url": public_url("haipedia.public_detail", article_id=best.article.id),
                "service_code": live.service_code or None,
                "updated_at": best.article.published_at.astimezone(WIB).isoformat(),
            },
        }
    )


@bp.route("/openapi.json", methods=["GET"])
@public
def openapi():
    from hai.api.openapi import document

    return jsonify(document([c.code for c in list_channels()]))
