"""The broadcast workflow end to end, and the rules the regulation names."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.broadcasts import gateway as gateway_module
from hai.broadcasts import sending, services
from hai.broadcasts.gateway import GatewayError, RecordingGateway
from hai.broadcasts.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
)
from hai.errors import RuleError
from hai.mail.models import OutboxMessage
from tests.broadcasts.conftest import request
from tests.tickets.conftest import at

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def gateway(monkeypatch):
    recording = RecordingGateway()
    monkeypatch.setattr(sending, "gateway_from_config", lambda config: recording)
    return recording


def submitted(db_session, people, group, **over) -> Broadcast:
    b = services.submit(people["dit"], request(group, **over), now=at(2026, 3, 2, 9))
    db_session.commit()
    return b


def approved(db_session, people, group, **over) -> Broadcast:
    b = submitted(db_session, people, group, **over)
    services.forward_to_kepala_seksi(b, "Lengkap.", actor=people["l1"], now=at(2026, 3, 2, 9, 30))
    services.approve(b, people["l1"], actor=people["kasi"], now=at(2026, 3, 2, 10))
    db_session.commit()
    return b


def test_whole_flow_request_check_edit_approve_send_and_tell(db_session, people, group, gateway):
    b = submitted(db_session, people, group)
    assert b.number.startswith("BRD-2026-") and b.status is BroadcastStatus.SUBMITTED
    # 8 working hours from Monday 09:00: Monday 16:00 is 7 h, so Tuesday 09:00.
    assert b.due_at == at(2026, 3, 3, 9)
    services.forward_to_kepala_seksi(b, "Lengkap.", actor=people["l1"], now=at(2026, 3, 2, 9, 30))
    edited = services.edit_draft(
        b,
        "Pemeliharaan SPAN Sabtu",
        "SPAN tidak dapat diakses Sabtu 08.00-13.00 WIB.\nMohon sampaikan ke satker.",
        "Jam selesai dikoreksi",
        actor=people["kasi"],
        now=at(2026, 3, 2, 9, 45),
    )
    assert edited.number == 2 and b.asked.content.startswith(
        "SPAN tidak dapat diakses Sabtu 08.00-12.00"
    )
    diff = services.diff_lines(b)
    assert ("removed", "SPAN tidak dapat diakses Sabtu 08.00-12.00 WIB.") in diff
    assert ("added", "SPAN tidak dapat diakses Sabtu 08.00-13.00 WIB.") in diff
    services.approve(b, people["l1b"], actor=people["kasi"], now=at(2026, 3, 2, 10))
    db_session.commit()
    # Only the assigned agent sends.
    with pytest.raises(RuleError):
        sending.start_sending(b, actor=people["l1"], now=at(2026, 3, 2, 10, 5))
    queued = sending.start_sending(b, actor=people["l1b"], now=at(2026, 3, 2, 10, 5))
    db_session.commit()
    assert queued == 6 + 6 + 1  # six active CSO by email and WhatsApp, one announcement
    counts = sending.deliver(at(2026, 3, 2, 10, 5))
    assert counts == {"sent": 13, "retry": 0, "failed": 0}
    db_session.refresh(b)
    assert b.status is BroadcastStatus.SENT and b.sent_at == at(2026, 3, 2, 10, 5)
    # What went out is the approved (edited) text, on every channel.
    assert len(gateway.sent) == 6
    assert all("08.00-13.00" in m["text"] for m in gateway.sent.values())
    mails = list(
        db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_addr.like("cso%@kemenkeu.go.id"))
        )
    )
    assert len(mails) == 6 and all("08.00-13.00" in m.body for m in mails)
    assert "lama@kemenkeu.go.id" not in {m.to_addr for m in mails}  # inactive contact
    # The requester is told when it is received and when it is done.
    told = [
        m.subject
        for m in db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_addr == "kasubdit@kemenkeu.go.id")
        )
    ]
    assert any("diterima" in s for s in told) and any("telah dikirim" in s for s in told)
    # The exact text sent is in the audit log.
    sent = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "broadcast.sent"))
    assert "08.00-13.00" in str(sent.details)


@pytest.mark.parametrize(
    "who,over,field",
    [
        ("outside", {}, "title"),  # not an official domain
        ("satker", {}, "title"),  # user type 1 may not ask
        ("dit", {"contact_position": ""}, "contact_position"),
        ("dit", {"contact_phone": ""}, "contact_phone"),
        ("dit", {"contact_email": "budi@gmail.com"}, "contact_email"),
        ("dit", {"channels": []}, "channels"),
        ("dit", {"group_ids": [], "other_recipients": ""}, "group_ids"),
    ],
)
def test_refused_on_submission_with_the_field_and_nothing_stored(
    db_session, people, group, who, over, field
):
    with pytest.raises(RuleError) as err:
        services.submit(people[who], request(group, **over), now=at(2026, 3, 2, 9))
    db_session.rollback()
    assert err.value.field == field
    assert db_session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_rejected_broadcast_is_never_sent(db_session, people, group, gateway):
    b = submitted(db_session, people, group)
    services.forward_to_kepala_seksi(b, "", actor=people["l1"], now=at(2026, 3, 2, 9, 30))
    services.reject(b, "Bukan kewenangan HAI-DJPb.", actor=people["kasi"], now=at(2026, 3, 2, 10))
    db_session.commit()
    with pytest.raises(RuleError):
        sending.start_sending(b, actor=people["kasi"], now=at(2026, 3, 2, 10, 5))
    assert sending.deliver(at(2026, 3, 2, 11)) == {"sent": 0, "retry": 0, "failed": 0}
    assert gateway.sent == {}
    # L1 cannot approve; nothing is sent without the Kepala Seksi.
    other = submitted(db_session, people, group)
    services.forward_to_kepala_seksi(other, "", actor=people["l1"], now=at(2026, 3, 2, 9, 30))
    with pytest.raises(RuleError):
        services.approve(other, people["l1"], actor=people["l1"], now=at(2026, 3, 2, 10))


def test_a_crash_half_way_then_a_resume_sends_each_recipient_once(
    db_session, people, group, monkeypatch
):
    b = approved(db_session, people, group, channels=["whatsapp"])
    sending.start_sending(b, actor=people["l1"], now=at(2026, 3, 2, 10, 5))
    db_session.commit()
    provider = RecordingGateway()
    calls = {"n": 0}

    class Crashing:
        """Hands three messages over, then the process dies after the fourth hand-over
        and before its commit."""

        def send(self, **kw):
            calls["n"] += 1
            accepted = provider.send(**kw)
            if calls["n"] == 4:
                raise KeyboardInterrupt  # the process dies: nothing after this runs
            return accepted

    monkeypatch.setattr(sending, "gateway_from_config", lambda config: Crashing())
    with pytest.raises(KeyboardInterrupt):
        sending.deliver(at(2026, 3, 2, 10, 5))
    db_session.rollback()
    states = list(
        db_session.scalars(select(BroadcastDelivery.status).order_by(BroadcastDelivery.id))
    )
    assert states.count(DeliveryStatus.SENT) == 3
    # Restart: the same provider (it honours the idempotency key) gets the rest.
    monkeypatch.setattr(sending, "gateway_from_config", lambda config: provider)
    sending.deliver(at(2026, 3, 2, 10, 6))
    db_session.refresh(b)
    assert b.status is BroadcastStatus.SENT
    assert sorted(m["to"] for m in provider.sent.values()) == [
        f"08120000000{n}" for n in range(1, 7)
    ]
    assert len(provider.sent) == 6


def test_gateway_down_retries_then_fails_visibly(db_session, people, group, monkeypatch):
    b = approved(db_session, people, group, channels=["sms"])
    sending.start_sending(b, actor=people["l1"], now=at(2026, 3, 2, 10, 5))
    db_session.commit()

    class Down:
        def send(self, **kw):
            raise GatewayError("gateway tidak dapat dihubungi")

    monkeypatch.setattr(sending, "gateway_from_config", lambda config: Down())
    assert sending.deliver(at(2026, 3, 2, 10, 5))["retry"] == 6
    db_session.refresh(b)
    assert b.status is BroadcastStatus.SENDING
    # Nothing is due again until the back-off has passed.
    assert sending.deliver(at(2026, 3, 2, 10, 5, 30))["retry"] == 0
    from datetime import timedelta

    when = at(2026, 3, 2, 10, 5)
    for _ in range(gateway_module.MAX_ATTEMPTS):
        when += timedelta(hours=2)
        sending.deliver(when)
    db_session.refresh(b)
    assert b.status is BroadcastStatus.SENT  # done, with the failures on record
    failed = db_session.scalar(
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(BroadcastDelivery.status == DeliveryStatus.FAILED)
    )
    assert failed == 6


def test_clarification_pauses_the_clock(db_session, people, group):
    b = submitted(db_session, people, group)
    services.ask_clarification(b, "Kanal SMS perlu?", actor=people["l1"], now=at(2026, 3, 2, 10))
    with pytest.raises(RuleError):
        services.requester_clarifies(b, "Ya", actor=people["satker"], now=at(2026, 3, 2, 11))
    services.requester_clarifies(b, "Tidak perlu.", actor=people["dit"], now=at(2026, 3, 2, 12))
    db_session.commit()
    # Two working hours paused: due Tuesday 11:00 instead of 09:00.
    assert b.due_at == at(2026, 3, 3, 11) and b.status is BroadcastStatus.SUBMITTED


def test_late_request_flagged_once_by_the_breach_job(db_session, people, group):
    from hai.tickets.jobs import flag_recent_breaches
    from hai.tickets.models import Notification

    b = submitted(db_session, people, group)
    assert flag_recent_breaches(at(2026, 3, 3, 8, 59))["broadcast"] == 0
    assert flag_recent_breaches(at(2026, 3, 3, 9, 1))["broadcast"] == 1
    assert flag_recent_breaches(at(2026, 3, 3, 9, 3))["broadcast"] == 0
    db_session.commit()
    assert b.breached_at == at(2026, 3, 3, 9, 1)
    notes = db_session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == people["kasi"].id)
    )
    assert notes == 1


def test_urgent_adds_sms(db_session, people, group):
    b = submitted(db_session, people, group, urgent=True, channels=["email"])
    assert b.channels == ["email", "sms"]
