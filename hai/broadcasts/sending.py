"""Sending an approved broadcast: one delivery row per channel and recipient, each sent
at most once, resumable after a crash at any point.

``start_sending`` writes every delivery row (queued) in one transaction. ``deliver``
then takes queued rows one at a time and commits after each: email goes to the
outbox (its dedupe key is the delivery), WhatsApp/SMS/social to the gateway (its
idempotency key is the delivery), the portal announcement is published. A crash
between the hand-over and the commit leaves the row queued; the next pass hands it
over again with the same key, which neither the outbox nor the gateway repeats.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from hai.audit.services import record
from hai.auth.models import User
from hai.auth.roles import Role
from hai.broadcasts.gateway import (
    Gateway,
    GatewayError,
    attempt,
    gateway_from_config,
)
from hai.broadcasts.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
)
from hai.broadcasts.services import (
    SUBJECT,
    BroadcastError,
    _event,
    _require,
    _tell_requester,
    clock_of,
)
from hai.extensions import db
from hai.sla import clocks

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"\+?\d[\d\- ]{7,18}\d")
SOCIAL_TARGET = "akun-resmi"
PORTAL_TARGET = "pengumuman-portal"


def _other_recipients(text: str) -> tuple[list[str], list[str]]:
    emails = sorted({m.lower() for m in EMAIL_RE.findall(text or "")})
    rest = EMAIL_RE.sub(" ", text or "")
    phones = sorted({re.sub(r"[\s-]", "", m) for m in PHONE_RE.findall(rest)})
    return emails, phones


def planned_deliveries(b: Broadcast) -> list[dict]:
    """Every (channel, address) the broadcast goes to, once each."""
    rows: dict[tuple[str, str], dict] = {}
    contacts = [c for g in b.groups for c in g.contacts if c.is_active]
    emails, phones = _other_recipients(b.other_recipients)
    for channel in b.channel_set:
        if channel is BroadcastChannel.EMAIL:
            targets = [(c.email.lower(), c.name, c.id) for c in contacts if c.email]
            targets += [(e, e, None) for e in emails]
        elif channel in (BroadcastChannel.WHATSAPP, BroadcastChannel.SMS):
            targets = [(c.phone, c.name, c.id) for c in contacts if c.phone]
            targets += [(p, p, None) for p in phones]
        elif channel is BroadcastChannel.SOCIAL:
            targets = [(SOCIAL_TARGET, "Akun media sosial resmi HAI-DJPb", None)]
        else:
            targets = [(PORTAL_TARGET, "Halaman pengumuman portal", None)]
        for address, name, contact_id in targets:
            rows.setdefault(
                (channel.value, address),
                {"channel": channel, "address": address, "name": name, "contact_id": contact_id},
            )
    return list(rows.values())


def start_sending(b: Broadcast, *, actor: User, now: datetime) -> int:
    """The assigned L1 agent starts the sending; returns how many deliveries are queued."""
    _require(b, BroadcastStatus.APPROVED)
    if actor.id != b.sender_id and not actor.has_role(Role.KEPALA_SEKSI):
        raise BroadcastError("Broadcast ini ditugaskan kepada agen lain untuk dikirim.")
    plan = planned_deliveries(b)
    if not plan:
        raise BroadcastError("Tidak ada penerima untuk kanal yang dipilih.", "channels")
    for row in plan:
        db.session.add(
            BroadcastDelivery(
                broadcast_id=b.id,
                channel=row["channel"],
                address=row["address"][:254],
                recipient_name=row["name"][:200],
                contact_id=row["contact_id"],
                status=DeliveryStatus.QUEUED,
                attempts=0,
                next_attempt_at=now,
            )
        )
    b.status = BroadcastStatus.SENDING
    text = b.approved_version
    _event(
        b,
        "sending_started",
        now=now,
        actor=actor,
        body=f"{len(plan)} pengiriman dijadwalkan.",
        deliveries=len(plan),
    )
    # The exact text sent, kept as sent (Pasal 18(9-10)).
    record(
        "broadcast.sent",
        now=now,
        actor=actor,
        target=b,
        version=text.number,
        title=text.title,
        content=text.content,
        channels=b.channels,
        deliveries=len(plan),
    )
    db.session.flush()
    return len(plan)


def _message(b: Broadcast) -> str:
    v = b.approved_version
    return f"{v.title}\n\n{v.content}\n\n— HAI-DJPb ({b.number})"


def _hand_over(d: BroadcastDelivery, b: Broadcast, gateway: Gateway, now: datetime) -> str:
    if d.channel is BroadcastChannel.EMAIL:
        from hai.mail.services import enqueue

        message = enqueue(
            to=d.address,
            subject=f"[HAI-DJPb] {b.approved_version.title}",
            body=_message(b),
            now=now,
            subject_type=SUBJECT,
            subject_id=b.id,
            dedupe_key=f"broadcast-delivery:{d.id}",
        )
        return f"outbox:{message.id}" if message is not None else "outbox:dedupe"
    if d.channel is BroadcastChannel.PORTAL:
        return "portal"
    return gateway.send(
        channel=d.channel.value, address=d.address, text=_message(b), key=f"brd-{d.id}"
    )


def deliver(now: datetime, *, broadcast_id: int | None = None, limit: int = 500) -> dict:
    """Send due queued deliveries (of one broadcast, or all), committing after each."""
    gateway = gateway_from_config(current_app.config)
    query = (
        select(BroadcastDelivery.id)
        .where(
            BroadcastDelivery.status == DeliveryStatus.QUEUED,
            BroadcastDelivery.next_attempt_at <= now,
        )
        .order_by(BroadcastDelivery.id)
        .limit(limit)
    )
    if broadcast_id is not None:
        query = query.where(BroadcastDelivery.broadcast_id == broadcast_id)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    touched: set[int] = set()
    for delivery_id in list(db.session.scalars(query)):
        d = db.session.get(BroadcastDelivery, delivery_id)
        if d is None or d.status is not DeliveryStatus.QUEUED:
            continue
        b = db.session.get(Broadcast, d.broadcast_id)
        touched.add(b.id)
        attempt(
            d,
            lambda d=d, b=b: _hand_over(d, b, gateway, now),
            now=now,
            counts=counts,
            errors=(GatewayError, BroadcastError, ValueError),
        )
        db.session.commit()
    for broadcast_id_ in touched:
        _finish_if_done(db.session.get(Broadcast, broadcast_id_), now)
    return counts


def progress(b: Broadcast) -> dict[DeliveryStatus, int]:
    rows = db.session.execute(
        select(BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id == b.id)
        .group_by(BroadcastDelivery.status)
    ).all()
    return {status: n for status, n in rows}


def _finish_if_done(b: Broadcast, now: datetime) -> None:
    if b.status is not BroadcastStatus.SENDING:
        return
    counts = progress(b)
    if counts.get(DeliveryStatus.QUEUED):
        return
    sent, failed = counts.get(DeliveryStatus.SENT, 0), counts.get(DeliveryStatus.FAILED, 0)
    b.status = BroadcastStatus.SENT
    b.sent_at = now
    clocks.close(clock_of(b), now=now)
    summary = f"Broadcast terkirim: {sent} berhasil" + (f", {failed} gagal." if failed else ".")
    _event(b, "sent", now=now, body=summary, to_requester=True, sent=sent, failed=failed)
    _tell_requester(b, "Broadcast telah dikirim", summary, now=now, key="sent")
    db.session.commit()
