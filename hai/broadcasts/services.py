"""The broadcast workflow (PER-8 Pasal 18, 29; KEP-428 Lampiran II), as plain functions
that the portal, the staff pages, the email channel and the scheduler all call.

submitted → (clarification ⇄) → in_review → approved → sending → sent, or rejected.
Nothing is sent without approval; the approved version is frozen and is the text sent.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from hai.audit.services import record
from hai.auth.models import User
from hai.auth.roles import Role
from hai.auth.services import is_official_email
from hai.broadcasts.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastEvent,
    BroadcastStatus,
    BroadcastVersion,
    RecipientGroup,
)
from hai.catalog.models import CatalogService
from hai.catalog.queries import version_in_force
from hai.errors import RuleError
from hai.extensions import db
from hai.sla import clocks
from hai.sla.models import SlaClock
from hai.tickets.services import AccessRefused, check_service_access
from hai.web.timefmt import WIB

SUBJECT = "broadcast"
SERVICE_CODE = "BMSM.01"
TITLE_MAX = 200
CONTENT_MAX = 20_000


class BroadcastError(RuleError):
    """A broadcast rule refused the change."""


@dataclass
class BroadcastRequest:
    """What the requester asks (portal form, email, or an agent recording it)."""

    title: str
    purpose: str
    content: str
    channels: list[str]
    group_ids: list[int] = field(default_factory=list)
    other_recipients: str = ""
    urgent: bool = False
    is_education: bool = False
    contact_name: str = ""
    contact_position: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def _event(b: Broadcast, action: str, *, now, actor=None, body="", to_requester=False, **data):
    event = BroadcastEvent(
        broadcast=b,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "name", "") or "Sistem",
        action=action,
        body=body,
        to_requester=to_requester,
        data=data,
    )
    db.session.add(event)
    return event


def _tell_requester(b: Broadcast, subject: str, body: str, *, now, key: str) -> None:
    from hai.mail.services import enqueue

    enqueue(
        to=b.requester_email,
        subject=f"[{b.number}] {subject}",
        body=body,
        now=now,
        subject_type=SUBJECT,
        subject_id=b.id,
        dedupe_key=f"broadcast:{b.id}:{key}",
    )


def official_domains() -> tuple[str, ...]:
    return tuple(current_app.config["HAI_OFFICIAL_DOMAINS"])


def broadcast_service(on) -> CatalogService | None:
    """BMSM.01 in the catalog version in force on the date ``on``."""
    version = version_in_force(on)
    if version is None:
        return None
    return db.session.scalar(
        select(CatalogService).where(
            CatalogService.version_id == version.id, CatalogService.code == SERVICE_CODE
        )
    )


def may_request(user: User, service: CatalogService | None, user_type: int | None = None) -> bool:
    """The catalog's access matrix says who may ask (types 8 and 9 in both versions).

    ``user_type`` stands for the account's own when a staff member asks on behalf of
    their directorate (a product owner announcing a release: hai.releases)."""
    if service is None:
        return False
    try:
        check_service_access(service, user_type or user.user_type)
    except AccessRefused:
        return False
    return True


def check_request(
    requester: User, req: BroadcastRequest, service: CatalogService, user_type: int | None = None
) -> None:
    """Every rule a request must meet on submission, each with its field (KEP-428 Lamp. II)."""
    if not may_request(requester, service, user_type):
        raise BroadcastError(
            "Permintaan broadcast hanya untuk jenis pengguna yang dibuka matriks akses "
            f"katalog bagi {SERVICE_CODE} (Direktorat Teknis Kantor Pusat dan Pimpinan DJPb: "
            "jenis pengguna 8 dan 9).",
            "title",
        )
    if not is_official_email(requester.email, official_domains()):
        raise BroadcastError(
            "Permintaan broadcast harus dari email kedinasan ("
            + ", ".join(official_domains())
            + ").",
            "title",
        )
    for value, name, label, limit in (
        (req.title, "title", "Judul", TITLE_MAX),
        (req.purpose, "purpose", "Tujuan", 2000),
        (req.content, "content", "Isi broadcast", CONTENT_MAX),
    ):
        if not (value or "").strip():
            raise BroadcastError(f"{label} wajib diisi.", name)
        if len(value) > limit:
            raise BroadcastError(f"{label} terlalu panjang (maksimum {limit} karakter).", name)
    if not req.channels:
        raise BroadcastError("Pilih sedikitnya satu kanal.", "channels")
    unknown = [c for c in req.channels if c not in {ch.value for ch in BroadcastChannel}]
    if unknown:
        raise BroadcastError("Kanal tidak dikenal: " + ", ".join(unknown) + ".", "channels")
    per_recipient = any(BroadcastChannel(c).per_recipient for c in req.channels)
    if per_recipient and not req.group_ids and not req.other_recipients.strip():
        raise BroadcastError("Pilih kelompok penerima atau tuliskan penerima lain.", "group_ids")
    # The official responsible for the content: name, position, phone and email.
    if not req.contact_name.strip():
        raise BroadcastError("Nama pejabat penanggung jawab wajib diisi.", "contact_name")
    if not req.contact_position.strip():
        raise BroadcastError(
            "Jabatan pejabat penanggung jawab (sekurang-kurangnya Eselon IV) wajib diisi.",
            "contact_position",
        )
    if not req.contact_phone.strip():
        raise BroadcastError("Telepon pejabat penanggung jawab wajib diisi.", "contact_phone")
    if not req.contact_email.strip():
        raise BroadcastError("Email pejabat penanggung jawab wajib diisi.", "contact_email")
    if not is_official_email(req.contact_email, official_domains()):
        raise BroadcastError(
            "Email pejabat penanggung jawab harus email kedinasan.", "contact_email"
        )


def _groups(ids: list[int]) -> list[RecipientGroup]:
    if not ids:
        return []
    found = list(
        db.session.scalars(
            select(RecipientGroup).where(
                RecipientGroup.id.in_(ids), RecipientGroup.is_active.is_(True)
            )
        )
    )
    if len(found) != len(set(ids)):
        raise BroadcastError("Kelompok penerima tidak dikenal.", "group_ids")
    return found


def submit(
    requester: User,
    req: BroadcastRequest,
    *,
    now: datetime,
    channel_code: str = "portal",
    received_at: datetime | None = None,
    user_type: int | None = None,
) -> Broadcast:
    """A new broadcast request, its first version, and its 8-working-hour clock.

    ``user_type``: the catalog user type a staff requester asks as (see ``may_request``)."""
    received_at = received_at or now
    service = broadcast_service(received_at.astimezone(WIB).date())
    if service is None:
        raise BroadcastError("Layanan Broadcast tidak ada di katalog yang berlaku.", "title")
    check_request(requester, req, service, user_type)
    b = Broadcast(
        requester_id=requester.id,
        requester_name=requester.name,
        requester_email=requester.email,
        requester_unit=requester.unit.name if requester.unit else "",
        channel_code=channel_code,
        received_at=received_at,
        title=req.title.strip(),
        purpose=req.purpose.strip(),
        channels=sorted(set(req.channels), key=[c.value for c in BroadcastChannel].index),
        other_recipients=req.other_recipients.strip(),
        urgent=req.urgent,
        is_education=req.is_education,
        contact_name=req.contact_name.strip(),
        contact_position=req.contact_position.strip(),
        contact_email=req.contact_email.strip().lower(),
        contact_phone=req.contact_phone.strip(),
        status=BroadcastStatus.SUBMITTED,
    )
    b.groups = _groups(req.group_ids)
    if req.urgent and BroadcastChannel.SMS.value not in b.channels:
        b.channels = [*b.channels, BroadcastChannel.SMS.value]  # urgent adds SMS (001 §5.f)
    db.session.add(b)
    db.session.flush()
    b.number = f"BRD-{received_at.astimezone(WIB).year}-{b.id:06d}"
    b.versions.append(
        BroadcastVersion(
            number=1,
            title=b.title,
            content=req.content.strip(),
            author_id=requester.id,
            author_label=requester.name,
            created_at=now,
            note="Permintaan awal",
        )
    )
    clock = clocks.open_clock(
        subject_type=SUBJECT,
        subject_id=b.id,
        version=service.version,
        channel_code=channel_code,
        received_at=received_at,
        service=service,
        escalated=True,  # the catalog norm (8 working hours) governs from receipt
    )
    b.due_at = clock.fulfilment_due_at
    _event(b, "submitted", now=now, actor=requester, body=req.purpose.strip())
    record("broadcast.submitted", now=now, actor=requester, target=b, number=b.number)
    db.session.flush()
    _tell_requester(
        b,
        "Permintaan broadcast diterima",
        f'Permintaan broadcast "{b.title}" diterima dengan nomor {b.number} dan akan '
        "diperiksa oleh petugas HAI-DJPb.",
        now=now,
        key="received",
    )
    return b


def clock_of(b: Broadcast) -> SlaClock:
    return db.session.scalar(
        select(SlaClock).where(SlaClock.subject_type == SUBJECT, SlaClock.subject_id == b.id)
    )


def _mirror(clock: SlaClock, targets) -> None:
    b = db.session.get(Broadcast, clock.subject_id)
    if b is not None:
        b.due_at = clock.fulfilment_due_at


clocks.MIRRORS[SUBJECT] = _mirror


def _require(b: Broadcast, *statuses: BroadcastStatus) -> None:
    if b.status not in statuses:
        raise BroadcastError(f"Tidak dapat dilakukan: status broadcast {b.status.label.lower()}.")


def _require_role(actor: User, *roles: Role) -> None:
    if not any(actor.has_role(r) for r in roles):
        raise BroadcastError("Peran Anda tidak dapat melakukan tindakan ini.")


# --- L1 check ----------------------------------------------------------------------


def ask_clarification(b: Broadcast, question: str, *, actor: User, now: datetime) -> None:
    """L1 (or the Kepala Seksi) asks the requester; the clock pauses until the answer."""
    _require(b, BroadcastStatus.SUBMITTED, BroadcastStatus.IN_REVIEW)
    _require_role(actor, Role.AGEN_L1, Role.KEPALA_SEKSI)
    if not question.strip():
        raise BroadcastError("Tuliskan pertanyaan untuk pemohon.", "body")
    b.status = BroadcastStatus.CLARIFICATION
    clocks.pause(clock_of(b), now=now)
    _event(b, "clarification_asked", now=now, actor=actor, body=question.strip(), to_requester=True)
    _tell_requester(
        b,
        "Mohon klarifikasi permintaan broadcast",
        question.strip(),
        now=now,
        key=f"clarify:{now.isoformat()}",
    )


def requester_clarifies(b: Broadcast, answer: str, *, actor: User, now: datetime) -> None:
    """The requester answers: the clock resumes and the request goes back to L1."""
    _require(b, BroadcastStatus.CLARIFICATION)
    if actor.id != b.requester_id:
        raise BroadcastError("Hanya pemohon yang dapat menjawab klarifikasi.")
    if not answer.strip():
        raise BroadcastError("Jawaban tidak boleh kosong.", "body")
    clocks.resume(clock_of(b), now=now)
    b.status = BroadcastStatus.SUBMITTED
    _event(b, "clarified", now=now, actor=actor, body=answer.strip(), to_requester=True)


def forward_to_kepala_seksi(b: Broadcast, note: str, *, actor: User, now: datetime) -> None:
    """Complete and within the catalog: L1 forwards it for approval."""
    _require(b, BroadcastStatus.SUBMITTED)
    _require_role(actor, Role.AGEN_L1)
    b.status = BroadcastStatus.IN_REVIEW
    b.checked_by_id = actor.id
    _event(b, "forwarded", now=now, actor=actor, body=note.strip())
    record("broadcast.checked", now=now, actor=actor, target=b, number=b.number)


# --- Kepala Seksi ------------------------------------------------------------------


def edit_draft(
    b: Broadcast, title: str, content: str, note: str, *, actor: User, now: datetime
) -> BroadcastVersion:
    """The Kepala Seksi's edit: a new version; the request's own text stays as asked."""
    _require(b, BroadcastStatus.IN_REVIEW)
    _require_role(actor, Role.KEPALA_SEKSI)
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise BroadcastError("Judul wajib diisi.", "title")
    if len(title) > TITLE_MAX:
        raise BroadcastError(f"Judul terlalu panjang (maksimum {TITLE_MAX} karakter).", "title")
    if not content:
        raise BroadcastError("Isi broadcast wajib diisi.", "content")
    if len(content) > CONTENT_MAX:
        raise BroadcastError("Isi broadcast terlalu panjang.", "content")
    current = b.current
    if title == current.title and content == current.content:
        raise BroadcastError("Tidak ada perubahan pada judul atau isi.", "content")
    version = BroadcastVersion(
        number=current.number + 1,
        title=title,
        content=content,
        author_id=actor.id,
        author_label=actor.name,
        created_at=now,
        note=(note or "").strip()[:500],
    )
    b.versions.append(version)
    b.title = title
    _event(b, "edited", now=now, actor=actor, body=version.note, version=version.number)
    record("broadcast.edited", now=now, actor=actor, target=b, version=version.number)
    db.session.flush()
    return version


def approve(b: Broadcast, sender: User, *, actor: User, now: datetime) -> None:
    """Approve the current version (frozen from now on) and assign the L1 agent to send."""
    _require(b, BroadcastStatus.IN_REVIEW)
    _require_role(actor, Role.KEPALA_SEKSI)
    if sender is None or not sender.is_active or not sender.has_role(Role.AGEN_L1):
        raise BroadcastError("Pilih agen L1 yang aktif untuk mengirim.", "sender_id")
    b.status = BroadcastStatus.APPROVED
    b.approved_by_id = actor.id
    b.approved_at = now
    b.approved_version = b.current
    b.sender_id = sender.id
    _event(
        b,
        "approved",
        now=now,
        actor=actor,
        body=f"Disetujui (versi {b.current.number}); dikirim oleh {sender.name}.",
        version=b.current.number,
        sender=sender.id,
    )
    record(
        "broadcast.approved",
        now=now,
        actor=actor,
        target=b,
        version=b.current.number,
        sender=sender.email,
    )


def reject(b: Broadcast, reason: str, *, actor: User, now: datetime) -> None:
    _require(b, BroadcastStatus.IN_REVIEW, BroadcastStatus.SUBMITTED)
    _require_role(actor, Role.KEPALA_SEKSI)
    if not reason.strip():
        raise BroadcastError("Tuliskan alasan penolakan.", "body")
    b.status = BroadcastStatus.REJECTED
    b.rejected_reason = reason.strip()
    clocks.close(clock_of(b), now=now)
    _event(b, "rejected", now=now, actor=actor, body=reason.strip(), to_requester=True)
    record("broadcast.rejected", now=now, actor=actor, target=b)
    _tell_requester(b, "Permintaan broadcast ditolak", reason.strip(), now=now, key="rejected")


def diff_lines(b: Broadcast) -> list[tuple[str, str]]:
    """What was asked against what stands now (or was approved): (kind, line) pairs,
    kind "same", "removed" or "added"."""
    asked = b.asked
    now_ = b.approved_version or b.current
    before = [f"Judul: {asked.title}", "", *asked.content.splitlines()]
    after = [f"Judul: {now_.title}", "", *now_.content.splitlines()]
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(before, after):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            out.append(("same", text))
        elif tag == "- ":
            out.append(("removed", text))
        elif tag == "+ ":
            out.append(("added", text))
    return out
