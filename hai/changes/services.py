"""Change request rules (PER-8 Pasal 17, 22(6)): submitting, linking the product owner, the
CAB's assessment, votes and decision, the Manajer Perubahan's implementation and review, and
telling the requester at each step. Views and the API call these; nothing else writes an RFC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from hai.audit.services import record
from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.changes.models import (
    CabMember,
    ChangeCategory,
    ChangeEvent,
    ChangeImpact,
    ChangeRequest,
    ChangeResult,
    ChangeStatus,
    ChangeVote,
    Decision,
)
from hai.errors import RuleError
from hai.extensions import db
from hai.web.timefmt import WIB, today_wib

TEXT_LIMIT = 20_000
DEFAULT_HOME_UNIT = "DIT-SITP"  # the unit running HAI-DJPb


class ChangeError(RuleError):
    """A change-management rule refused the change."""


@dataclass
class ChangeData:
    title: str
    description: str
    justification: str = ""
    in_catalog: bool = True
    service_id: int | None = None
    catalog_change: bool = False
    requester_name: str = ""
    requester_email: str = ""
    requester_unit: str = ""
    ticket_number: str = ""


# --- who is who ----------------------------------------------------------------------------------


def home_unit_code() -> str:
    return current_app.config.get("HAI_HOME_UNIT", DEFAULT_HOME_UNIT)


def active_member(user) -> CabMember | None:
    """The user's CAB seat, if they hold the CAB role and an active seat."""
    if user is None or Role.CAB not in user.roles:
        return None
    return db.session.scalar(
        select(CabMember).where(CabMember.user_id == user.id, CabMember.active.is_(True))
    )


def _counts_for_quorum(member: CabMember) -> bool:
    unit = member.user.unit
    return (
        member.eselon3
        and member.active
        and member.user.is_active
        and Role.CAB in member.user.roles
        and unit is not None
        and unit.code == home_unit_code()
    )


def composition_problem() -> str | None:
    """Why the CAB as composed cannot decide, or None (Pasal 22(6)b)."""
    members = list(db.session.scalars(select(CabMember).where(CabMember.active.is_(True))))
    if not members:
        return "CAB belum memiliki anggota."
    if not any(_counts_for_quorum(m) for m in members):
        return (
            "CAB harus memiliki sedikitnya satu pejabat Eselon III dari unit penyelenggara "
            "HAI-DJPb."
        )
    return None


def _users_with(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.is_active.is_(True))
        )
    )


def add_member(user: User, *, eselon3: bool, now: datetime, actor) -> CabMember:
    if Role.CAB not in user.roles:
        raise ChangeError(
            "Hanya pengguna dengan peran Anggota CAB yang dapat duduk di CAB.", "user"
        )
    member = db.session.scalar(select(CabMember).where(CabMember.user_id == user.id))
    if member is None:
        member = CabMember(user_id=user.id, since=today_wib(now))
        db.session.add(member)
    member.eselon3, member.active = eselon3, True
    db.session.flush()
    record("change.cab_member_set", now=now, actor=actor, target=user, eselon3=eselon3)
    return member


def remove_member(member: CabMember, *, now: datetime, actor) -> None:
    """End a seat; the last Eselon III official of the unit running HAI-DJPb stays until
    another one joins (otherwise the CAB could no longer decide)."""
    others = [m for m in _active_members() if m.id != member.id]
    if _counts_for_quorum(member) and not any(_counts_for_quorum(m) for m in others):
        raise ChangeError(
            "Ini pejabat Eselon III terakhir dari unit penyelenggara HAI-DJPb di CAB; "
            "tambahkan penggantinya terlebih dahulu."
        )
    member.active = False
    db.session.flush()
    record("change.cab_member_removed", now=now, actor=actor, target=member.user)


# --- the timeline and telling the requester ------------------------------------------------------


def _event(
    change: ChangeRequest, action: str, text: str, *, now: datetime, actor=None, public=False
) -> None:
    from hai.mail.services import enqueue
    from hai.tickets.models import Notification

    change.events.append(
        ChangeEvent(
            at=now, actor_id=getattr(actor, "id", None), action=action, text=text, public=public
        )
    )
    db.session.flush()
    if not public:
        return
    n = len(change.events)
    enqueue(
        to=change.requester_email,
        subject=f"[{change.number}] {change.status.label}: {change.title}",
        body=(
            f"Yth. {change.requester_name},\n\n"
            f'Permintaan perubahan layanan Anda {change.number} "{change.title}":\n\n'
            f"{text}\n\nStatus: {change.status.label}.\n\nHAI-DJPb"
        ),
        now=now,
        subject_type="change",
        subject_id=change.id,
        dedupe_key=f"change:{change.id}:{n}",
    )
    if change.requester_id is not None:
        db.session.add(
            Notification(
                user_id=change.requester_id,
                at=now,
                text=f"{change.number}: {change.status.label}"[:300],
                dedupe_key=f"change:{change.id}:{n}:requester",
                link=f"changes.portal_detail?change_id={change.id}",
            )
        )


def _notify(users, change: ChangeRequest, text: str, key: str, *, now: datetime) -> None:
    from hai.tickets.models import Notification

    for user in users:
        db.session.add(
            Notification(
                user_id=user.id,
                at=now,
                text=text[:300],
                dedupe_key=f"change:{change.id}:{key}:{user.id}",
                link=f"changes.detail?change_id={change.id}",
            )
        )
    db.session.flush()


def _text(value: str | None, field: str, *, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ChangeError(required, field)
    if len(value) > TEXT_LIMIT:
        raise ChangeError("Paling banyak 20.000 karakter.", field)
    return value


# --- submitting ----------------------------------------------------------------------------------


def submit(data: ChangeData, *, now: datetime, requester: User | None, recorded_by=None):
    """Record a request for change (from the portal, or recorded by staff for a caller)."""
    from hai.catalog.models import CatalogService
    from hai.catalog.queries import version_in_force
    from hai.mail.services import normalize_address
    from hai.tickets.models import Ticket

    title = _text(data.title, "title", required="Judul wajib diisi.")[:200]
    description = _text(data.description, "description", required="Uraian perubahan wajib diisi.")
    if requester is not None:
        name, email = requester.name, requester.email
        unit = requester.unit.name if requester.unit else data.requester_unit
    else:
        name = _text(data.requester_name, "requester_name", required="Nama pemohon wajib diisi.")
        try:
            email = normalize_address(data.requester_email or "")
        except RuleError:
            raise ChangeError("Alamat email pemohon tidak valid.", "requester_email") from None
        if not email:
            raise ChangeError("Email pemohon wajib diisi.", "requester_email")
        unit = data.requester_unit
    service = None
    if data.in_catalog:
        version = version_in_force(today_wib(now))
        service = db.session.get(CatalogService, data.service_id) if data.service_id else None
        if service is None or version is None or service.version_id != version.id:
            raise ChangeError(
                "Pilih layanan katalog yang berlaku, atau tandai perubahan di luar katalog.",
                "service_id",
            )
    ticket = None
    if data.ticket_number.strip():
        ticket = db.session.scalar(
            select(Ticket).where(Ticket.number == data.ticket_number.strip().upper())
        )
        if ticket is None:
            raise ChangeError("Tiket tidak ditemukan.", "ticket_number")
    change = ChangeRequest(
        title=title,
        description=description,
        justification=_text(data.justification, "justification"),
        in_catalog=data.in_catalog,
        service_id=service.id if service else None,
        catalog_change=data.catalog_change,
        requester_id=requester.id if requester else None,
        requester_name=name[:120],
        requester_email=email,
        requester_unit=(unit or "")[:200],
        recorded_by_id=getattr(recorded_by, "id", None),
        ticket_id=ticket.id if ticket else None,
        created_at=now,
        events=[],
        votes=[],
    )
    db.session.add(change)
    db.session.flush()
    change.number = f"RFC-{now.astimezone(WIB).year}-{change.id:05d}"
    actor = recorded_by or requester
    _event(
        change,
        "submitted",
        "Permintaan perubahan diterima HAI-DJPb dan akan dibahas oleh Change Advisory Board "
        "(CAB) setelah pemilik produk terkait ditetapkan.",
        now=now,
        actor=actor,
        public=True,
    )
    _notify(
        _users_with(Role.MANAJER_LAYANAN) + _users_with(Role.KEPALA_SEKSI),
        change,
        f"RFC baru {change.number}: tetapkan pemilik produk lalu teruskan ke CAB.",
        "submitted",
        now=now,
    )
    record("change.submitted", now=now, actor=actor, target=change, number=change.number)
    return change


def _require(change: ChangeRequest, *states: ChangeStatus, message: str) -> None:
    if change.status not in states:
        raise ChangeError(message)


def link_owner(change: ChangeRequest, unit, contact: str, *, now: datetime, actor, ci=None) -> None:
    """HAI-DJPb links the product owner (Pasal 22(6)b) and the configuration item the change
    is about, and sends the request to the CAB."""
    _require(
        change,
        ChangeStatus.SUBMITTED,
        ChangeStatus.ASSESSED,
        ChangeStatus.DEFERRED,
        message="Pemilik produk hanya dapat diubah sebelum keputusan CAB.",
    )
    if unit is None:
        raise ChangeError("Pilih unit pemilik produk.", "owner_unit_id")
    first = change.owner_unit_id is None
    change.owner_unit_id = unit.id
    change.owner_contact = _text(contact, "owner_contact")[:200]
    if ci is not None and not ci.is_active and ci.id != change.ci_id:
        raise ChangeError("Item konfigurasi itu tidak aktif.", "ci_id")
    change.ci_id = ci.id if ci is not None else None
    _event(
        change,
        "owner_linked",
        f"Pemilik produk: {unit.name}"
        + (f" ({change.owner_contact})" if change.owner_contact else ""),
        now=now,
        actor=actor,
    )
    if first:
        _notify(
            [m.user for m in _active_members()],
            change,
            f"RFC {change.number} menunggu penilaian CAB: {change.title}",
            "to_cab",
            now=now,
        )
    record("change.owner_linked", now=now, actor=actor, target=change, unit=unit.code)


def _active_members() -> list[CabMember]:
    return list(db.session.scalars(select(CabMember).where(CabMember.active.is_(True))))


def _require_member(actor) -> CabMember:
    member = active_member(actor)
    if member is None:
        raise ChangeError("Hanya anggota CAB yang aktif yang dapat melakukan ini.")
    return member


# --- the CAB -------------------------------------------------------------------------------------


def assess(
    change: ChangeRequest,
    *,
    category: ChangeCategory,
    impact: ChangeImpact,
    assessment: str,
    planned_start: date,
    planned_end: date,
    now: datetime,
    actor,
) -> None:
    """The CAB's analysis: category and impact, and when the change would be made."""
    _require(
        change,
        ChangeStatus.SUBMITTED,
        ChangeStatus.ASSESSED,
        ChangeStatus.DEFERRED,
        message="Penilaian hanya untuk RFC yang belum diputuskan.",
    )
    _require_member(actor)
    if change.owner_unit_id is None:
        raise ChangeError("Tetapkan pemilik produk terlebih dahulu.", "category")
    if planned_start < today_wib(now):
        raise ChangeError("Jadwal mulai tidak boleh di masa lalu.", "planned_start")
    if planned_end < planned_start:
        raise ChangeError("Jadwal selesai sebelum jadwal mulai.", "planned_end")
    change.category, change.impact = category, impact
    change.assessment = _text(assessment, "assessment", required="Uraikan analisis CAB.")
    change.planned_start, change.planned_end = planned_start, planned_end
    change.assessed_at, change.assessed_by_id = now, actor.id
    change.status = ChangeStatus.ASSESSED
    change.votes.clear()  # a new assessment asks for new votes
    _event(
        change,
        "assessed",
        f"CAB menilai permintaan Anda: kategori {category.label.lower()}, dampak "
        f"{impact.label.lower()}, dijadwalkan {planned_start:%d-%m-%Y} s.d. "
        f"{planned_end:%d-%m-%Y}. Keputusan CAB akan disampaikan.",
        now=now,
        actor=actor,
        public=True,
    )
    record("change.assessed", now=now, actor=actor, target=change, category=category.value)


def vote(change: ChangeRequest, decision: Decision, comment: str, *, now: datetime, actor) -> None:
    _require_member(actor)
    _require(
        change,
        ChangeStatus.ASSESSED,
        message="Pemungutan suara hanya untuk RFC yang sudah dinilai.",
    )
    existing = next((v for v in change.votes if v.member_id == actor.id), None)
    if existing is None:
        existing = ChangeVote(member_id=actor.id, vote=decision, at=now)
        change.votes.append(existing)
    existing.vote, existing.comment, existing.at = decision, _text(comment, "comment"), now
    db.session.flush()
    record("change.voted", now=now, actor=actor, target=change, vote=decision.value)


def decide(change: ChangeRequest, decision: Decision, reason: str, *, now: datetime, actor) -> None:
    """The CAB's decision with its reason. It needs a CAB composed as the regulation says,
    and the vote (or the decision) of one of its Eselon III officials of the unit running
    HAI-DJPb."""
    _require_member(actor)
    _require(change, ChangeStatus.ASSESSED, message="RFC harus dinilai CAB sebelum diputuskan.")
    reason = _text(reason, "reason", required="Alasan keputusan wajib diisi.")
    problem = composition_problem()
    if problem:
        raise ChangeError(problem, "decision")
    voters = {v.member_id for v in change.votes} | {actor.id}
    seats = db.session.scalars(select(CabMember).where(CabMember.user_id.in_(voters))).all()
    if not any(_counts_for_quorum(m) for m in seats):
        raise ChangeError(
            "Keputusan memerlukan suara pejabat Eselon III unit penyelenggara HAI-DJPb di CAB.",
            "decision",
        )
    change.decision, change.decision_reason = decision, reason
    change.decided_at, change.decided_by_id = now, actor.id
    change.status = {
        Decision.APPROVE: ChangeStatus.APPROVED,
        Decision.REJECT: ChangeStatus.REJECTED,
        Decision.DEFER: ChangeStatus.DEFERRED,
    }[decision]
    _event(
        change,
        "decided",
        f"Keputusan CAB: {change.status.label.lower()}. Alasan: {reason}",
        now=now,
        actor=actor,
        public=True,
    )
    if decision is Decision.APPROVE:
        _notify(
            _users_with(Role.MANAJER_PERUBAHAN),
            change,
            f"RFC {change.number} disetujui CAB: laksanakan sesuai jadwal.",
            "approved",
            now=now,
        )
    record("change.decided", now=now, actor=actor, target=change, decision=decision.value)


# --- the Manajer Perubahan -----------------------------------------------------------------------


def start(change: ChangeRequest, *, now: datetime, actor) -> None:
    _require(
        change,
        ChangeStatus.APPROVED,
        message="Hanya RFC yang disetujui CAB yang dapat dilaksanakan.",
    )
    change.status, change.started_at = ChangeStatus.IN_PROGRESS, now
    _event(change, "started", "Perubahan mulai dilaksanakan.", now=now, actor=actor, public=True)
    record("change.started", now=now, actor=actor, target=change)


def create_catalog_draft(change: ChangeRequest, *, now: datetime, actor):
    """A change to the catalog itself: a new draft catalog version, copied from the one in
    force, linked to the request (the administrators edit and activate it)."""
    from hai.catalog.queries import version_in_force
    from hai.catalog.services import create_draft

    _require(
        change, ChangeStatus.IN_PROGRESS, message="Buat versi katalog saat perubahan dilaksanakan."
    )
    if not change.catalog_change:
        raise ChangeError("RFC ini bukan perubahan katalog layanan.")
    if change.catalog_version_id is not None:
        raise ChangeError("Versi katalog untuk RFC ini sudah dibuat.")
    source = version_in_force(today_wib(now))
    if source is None:
        raise ChangeError("Tidak ada versi katalog yang berlaku untuk disalin.")
    draft = create_draft(
        source,
        code=f"{source.code}-{change.number}"[:32],
        title=f"Perubahan katalog {change.number}: {change.title}"[:200],
        now=now,
        actor=actor,
    )
    draft.notes = f"Dibuat dari {change.number} yang disetujui CAB."
    change.catalog_version_id = draft.id
    _event(
        change, "catalog_draft", f"Draf versi katalog {draft.code} dibuat.", now=now, actor=actor
    )
    return draft


def record_implementation(
    change: ChangeRequest, result: ChangeResult, note: str, *, now: datetime, actor
) -> None:
    _require(
        change, ChangeStatus.IN_PROGRESS, message="Catat pelaksanaan setelah perubahan dimulai."
    )
    note = _text(note, "implementation", required="Uraikan pelaksanaan perubahan.")
    if (
        change.catalog_change
        and result in (ChangeResult.SUCCESS, ChangeResult.PARTIAL)
        and change.catalog_version_id is None
    ):
        raise ChangeError(
            "Perubahan katalog berakhir dengan versi katalog baru: buat drafnya dahulu.", "result"
        )
    change.result, change.implementation = result, note
    change.implemented_at, change.implemented_by_id = now, actor.id
    change.status = ChangeStatus.IMPLEMENTED
    _event(
        change,
        "implemented",
        f"Perubahan selesai dilaksanakan: {result.label.lower()}. {note}",
        now=now,
        actor=actor,
        public=True,
    )
    problems = fixed_problems(change)
    if problems:
        _notify(
            _users_with(Role.MANAJER_LAYANAN),
            change,
            f"{change.number} selesai dilaksanakan ({result.label.lower()}); periksa masalah "
            + ", ".join(p.number for p in problems)
            + " yang diperbaikinya.",
            "implemented_problems",
            now=now,
        )
    record("change.implemented", now=now, actor=actor, target=change, result=result.value)


def fixed_problems(change: ChangeRequest) -> list:
    """The problems whose permanent fix is this change (Pasal 22(4))."""
    from hai.problems.models import Problem

    return list(
        db.session.scalars(
            select(Problem).where(Problem.fix_change_id == change.id).order_by(Problem.id)
        )
    )


def review(change: ChangeRequest, note: str, *, now: datetime, actor) -> None:
    """The post-implementation review closes the request."""
    _require(change, ChangeStatus.IMPLEMENTED, message="Tinjauan dilakukan setelah pelaksanaan.")
    change.review = _text(note, "review", required="Uraikan hasil tinjauan.")
    change.reviewed_at, change.reviewed_by_id = now, actor.id
    change.status = ChangeStatus.CLOSED
    _event(
        change,
        "closed",
        "Tinjauan pasca-pelaksanaan selesai; permintaan perubahan ditutup.",
        now=now,
        actor=actor,
        public=True,
    )
    record("change.closed", now=now, actor=actor, target=change)
