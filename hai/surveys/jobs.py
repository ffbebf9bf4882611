"""Sending survey invitations: each queued invitation handed over once, resumable.

Like broadcast deliveries: the job takes queued invitations one at a time and commits
after each. Email goes to the outbox (dedupe key per invitation), WhatsApp/SMS to the
gateway (idempotency key per invitation), a requester gets a notification and an
email pointing to the portal. The link's token is rebuilt from the invitation, so a
crash between the hand-over and the commit repeats the same message with the same
key, which neither the outbox nor the gateway sends twice.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from hai.broadcasts.gateway import Gateway, GatewayError, attempt, gateway_from_config
from hai.broadcasts.models import DeliveryStatus
from hai.errors import RuleError
from hai.extensions import db
from hai.surveys.models import InvitationChannel, Survey, SurveyInvitation
from hai.surveys.services import invitation_token, token_hash

SUBJECT = "survey"
DEFAULT_PUBLIC_URL = "http://localhost:5000"


def public_url(endpoint: str, **values) -> str:
    """An absolute link for messages sent outside a request (the scheduler), built from
    the configured ``HAI_PUBLIC_URL``, never from a request's Host header."""
    base = urlsplit(current_app.config.get("HAI_PUBLIC_URL") or DEFAULT_PUBLIC_URL)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def invitation_link(invitation: SurveyInvitation) -> str:
    if invitation.channel is InvitationChannel.PORTAL:
        return public_url("surveys.portal_answer", survey_id=invitation.survey_id)
    token = invitation_token(invitation)
    if token_hash(token) != invitation.token_hash:
        # SECRET_KEY changed since the invitation was queued: the link sent is the
        # one built now, so it is the one that must open the survey.
        invitation.token_hash = token_hash(token)
    return public_url("surveys.answer", token=token)


def _text(survey: Survey, link: str) -> str:
    intro = survey.description.strip()
    lines = [f"Survei Perbendaharaan: {survey.title}", ""]
    if intro:
        lines += [intro[:1000], ""]
    lines += [f"Isi survei melalui tautan berikut (satu kali per responden):\n{link}"]
    if survey.closes_at:
        from hai.web.timefmt import format_datetime

        lines += ["", f"Survei ditutup {format_datetime(survey.closes_at)}."]
    lines += ["", "— HAI-DJPb"]
    return "\n".join(lines)


def _hand_over(invitation: SurveyInvitation, survey: Survey, gateway: Gateway, now) -> str:
    from hai.mail.services import enqueue

    text = _text(survey, invitation_link(invitation))
    if invitation.channel in (InvitationChannel.EMAIL, InvitationChannel.PORTAL):
        if invitation.channel is InvitationChannel.PORTAL:
            from hai.tickets.models import Notification

            key = f"survey-invitation:{invitation.id}"
            if not db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
                db.session.add(
                    Notification(
                        user_id=invitation.user_id,
                        at=now,
                        text=f"Survei baru untuk Anda: {survey.title}"[:300],
                        dedupe_key=key,
                        link=f"surveys.portal_answer?survey_id={survey.id}",
                    )
                )
        message = enqueue(
            to=invitation.address,
            subject=f"[HAI-DJPb] Survei: {survey.title}",
            body=text,
            now=now,
            subject_type=SUBJECT,
            subject_id=survey.id,
            dedupe_key=f"survey-invitation:{invitation.id}",
        )
        return f"outbox:{message.id}" if message is not None else "outbox:dedupe"
    return gateway.send(
        channel=invitation.channel.value,
        address=invitation.address,
        text=text,
        key=f"svi-{invitation.id}",
    )


def deliver_invitations(now: datetime, *, survey_id: int | None = None, limit: int = 500) -> dict:
    """Send due queued invitations (of one survey, or all), committing after each."""
    gateway = gateway_from_config(current_app.config)
    query = (
        select(SurveyInvitation.id)
        .where(
            SurveyInvitation.status == DeliveryStatus.QUEUED,
            SurveyInvitation.next_attempt_at <= now,
        )
        .order_by(SurveyInvitation.id)
        .limit(limit)
    )
    if survey_id is not None:
        query = query.where(SurveyInvitation.survey_id == survey_id)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for invitation_id in list(db.session.scalars(query)):
        invitation = db.session.get(SurveyInvitation, invitation_id)
        if invitation is None or invitation.status is not DeliveryStatus.QUEUED:
            continue
        survey = invitation.survey
        if survey.opens_at and now < survey.opens_at:
            continue  # sent when the survey opens
        if not survey.accepting(now):
            # Closed before its invitation left: nothing to invite to any more.
            invitation.status = DeliveryStatus.FAILED
            invitation.last_error = "Survei sudah ditutup sebelum undangan terkirim."
            counts["failed"] += 1
            db.session.commit()
            continue
        attempt(
            invitation,
            lambda invitation=invitation, survey=survey: _hand_over(
                invitation, survey, gateway, now
            ),
            now=now,
            counts=counts,
            errors=(GatewayError, RuleError),
        )
        db.session.commit()
    return counts
