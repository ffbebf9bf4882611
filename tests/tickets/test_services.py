"""The mechanisms of PER-8 Pasal 25–28 through the service functions, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hai.audit.models import AuditEvent
from hai.tickets import services
from hai.tickets.models import CloseReason, Level, TicketStatus, TicketType
from hai.tickets.services import RequesterData, TicketError
from tests.tickets.conftest import at, scope, service, unit

SATKER = RequesterData(
    name="Sri Operator",
    email="sri@satker.go.id",
    phone="0811",
    user_type=1,
    satker_name="Satker Contoh",
    satker_code="123456",
)


def new_ticket(
    db_session,
    actor,
    *,
    channel="email",
    received=None,
    sc="ITSM.01.04.01.a",
    requester=SATKER,
    now=None,
    **kw,
):
    received = received or at(2026, 3, 2, 9)
    ticket = services.create_ticket(
        channel_code=channel,
        received_at=received,
        requester=requester,
        subject="Tidak bisa login SAKTI",
        description="Muncul pesan kesalahan.",
        scope=scope(db_session, sc) if sc else None,
        now=now or received,
        actor=actor,
        **kw,
    )
    db_session.commit()
    return ticket


def test_email_ticket_end_to_end_with_escalation_to_l2_and_l3(db_session, staff):
    """Pasal 25: L1 receives → completeness → catalog fit → escalates to L2 → L2 to L3 →
    answer → final confirmation → rating."""
    l1, l2, l3 = staff["l1"], staff["l2"], staff["l3"]
    # A type-8 requester may use ITSM.01 (SAKTI); type 1 may not.
    requester = RequesterData(name="Rudi Dit. PA", email="rudi@kemenkeu.go.id", user_type=8)
    ticket = new_ticket(db_session, l1, requester=requester)
    assert ticket.number == f"HAI-2026-{ticket.id:06d}"
    assert ticket.status is TicketStatus.NEW and ticket.level is Level.L1
    assert services.missing_requester_data(ticket) == []
    assert services.catalog_problem(ticket) is None
    # Email in the revision: response 1 working hour, fulfilment 24 working hours.
    assert ticket.response_due_at == at(2026, 3, 2, 10)
    assert ticket.fulfilment_due_at == at(2026, 3, 5, 9)

    services.take(ticket, actor=l1, now=at(2026, 3, 2, 9, 10))
    services.reply(ticket, "Kami sedang memeriksa.", actor=l1, now=at(2026, 3, 2, 9, 15))
    assert ticket.first_response_at == at(2026, 3, 2, 9, 15)
    sitp = unit(db_session, "DIT-SITP")
    services.escalate(
        ticket,
        Level.L2,
        note="Perlu analisis data SAKTI.",
        team_unit=sitp,
        actor=l1,
        now=at(2026, 3, 2, 9, 30),
    )
    assert ticket.status is TicketStatus.ESCALATED and ticket.level is Level.L2
    # Escalated: the scope's norm (24 h for ITSM.01.04.01.a), counted from receipt.
    assert ticket.fulfilment_due_at == at(2026, 3, 5, 9)
    services.escalate(
        ticket, Level.L3, note="Butuh keputusan pejabat.", actor=l2, now=at(2026, 3, 3, 9)
    )
    assert ticket.level is Level.L3
    services.answer(
        ticket, "Akun sudah dipulihkan; silakan login ulang.", actor=l3, now=at(2026, 3, 3, 14)
    )
    assert ticket.status is TicketStatus.ANSWERED
    with pytest.raises(TicketError):
        services.confirm_and_close(ticket, "", actor=l1, now=at(2026, 3, 3, 15))
    services.confirm_and_close(
        ticket, "Pengguna mengonfirmasi berhasil.", actor=l3, now=at(2026, 3, 3, 15)
    )
    assert ticket.status is TicketStatus.CLOSED and ticket.close_reason is CloseReason.RESOLVED
    services.rate(ticket, 5, "Cepat dan jelas.", now=at(2026, 3, 3, 16))
    db_session.commit()
    assert (ticket.rating, ticket.feedback) == (5, "Cepat dan jelas.")
    actions = [e.action for e in ticket.events]
    assert actions[:3] == ["created", "taken", "reply"] or "created" in actions
    assert {"escalated", "answered", "closed", "rated"} <= set(actions)
    audit = {e.action for e in db_session.scalars(select(AuditEvent))}
    assert {"ticket.created", "ticket.escalated", "ticket.closed"} <= audit


def test_call_center_to_kepala_seksi(db_session, staff):
    """Pasal 26: the agent records the call (with the recording reference), escalates."""
    ticket = new_ticket(
        db_session,
        staff["l1"],
        channel="call_center",
        recording_ref="REC-7781",
        received=at(2026, 3, 2, 10, 5),
    )
    assert ticket.recording_ref == "REC-7781"
    assert ticket.response_due_at == at(2026, 3, 2, 10, 7)  # 2 minutes
    assert ticket.fulfilment_due_at == at(2026, 3, 2, 10, 5)  # at once
    services.escalate(
        ticket,
        Level.KEPALA_SEKSI,
        note="Kasus khusus.",
        actor=staff["l1"],
        now=at(2026, 3, 2, 10, 20),
    )
    assert ticket.level is Level.KEPALA_SEKSI
    assert ticket.fulfilment_due_at == at(2026, 3, 5, 10, 5)  # scope norm 24 h from receipt


def test_whatsapp_skips_the_completeness_check(db_session, staff):
    """Pasal 27: WhatsApp and social media without the completeness step."""
    ticket = new_ticket(
        db_session, staff["l1"], channel="whatsapp", requester=RequesterData(name="Pengguna WA")
    )
    assert services.missing_requester_data(ticket) == []
    email = new_ticket(db_session, staff["l1"], requester=RequesterData(name="Tanpa data"))
    assert "email atau telepon" in services.missing_requester_data(email)
    assert "jenis pengguna" in services.missing_requester_data(email)


def test_cso_flow_escalates_to_l1_then_l2(db_session, staff):
    """Pasal 28: the CSO records a walk-in question, escalates to L1, who escalates to L2."""
    cso = staff["cso"]
    ticket = new_ticket(
        db_session,
        cso,
        channel="hai_cso",
        level=Level.CSO,
        office_unit_id=cso.unit_id,
        sc="BCSM.02.01.03",
    )
    assert ticket.level is Level.CSO
    with pytest.raises(TicketError):
        services.escalate(
            ticket,
            Level.L2,
            note="x",
            actor=cso,
            now=at(2026, 3, 2, 9, 5),
            team_unit=unit(db_session, "DIT-PA"),
        )
    services.escalate(
        ticket, Level.L1, note="Mohon bantuan L1.", actor=cso, now=at(2026, 3, 2, 9, 5)
    )
    assert ticket.level is Level.L1
    services.escalate(
        ticket,
        Level.L2,
        note="Ke Dit. PA.",
        team_unit=unit(db_session, "DIT-PA"),
        actor=staff["l1"],
        now=at(2026, 3, 2, 9, 30),
    )
    assert ticket.level is Level.L2


def test_refused_outside_the_catalog_and_by_user_type(db_session, staff):
    """Pasal 13(6): refused with the reason recorded and told to the requester."""
    outside = new_ticket(db_session, staff["l1"], sc=None)
    assert services.catalog_problem(outside) is CloseReason.REFUSED_CATALOG
    services.refuse(
        outside,
        CloseReason.REFUSED_CATALOG,
        "Permintaan di luar katalog layanan.",
        actor=staff["l1"],
        now=at(2026, 3, 2, 9, 20),
    )
    assert outside.status is TicketStatus.CLOSED
    assert outside.close_reason is CloseReason.REFUSED_CATALOG
    assert outside.events[-2].body == "Permintaan di luar katalog layanan."  # the reply

    # Type 4 (taxpayer) may not use ITSM.01 (access matrix).
    taxpayer = RequesterData(name="Wajib Pajak", email="wp@mail.test", user_type=4)
    ticket = new_ticket(db_session, staff["l1"], requester=taxpayer)
    assert services.catalog_problem(ticket) is CloseReason.REFUSED_USER_TYPE
    services.refuse(
        ticket,
        CloseReason.REFUSED_USER_TYPE,
        "Layanan ini khusus pengguna internal.",
        actor=staff["l1"],
        now=at(2026, 3, 2, 9, 20),
    )
    assert ticket.close_reason is CloseReason.REFUSED_USER_TYPE
    with pytest.raises(TicketError):
        services.rate(ticket, 1, "", now=at(2026, 3, 2, 10))


def test_excluded_information_closes_with_that_reason(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    services.refuse(
        ticket,
        CloseReason.EXCLUDED,
        "Penafsiran peraturan tidak dapat diberikan.",
        actor=staff["l1"],
        now=at(2026, 3, 2, 9, 20),
    )
    assert ticket.close_reason is CloseReason.EXCLUDED


def test_request_for_documents_pauses_and_resumes_the_clock(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    before = ticket.fulfilment_due_at
    services.request_documents(
        ticket, "Mohon kirim tangkapan layar.", actor=staff["l1"], now=at(2026, 3, 2, 10)
    )
    assert ticket.status is TicketStatus.WAITING and ticket.paused
    with pytest.raises(TicketError):
        services.answer(ticket, "x", actor=staff["l1"], now=at(2026, 3, 2, 11))
    paused = services.requester_answered(ticket, "Terlampir.", now=at(2026, 3, 3, 10))
    assert paused == timedelta(hours=8)
    assert ticket.status is TicketStatus.OPEN and not ticket.paused
    assert ticket.fulfilment_due_at == at(2026, 3, 6, 9)
    assert ticket.fulfilment_due_at - before == timedelta(days=1)


def test_received_time_never_in_the_future(db_session, staff):
    with pytest.raises(TicketError) as exc:
        new_ticket(db_session, staff["l1"], received=at(2026, 3, 2, 9), now=at(2026, 3, 2, 8))
    assert exc.value.field == "received_at"


def test_version_in_force_at_receipt(db_session, staff):
    ticket = services.create_ticket(
        channel_code="email",
        received_at=at(2023, 3, 15, 10),
        requester=SATKER,
        subject="Lama",
        description="",
        service=service(db_session, "BCSM.02", "2023.0"),
        now=at(2026, 3, 2, 9),
        actor=staff["l1"],
    )
    assert ticket.version.code == "2023.0"
    assert ticket.fulfilment_due_at == at(2023, 3, 15, 11)  # 2023.0: email fulfilled in 1 h
    with pytest.raises(TicketError):
        services.create_ticket(
            channel_code="email",
            received_at=at(2023, 3, 15, 10),
            requester=SATKER,
            subject="Salah versi",
            description="",
            scope=scope(db_session, "ITSM.01.04.01.a"),
            now=at(2026, 3, 2, 9),
            actor=staff["l1"],
        )


def test_priority_from_impact_and_urgency_governs(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    services.set_priority(
        ticket, impact="high", urgency="high", actor=staff["l1"], now=at(2026, 3, 2, 9, 5)
    )
    assert ticket.priority == "P1"
    assert ticket.fulfilment_due_at == at(2026, 3, 3, 9)  # 8 working hours
    services.set_priority(
        ticket, impact="low", urgency="low", actor=staff["l1"], now=at(2026, 3, 2, 9, 6)
    )
    assert ticket.priority == "P6" and ticket.fulfilment_due_at is None


def test_confidential_complaints(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"], sc="WBSM.01.01", ticket_type=TicketType.COMPLAINT)
    assert ticket.confidential


def test_reopen_within_the_window(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    services.answer(ticket, "Jawaban.", actor=staff["l1"], now=at(2026, 3, 2, 10))
    services.confirm_and_close(ticket, "", actor=staff["l1"], now=at(2026, 3, 2, 11))
    with pytest.raises(TicketError):
        services.reopen(
            ticket, "Masih error", window=timedelta(days=7), actor=None, now=at(2026, 3, 20, 9)
        )
    services.reopen(
        ticket,
        "Masih error",
        window=timedelta(days=7),
        actor=None,
        now=at(2026, 3, 4, 9),
        actor_label="Sri Operator",
    )
    assert ticket.status is TicketStatus.OPEN and ticket.reopen_count == 1
    assert services.clock_of(ticket).closed_at is None


def test_forward_to_a_linked_unit(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"], sc="ITSM.01.03.01.a")
    services.forward_external(
        ticket,
        "Ditjen Anggaran",
        "Silakan hubungi DJA.",
        close=True,
        actor=staff["l1"],
        now=at(2026, 3, 2, 10),
    )
    assert ticket.forwarded_unit == "Ditjen Anggaran"
    assert ticket.close_reason is CloseReason.FORWARDED


def test_ola_target_sets_the_l2_due_date(db_session, staff):
    sitp = unit(db_session, "DIT-SITP")
    services.set_ola(sitp, 16, actor=staff["admin"], now=at(2026, 3, 1, 9))
    ticket = new_ticket(db_session, staff["l1"])
    services.escalate(
        ticket,
        Level.L2,
        note="Analisis.",
        team_unit=sitp,
        actor=staff["l1"],
        now=at(2026, 3, 2, 10),
    )
    assert ticket.ola_due_at == at(2026, 3, 4, 10)
    services.answer(ticket, "Jawaban L2.", actor=staff["l2"], now=at(2026, 3, 3, 9))
    assert ticket.l2_answered_at == at(2026, 3, 3, 9)


def test_escalation_while_waiting_keeps_waiting_and_is_on_the_timeline(db_session, staff):
    ticket = new_ticket(db_session, staff["l1"])
    services.request_documents(ticket, "Mohon dokumen.", actor=staff["l1"], now=at(2026, 3, 2, 10))
    services.escalate(
        ticket, Level.KEPALA_SEKSI, note="Perlu arahan.", actor=staff["l1"], now=at(2026, 3, 2, 11)
    )
    assert ticket.status is TicketStatus.WAITING and ticket.level is Level.KEPALA_SEKSI
    assert ticket.events[-1].action == "escalated" and ticket.events[-1].body == "Perlu arahan."
    services.requester_answered(ticket, "Terlampir.", now=at(2026, 3, 3, 9))
    assert ticket.status is TicketStatus.ESCALATED
