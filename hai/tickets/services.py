"""Ticket state changes (PER-8 Pasal 13–15, 25–28). Every function takes the actor
and the time explicitly; views, the API, the scheduler and the tests call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from hai.audit.services import record
from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.errors import RuleError
from hai.extensions import db
from hai.sla import clocks
from hai.sla.calendars import calendar_for
from hai.sla.models import SlaClock
from hai.sla.norms import load_norms
from hai.sla.policy import LEVELS, PRIORITIES, Targets
from hai.tickets.models import (
    CloseReason,
    EventKind,
    Level,
    OlaTarget,
    Requester,
    Ticket,
    TicketEvent,
    TicketStatus,
    TicketType,
)
from hai.web.timefmt import WIB

SUBJECT = "ticket"
CONFIDENTIAL_SERVICES = ("WBSM.01",)  # complaints / whistleblowing
# Channels whose completeness check is skipped (PER-8 Pasal 27: WhatsApp and social media).
NO_COMPLETENESS = {"whatsapp", "twitter", "instagram", "facebook", "youtube"}
FUTURE_TOLERANCE = timedelta(minutes=2)


class TicketError(RuleError):
    """A ticket rule refused the change."""


class AccessRefused(TicketError):
    """The catalog's access matrix excludes the requester's user type from the service."""


def check_service_access(service: CatalogService, user_type: int | None) -> None:
    """Refuse a service the access matrix (002 §D.2) does not open to ``user_type``.

    The one rule shared by every channel where the requester chooses the service
    themselves (the portal, the API). ``create_ticket`` does not call it: an agent
    may record any request, and triage refuses it (``catalog_problem``, ``refuse``).
    """
    if user_type is None or not service.allows(user_type):
        raise AccessRefused(
            f"Layanan {service.code} tidak tersedia bagi jenis pengguna "
            f"{user_type if user_type is not None else '-'} (matriks akses katalog).",
            "service",
        )


@dataclass(frozen=True)
class RequesterData:
    name: str
    email: str = ""
    phone: str = ""
    user_type: int | None = None
    satker_name: str = ""
    satker_code: str = ""
    requester_id: int | None = None


def _mirror(clock: SlaClock, targets: Targets) -> None:
    ticket = db.session.get(Ticket, clock.subject_id)
    if ticket is None:
        return
    ticket.response_due_at = targets.response.due
    ticket.fulfilment_due_at = targets.fulfilment.due
    ticket.response_risk_at = targets.response.at_risk
    ticket.fulfilment_risk_at = targets.fulfilment.at_risk


clocks.MIRRORS[SUBJECT] = _mirror


def clock_of(ticket: Ticket) -> SlaClock:
    clock = db.session.scalar(
        select(SlaClock).where(SlaClock.subject_type == SUBJECT, SlaClock.subject_id == ticket.id)
    )
    if clock is None:
        raise TicketError("Tiket ini tidak memiliki jam SLA.")
    return clock


def _event(ticket, kind, *, now, actor=None, action="", body="", actor_label="", **data):
    # Every entry changes the ticket: touch its row so the version goes up and a page
    # opened before this change is refused as stale (optimistic locking).
    flag_modified(ticket, "status")
    event = TicketEvent(
        ticket=ticket,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label or getattr(actor, "name", "") or "Sistem",
        kind=kind,
        action=action,
        body=body,
        data=data,
    )
    db.session.add(event)
    return event


def _notify_requester(ticket: Ticket, subject: str, body: str, *, now, key: str) -> None:
    """Tell the requester by email (through the outbox) when there is an address."""
    if not ticket.requester_email:
        return
    from hai.mail.services import enqueue

    try:
        enqueue(
            to=ticket.requester_email,
            subject=f"[{ticket.number}] {subject}",
            body=body,
            now=now,
            subject_type=SUBJECT,
            subject_id=ticket.id,
            dedupe_key=f"ticket:{ticket.id}:{key}",
        )
    except RuleError:
        # A malformed address must not block the agent's action; the timeline shows it.
        _event(
            ticket,
            EventKind.STATUS,
            now=now,
            action="email_skipped",
            body=f"Email ke {ticket.requester_email!r} tidak dapat dikirim (alamat tidak valid).",
        )


# --- intake --------------------------------------------------------------------------


def find_or_create_requester(data: RequesterData, *, now: datetime) -> Requester:
    if data.requester_id:
        found = db.session.get(Requester, data.requester_id)
        if found is None:
            raise TicketError("Pemohon tidak ditemukan.", "requester_id")
        return found
    if data.email:
        found = db.session.scalar(
            select(Requester).where(Requester.email == data.email.strip().lower()).limit(1)
        )
        if found is not None:
            return found
    requester = Requester(
        name=data.name.strip(),
        email=data.email.strip().lower(),
        phone=data.phone.strip(),
        user_type=data.user_type,
        satker_name=data.satker_name.strip(),
        satker_code=data.satker_code.strip(),
        created_at=now,
    )
    db.session.add(requester)
    db.session.flush()
    return requester


def intake_level(channel_code: str) -> Level:
    """Where a new ticket starts: walk-in questions through HAI CSO with the office's
    CSO, everything else with L1 (PER-8 Pasal 13, 16)."""
    return Level.CSO if channel_code == "hai_cso" else Level.L1


def create_ticket(
    *,
    channel_code: str,
    received_at: datetime,
    requester: RequesterData,
    subject: str,
    description: str,
    ticket_type: TicketType = TicketType.QUESTION,
    scope: CatalogScope | None = None,
    service: CatalogService | None = None,
    recording_ref: str = "",
    level: Level = Level.L1,
    office_unit_id: int | None = None,
    now: datetime,
    actor,
    actor_label: str = "",
) -> Ticket:
    """Record a request as a ticket, with its SLA clock started at receipt.

    ``actor`` is the staff member who records it, or None when it arrives on its own
    (an integration, an email); ``actor_label`` then names the source on the timeline.
    """
    subject, description = subject.strip(), description.strip()
    if not requester.name.strip():
        raise TicketError("Nama pemohon wajib diisi.", "requester_name")
    if not subject:
        raise TicketError("Subjek wajib diisi.", "subject")
    if received_at.tzinfo is None:
        raise TicketError("Waktu diterima harus dengan zona waktu.", "received_at")
    if received_at > now + FUTURE_TOLERANCE:
        raise TicketError("Waktu diterima tidak boleh di masa depan.", "received_at")
    if requester.user_type is not None and not 1 <= requester.user_type <= 11:
        raise TicketError("Jenis pengguna harus 1 sampai 11.", "requester_user_type")
    version = version_in_force(received_at.astimezone(WIB).date())
    if version is None:
        raise TicketError("Tidak ada katalog layanan yang berlaku pada waktu itu.", "received_at")
    if scope is not None:
        service = scope.service
    if service is not None and service.version_id != version.id:
        raise TicketError(
            f"Layanan yang dipilih bukan bagian dari katalog {version.code} yang berlaku "
            "pada waktu permintaan diterima.",
            "scope",
        )
    person = find_or_create_requester(requester, now=now)
    ticket = Ticket(
        channel_code=channel_code,
        received_at=received_at,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        recording_ref=recording_ref.strip(),
        requester=person,
        requester_name=requester.name.strip(),
        requester_email=requester.email.strip().lower(),
        requester_phone=requester.phone.strip(),
        requester_user_type=requester.user_type,
        satker_name=requester.satker_name.strip(),
        satker_code=requester.satker_code.strip(),
        version=version,
        service=service,
        scope=scope,
        subject=subject,
        description=description,
        type=ticket_type,
        status=TicketStatus.NEW,
        level=level,
        office_unit_id=office_unit_id,
        confidential=bool(service and service.code.startswith(CONFIDENTIAL_SERVICES)),
    )
    db.session.add(ticket)
    db.session.flush()
    year = received_at.astimezone(WIB).year
    ticket.number = f"HAI-{year}-{ticket.id:06d}"
    clocks.open_clock(
        subject_type=SUBJECT,
        subject_id=ticket.id,
        version=version,
        channel_code=channel_code,
        received_at=received_at,
        scope=scope,
        service=service,
    )
    _event(
        ticket,
        EventKind.CREATED,
        now=now,
        actor=actor,
        actor_label=actor_label,
        action="created",
        body=description,
        channel=channel_code,
        recording_ref=recording_ref or None,
    )
    record(
        "ticket.created",
        now=now,
        actor=actor,
        actor_label=actor_label,
        target=ticket,
        number=ticket.number,
        channel=channel_code,
    )
    return ticket


# --- triage (Pasal 25) -----------------------------------------------------------------


def missing_requester_data(ticket: Ticket) -> list[str]:
    """What the completeness check finds missing (PER-8 Pasal 8(3); catalog §G.2)."""
    if ticket.channel_code in NO_COMPLETENESS:
        return []
    missing = []
    if not ticket.requester_name:
        missing.append("nama")
    if not ticket.requester_email and not ticket.requester_phone:
        missing.append("email atau telepon")
    if ticket.requester_user_type is None:
        missing.append("jenis pengguna")
    if ticket.requester_user_type in (1, 11) and not (ticket.satker_name or ticket.satker_code):
        missing.append("nama/kode satker")
    return missing


def catalog_problem(ticket: Ticket) -> CloseReason | None:
    """Why the request does not fit the catalog, if it does not (Pasal 13(6))."""
    if ticket.service is None:
        return CloseReason.REFUSED_CATALOG
    if ticket.requester_user_type is not None and not ticket.service.allows(
        ticket.requester_user_type
    ):
        return CloseReason.REFUSED_USER_TYPE
    return None


def _require_open(ticket: Ticket) -> None:
    if ticket.status is TicketStatus.CLOSED:
        raise TicketError("Tiket sudah ditutup.")


def _first_response(ticket: Ticket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        clock = clock_of(ticket)
        clock.responded_at = now


def _status(ticket, new_status, *, now, actor, action, body="", **data) -> None:
    old = ticket.status
    ticket.status = new_status
    _event(
        ticket,
        EventKind.STATUS,
        now=now,
        actor=actor,
        action=action,
        body=body,
        status={"from": old.value, "to": new_status.value},
        **data,
    )


def take(ticket: Ticket, *, actor, now: datetime) -> None:
    _require_open(ticket)
    ticket.assignee_id = actor.id
    if ticket.status is TicketStatus.NEW:
        _status(ticket, TicketStatus.OPEN, now=now, actor=actor, action="taken")
    else:
        _event(ticket, EventKind.STATUS, now=now, actor=actor, action="taken")


def assign(ticket: Ticket, assignee, *, actor, now: datetime) -> None:
    _require_open(ticket)
    ticket.assignee_id = assignee.id if assignee else None
    _event(
        ticket,
        EventKind.STATUS,
        now=now,
        actor=actor,
        action="assigned",
        body=f"Ditugaskan kepada {assignee.name}" if assignee else "Penugasan dilepas",
    )
    record(
        "ticket.assigned",
        now=now,
        actor=actor,
        target=ticket,
        assignee=getattr(assignee, "email", None),
    )


def set_priority(
    ticket: Ticket,
    *,
    impact: str | None,
    urgency: str | None,
    priority: str | None = None,
    actor,
    now: datetime,
) -> None:
    """Impact × urgency set the priority (003 §6.3); an explicit priority wins."""
    _require_open(ticket)
    if priority is None and (impact or urgency):
        if impact not in LEVELS or urgency not in LEVELS:
            raise TicketError("Isi dampak dan kepentingan bersama-sama.", "impact")
        priority = load_norms(ticket.version).priority_for(impact, urgency)
    if priority is not None and priority not in PRIORITIES:
        raise TicketError("Prioritas tidak dikenal.", "priority")
    ticket.impact, ticket.urgency, ticket.priority = impact, urgency, priority
    clocks.set_priority(clock_of(ticket), priority)
    _event(
        ticket,
        EventKind.STATUS,
        now=now,
        actor=actor,
        action="priority",
        body=f"Prioritas {priority or '-'}",
        impact=impact,
        urgency=urgency,
        priority=priority,
    )


def refuse(ticket: Ticket, reason: CloseReason, note: str, *, actor, now: datetime) -> None:
    """Refuse a request outside the catalog or from an excluded user type, telling why."""
    if reason not in (
        CloseReason.REFUSED_CATALOG,
        CloseReason.REFUSED_USER_TYPE,
        CloseReason.EXCLUDED,
    ):
        raise TicketError("Alasan penolakan tidak dikenal.", "reason")
    if not note.strip():
        raise TicketError("Tuliskan alasan yang disampaikan kepada pengguna.", "note")
    _require_open(ticket)
    _first_response(ticket, now)
    _event(
        ticket,
        EventKind.REPLY,
        now=now,
        actor=actor,
        action="refused",
        body=note.strip(),
        reason=reason.value,
    )
    _close(ticket, reason, note.strip(), actor=actor, now=now)
    _notify_requester(ticket, reason.label, note.strip(), now=now, key=f"closed:{reason.value}")


def request_documents(ticket: Ticket, message: str, *, actor, now: datetime) -> None:
    """Ask for supporting documents: the SLA clock pauses until the requester answers."""
    _require_open(ticket)
    if not message.strip():
        raise TicketError("Tuliskan dokumen atau data yang diminta.", "body")
    if ticket.status is TicketStatus.WAITING:
        raise TicketError("Tiket sudah menunggu jawaban pengguna.")
    _first_response(ticket, now)
    clocks.pause(clock_of(ticket), now=now)
    ticket.paused = True
    _event(
        ticket,
        EventKind.REPLY,
        now=now,
        actor=actor,
        action="documents_requested",
        body=message.strip(),
    )
    _status(ticket, TicketStatus.WAITING, now=now, actor=actor, action="paused")
    _notify_requester(
        ticket,
        "Mohon lengkapi data/dokumen",
        message.strip(),
        now=now,
        key=f"documents:{now.isoformat()}",
    )


def requester_answered(
    ticket: Ticket, message: str, *, now: datetime, actor=None, actor_label: str = ""
) -> timedelta:
    """The requester answered: the clock resumes, every due date moves by the pause."""
    if ticket.status is not TicketStatus.WAITING:
        raise TicketError("Tiket tidak sedang menunggu jawaban pengguna.")
    paused = clocks.resume(clock_of(ticket), now=now)
    ticket.paused = False
    _event(
        ticket,
        EventKind.REQUESTER_MESSAGE,
        now=now,
        actor=actor,
        actor_label=actor_label or ticket.requester_name,
        action="requester_answered",
        body=message.strip(),
        paused_hours=round(paused.total_seconds() / 3600, 2),
    )
    back = (
        TicketStatus.ESCALATED
        if ticket.escalated_at and not ticket.answered_at
        else TicketStatus.OPEN
    )
    _status(ticket, back, now=now, actor=actor, action="resumed")
    return paused


def requester_message(
    ticket: Ticket, body: str, *, now: datetime, actor=None, actor_label: str = "", **data
) -> TicketEvent:
    """A message from the requester on an open ticket (an email reply, for instance).

    Only the timeline changes: a ticket waiting for documents goes through
    ``requester_answered`` instead, so that its clock resumes.
    """
    _require_open(ticket)
    if not body.strip():
        raise TicketError("Pesan tidak boleh kosong.", "body")
    return _event(
        ticket,
        EventKind.REQUESTER_MESSAGE,
        now=now,
        actor=actor,
        actor_label=actor_label or ticket.requester_name,
        action="requester_message",
        body=body.strip(),
        **data,
    )


def reply(ticket: Ticket, body: str, *, actor, now: datetime) -> TicketEvent:
    _require_open(ticket)
    if not body.strip():
        raise TicketError("Balasan tidak boleh kosong.", "body")
    _first_response(ticket, now)
    event = _event(ticket, EventKind.REPLY, now=now, actor=actor, action="reply", body=body.strip())
    if ticket.status is TicketStatus.NEW:
        _status(ticket, TicketStatus.OPEN, now=now, actor=actor, action="opened")
    db.session.flush()
    _notify_requester(ticket, ticket.subject, body.strip(), now=now, key=f"reply:{event.id}")
    return event


def set_configuration_item(ticket: Ticket, ci, *, actor, now: datetime) -> None:
    """Record what is broken: the configuration item the ticket is about (or none)."""
    if (ci.id if ci else None) == ticket.ci_id:
        raise TicketError("Item konfigurasi tiket ini sudah itu.", "ci_id")
    ticket.ci_id = ci.id if ci else None
    _event(
        ticket,
        EventKind.STATUS,
        now=now,
        actor=actor,
        action="ci_set",
        body=f"Item konfigurasi: {ci.code} {ci.name}" if ci else "Item konfigurasi dilepas",
        ci_id=ticket.ci_id,
    )


def add_note(ticket: Ticket, body: str, *, actor, now: datetime) -> TicketEvent:
    if not body.strip():
        raise TicketError("Catatan tidak boleh kosong.", "body")
    return _event(ticket, EventKind.NOTE, now=now, actor=actor, action="note", body=body.strip())


def record_follow_up_check(
    ticket: Ticket, body: str, *, actor, now: datetime, **data
) -> TicketEvent:
    """QA's verification that the unit contacted the user (PER-8 Pasal 6(3)g), as an
    internal entry of the timeline; the ticket's state does not change."""
    if not body.strip():
        raise TicketError("Catatan verifikasi tidak boleh kosong.", "note")
    return _event(
        ticket,
        EventKind.NOTE,
        now=now,
        actor=actor,
        action="follow_up_verified",
        body=body.strip(),
        **data,
    )


# --- escalation (Pasal 15, 25–28) --------------------------------------------------------

ESCALATIONS: dict[Level, set[Level]] = {
    Level.CSO: {Level.KEPALA_SEKSI, Level.L1},
    Level.L1: {Level.KEPALA_SEKSI, Level.L2},
    Level.KEPALA_SEKSI: {Level.L2},
    Level.L2: {Level.L3},
    Level.L3: set(),
}


def escalate(
    ticket: Ticket, to: Level, *, note: str, actor, now: datetime, team_unit=None, assignee=None
) -> None:
    """Hand the ticket up; once escalated its fulfilment norm is the scope's (DOMAIN §5)."""
    _require_open(ticket)
    if to not in ESCALATIONS[ticket.level]:
        raise TicketError(
            f"Dari {ticket.level.label} tiket hanya dapat dieskalasi ke "
            f"{', '.join(sorted(x.label for x in ESCALATIONS[ticket.level])) or '-'}.",
            "to",
        )
    if to is Level.L2 and team_unit is None:
        raise TicketError("Pilih direktorat Layer 2 yang menangani.", "team_unit_id")
    if not note.strip():
        raise TicketError("Tuliskan alasan atau ringkasan eskalasi.", "note")
    from_level = ticket.level
    ticket.level = to
    if team_unit is not None:
        ticket.team_unit_id = team_unit.id
    ticket.assignee_id = assignee.id if assignee else None
    if ticket.escalated_at is None:
        ticket.escalated_at = now
    clock = clock_of(ticket)
    if to is not Level.L1:  # CSO → L1 is a hand-over, not yet "further handling"
        clocks.set_escalated(clock, True)
    if to is Level.L2:
        target = db.session.scalar(select(OlaTarget).where(OlaTarget.unit_id == team_unit.id))
        ticket.ola_due_at = (
            calendar_for().add(now, timedelta(hours=target.hours)) if target else None
        )
    details = dict(
        body=note.strip(),
        level={"from": from_level.value, "to": to.value},
        team_unit_id=getattr(team_unit, "id", None),
    )
    if ticket.status is TicketStatus.WAITING:
        # Still waiting for the requester: the escalation is recorded, the status stays.
        _event(ticket, EventKind.STATUS, now=now, actor=actor, action="escalated", **details)
    else:
        _status(ticket, TicketStatus.ESCALATED, now=now, actor=actor, action="escalated", **details)
    record(
        "ticket.escalated",
        now=now,
        actor=actor,
        target=ticket,
        level={"from": from_level.value, "to": to.value},
    )


def forward_external(
    ticket: Ticket, unit_name: str, note: str, *, close: bool, actor, now: datetime
) -> None:
    """Forward to, or direct the requester to, a linked external unit (catalog §F)."""
    _require_open(ticket)
    if not unit_name.strip():
        raise TicketError("Pilih unit lintas layanan.", "unit")
    ticket.forwarded_unit = unit_name.strip()
    ticket.forwarded_at = now
    _first_response(ticket, now)
    _event(
        ticket,
        EventKind.REPLY,
        now=now,
        actor=actor,
        action="forwarded",
        body=note.strip() or f"Permintaan diteruskan ke {unit_name.strip()}.",
        unit=unit_name.strip(),
    )
    if close:
        _close(ticket, CloseReason.FORWARDED, note.strip(), actor=actor, now=now)
    _notify_requester(
        ticket,
        f"Diteruskan ke {unit_name.strip()}",
        note.strip() or f"Permintaan Anda diteruskan ke {unit_name.strip()}.",
        now=now,
        key=f"forwarded:{now.isoformat()}",
    )


# --- answer, confirmation, closing, rating -------------------------------------------------


def answer(ticket: Ticket, body: str, *, actor, now: datetime) -> TicketEvent:
    """The answer to the requester; the agent who answers confirms and closes (Pasal 14(2))."""
    _require_open(ticket)
    if ticket.status is TicketStatus.WAITING:
        raise TicketError("Tiket sedang menunggu jawaban pengguna.")
    if not body.strip():
        raise TicketError("Jawaban tidak boleh kosong.", "body")
    _first_response(ticket, now)
    ticket.answered_at = now
    ticket.answered_by_id = actor.id
    if ticket.level in (Level.L2, Level.L3) and ticket.l2_answered_at is None:
        ticket.l2_answered_at = now
    event = _event(
        ticket, EventKind.REPLY, now=now, actor=actor, action="answered", body=body.strip()
    )
    _status(ticket, TicketStatus.ANSWERED, now=now, actor=actor, action="answered")
    db.session.flush()
    _notify_requester(
        ticket, f"Jawaban atas: {ticket.subject}", body.strip(), now=now, key=f"answer:{event.id}"
    )
    return event


def answer_and_close(ticket: Ticket, body: str, *, note: str, actor, now: datetime) -> TicketEvent:
    """Answer and close at once, when the cause was fixed outside the ticket (a problem
    closed, PER-8 Pasal 22(4)): the requester gets the answer as for any answer, and a
    ticket waiting for documents stops waiting, since nothing more is needed from them.
    The requester may still reopen it within the reopening window."""
    _require_open(ticket)
    if ticket.status is TicketStatus.WAITING:
        clocks.resume(clock_of(ticket), now=now)
        ticket.paused = False
        _status(ticket, TicketStatus.OPEN, now=now, actor=actor, action="resumed")
    event = answer(ticket, body, actor=actor, now=now)
    _close(ticket, CloseReason.RESOLVED, note.strip(), actor=actor, now=now)
    return event


def _close(ticket: Ticket, reason: CloseReason, note: str, *, actor, now: datetime) -> None:
    ticket.close_reason = reason
    ticket.close_note = note
    ticket.closed_at = now
    clock = clock_of(ticket)
    clocks.close(clock, now=now)
    ticket.paused = False
    _status(
        ticket,
        TicketStatus.CLOSED,
        now=now,
        actor=actor,
        action="closed",
        body=note,
        reason=reason.value,
    )
    record("ticket.closed", now=now, actor=actor, target=ticket, reason=reason.value)


def confirm_and_close(ticket: Ticket, note: str, *, actor, now: datetime) -> None:
    """Final confirmation with the requester, by the agent who answered (Pasal 14(2))."""
    if ticket.status is not TicketStatus.ANSWERED:
        raise TicketError("Tiket harus dijawab sebelum dikonfirmasi dan ditutup.")
    if ticket.answered_by_id != actor.id and not actor.has_role(Role.MANAJER_LAYANAN):
        raise TicketError("Konfirmasi akhir dilakukan oleh agen yang menjawab.")
    _close(ticket, CloseReason.RESOLVED, note.strip(), actor=actor, now=now)


def requester_confirms(ticket: Ticket, *, now: datetime, actor) -> None:
    """The requester confirms the answer themselves (through the portal): the ticket
    closes as resolved, as the agent's final confirmation would close it."""
    if ticket.status is not TicketStatus.ANSWERED:
        raise TicketError("Hanya tiket yang sudah dijawab yang dapat dikonfirmasi.")
    note = "Dikonfirmasi pemohon melalui portal"
    _close(ticket, CloseReason.RESOLVED, note, actor=actor, now=now)


def reopen(
    ticket: Ticket, reason: str, *, window: timedelta, actor, now: datetime, actor_label: str = ""
) -> None:
    if ticket.status is not TicketStatus.CLOSED:
        raise TicketError("Hanya tiket yang sudah ditutup yang dapat dibuka kembali.")
    if ticket.close_reason is not CloseReason.RESOLVED:
        raise TicketError("Tiket yang ditolak atau diteruskan tidak dapat dibuka kembali.")
    if now - ticket.closed_at > window:
        raise TicketError("Batas waktu untuk membuka kembali tiket sudah lewat.")
    if not reason.strip():
        raise TicketError("Tuliskan alasan membuka kembali.", "reason")
    ticket.reopen_count += 1
    ticket.closed_at = None
    ticket.close_reason = None
    ticket.answered_at = None
    clock = clock_of(ticket)
    clock.closed_at = None
    _event(
        ticket,
        EventKind.REQUESTER_MESSAGE,
        now=now,
        actor=actor,
        actor_label=actor_label,
        action="reopened",
        body=reason.strip(),
    )
    _status(ticket, TicketStatus.OPEN, now=now, actor=actor, action="reopened")


def rate(ticket: Ticket, rating: int, feedback: str, *, now: datetime, actor=None) -> None:
    """The requester's final feedback and rating (Pasal 8(2)b)."""
    if ticket.status is not TicketStatus.CLOSED or ticket.close_reason is not CloseReason.RESOLVED:
        raise TicketError("Penilaian diberikan setelah tiket selesai dijawab.")
    if not 1 <= rating <= 5:
        raise TicketError("Nilai harus 1 sampai 5.", "rating")
    ticket.rating = rating
    ticket.feedback = feedback.strip()
    ticket.rated_at = now
    _event(
        ticket,
        EventKind.REQUESTER_MESSAGE,
        now=now,
        actor=actor,
        actor_label=ticket.requester_name,
        action="rated",
        body=feedback.strip(),
        rating=rating,
    )


def set_ola(unit, hours: int, *, actor, now: datetime) -> OlaTarget:
    if not 1 <= hours <= 2000:
        raise TicketError("Target OLA antara 1 dan 2000 jam kerja.", "hours")
    row = db.session.scalar(select(OlaTarget).where(OlaTarget.unit_id == unit.id))
    if row is None:
        row = OlaTarget(unit_id=unit.id, hours=hours, updated_at=now)
        db.session.add(row)
    before, row.hours = row.hours, hours
    row.updated_at, row.updated_by_id = now, actor.id
    db.session.flush()
    record("ticket.ola_set", now=now, actor=actor, target=unit, hours={"from": before, "to": hours})
    return row
