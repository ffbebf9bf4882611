"""The disaster help desk (PER-8 Pasal 21), as plain functions for the views and tests.

received → (clarifying →) analysed → forwarded → in recovery → recovered → closed.
A report filed by someone other than the office's Koordinator Kelangsungan Bisnis
must be clarified with that coordinator before it is forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from hai.audit.services import record
from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.disasters.models import (
    Answer,
    ChecklistAnswer,
    ChecklistItem,
    ChecklistTemplate,
    DisasterEvent,
    DisasterReport,
    EventType,
    ReportStatus,
    Severity,
)
from hai.errors import RuleError
from hai.extensions import db
from hai.org.models import OrgUnit
from hai.web.timefmt import WIB

# The office functions whose continuity is assessed (payments/SP2D, receipts, reporting).
FUNCTIONS = {
    "payments": "Pembayaran / penerbitan SP2D",
    "receipts": "Penerimaan negara",
    "reporting": "Akuntansi dan pelaporan",
    "services": "Layanan tatap muka (CSO)",
}
SEED_CHECKLIST = [
    ("people_safe", "Seluruh pegawai dan tamu dalam keadaan selamat"),
    ("building_usable", "Gedung kantor dapat digunakan"),
    ("power", "Aliran listrik tersedia"),
    ("network", "Jaringan komunikasi/data tersedia"),
    ("span_access", "Akses SPAN tersedia"),
    ("sakti_access", "Akses SAKTI tersedia"),
    ("payments_running", "Layanan pembayaran (SP2D) berjalan"),
    ("records_safe", "Arsip dan dokumen aman"),
    ("alternate_site", "Diperlukan lokasi kerja alternatif"),
]
FLOW = {
    ReportStatus.FORWARDED: (ReportStatus.IN_RECOVERY,),
    ReportStatus.IN_RECOVERY: (ReportStatus.RECOVERED,),
    ReportStatus.RECOVERED: (ReportStatus.CLOSED,),
}


class DisasterError(RuleError):
    """A rule of the disaster help desk refused the change."""


@dataclass
class ReportData:
    office_unit_id: int | None
    reporter_name: str
    reporter_position: str
    reporter_phone: str
    reporter_is_employee: bool
    event_type: str
    event_at: datetime | None
    location: str
    description: str
    channel_code: str = "call_center"
    # item code -> (answer value, note)
    checklist: dict[str, tuple[str, str]] = field(default_factory=dict)


def current_template() -> ChecklistTemplate:
    template = db.session.scalar(
        select(ChecklistTemplate).order_by(ChecklistTemplate.version.desc()).limit(1)
    )
    if template is None:
        raise DisasterError("Daftar periksa koordinator belum disiapkan administrator.")
    return template


def load_checklist(*, now: datetime) -> int:
    """The first version of the checklist (idempotent): reference data."""
    if db.session.scalar(select(ChecklistTemplate.id).limit(1)) is not None:
        return 0
    template = ChecklistTemplate(version=1, created_at=now, note="Versi awal")
    for n, (code, label) in enumerate(SEED_CHECKLIST, 1):
        template.items.append(ChecklistItem(position=n, code=code, label=label))
    db.session.add(template)
    db.session.flush()
    return 1


def new_template_version(
    items: list[tuple[str, str]], note: str, *, actor, now: datetime
) -> ChecklistTemplate:
    """A new version of the checklist; reports filed earlier keep theirs."""
    cleaned, seen = [], set()
    for code, label in items:
        code, label = (code or "").strip().lower(), (label or "").strip()
        if not code and not label:
            continue
        if not code or not label:
            raise DisasterError("Setiap butir perlu kode dan pertanyaan.", "items")
        if code in seen:
            raise DisasterError(f"Kode butir {code} dipakai dua kali.", "items")
        seen.add(code)
        cleaned.append((code[:40], label[:300]))
    if not cleaned:
        raise DisasterError("Daftar periksa perlu sedikitnya satu butir.", "items")
    latest = db.session.scalar(select(func.max(ChecklistTemplate.version))) or 0
    template = ChecklistTemplate(
        version=latest + 1,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        note=(note or "").strip()[:300],
    )
    for n, (code, label) in enumerate(cleaned, 1):
        template.items.append(ChecklistItem(position=n, code=code, label=label))
    db.session.add(template)
    db.session.flush()
    record(
        "disaster.checklist_changed",
        now=now,
        actor=actor,
        target=template,
        version=template.version,
    )
    return template


def coordinators_of(unit_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                UserRole.role == Role.KOORDINATOR_BCM,
                User.unit_id == unit_id,
                User.is_active.is_(True),
            )
            .order_by(User.name)
        )
    )


def _event(report: DisasterReport, action: str, *, now, actor=None, body="", **data):
    db.session.add(
        DisasterEvent(
            report=report,
            at=now,
            actor_id=getattr(actor, "id", None),
            actor_label=getattr(actor, "name", "") or "Sistem",
            action=action,
            body=body,
            data=data,
        )
    )


def _check(data: ReportData, template: ChecklistTemplate, now: datetime) -> dict:
    """Every field checked, every problem named (a form keeps what was typed)."""
    errors: dict[str, str] = {}
    office = db.session.get(OrgUnit, data.office_unit_id) if data.office_unit_id else None
    if office is None:
        errors["office_unit_id"] = "Pilih kantor yang terdampak."
    if not data.reporter_name.strip():
        errors["reporter_name"] = "Nama pelapor wajib diisi."
    if not data.reporter_phone.strip():
        errors["reporter_phone"] = "Telepon pelapor wajib diisi."
    if data.event_type not in {e.value for e in EventType}:
        errors["event_type"] = "Pilih jenis kejadian."
    if data.event_at is None:
        errors["event_at"] = "Waktu kejadian wajib diisi."
    elif data.event_at > now + timedelta(minutes=5):
        errors["event_at"] = "Waktu kejadian tidak boleh di masa depan."
    if not data.location.strip():
        errors["location"] = "Lokasi wajib diisi."
    if not data.description.strip():
        errors["description"] = "Uraian kejadian wajib diisi."
    for item in template.items:
        value = data.checklist.get(item.code, ("", ""))[0]
        if value not in {a.value for a in Answer}:
            errors[f"check_{item.code}"] = "Pilih Ya, Tidak, atau Belum diketahui."
    return errors


class ReportErrors(DisasterError):
    """Several fields refused at once; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        first = next(iter(errors.items()))
        super().__init__(first[1], first[0])
        self.errors = errors


def file_report(
    data: ReportData, *, actor: User, now: datetime, template_id: int | None = None
) -> DisasterReport:
    """File a report: by the office's coordinator from their own login, or recorded by
    an L1 agent from a call. Anyone else reporting → clarification with the coordinator."""
    template = db.session.get(ChecklistTemplate, template_id) if template_id else current_template()
    errors = _check(data, template, now)
    if errors:
        raise ReportErrors(errors)
    office = db.session.get(OrgUnit, data.office_unit_id)
    coordinators = coordinators_of(office.id)
    by_coordinator = actor.has_role(Role.KOORDINATOR_BCM) and actor.unit_id == office.id
    if (
        actor.has_role(Role.KOORDINATOR_BCM)
        and not by_coordinator
        and not actor.has_role(Role.AGEN_L1)
    ):
        raise DisasterError(
            "Koordinator hanya melaporkan untuk kantornya sendiri.", "office_unit_id"
        )
    # Recorded from a call: the reporter is the coordinator if the name is theirs.
    named = data.reporter_name.strip().casefold()
    is_coordinator = by_coordinator or any(c.name.casefold() == named for c in coordinators)
    report = DisasterReport(
        office_unit_id=office.id,
        channel_code="portal" if by_coordinator else data.channel_code,
        received_at=now,
        recorded_by_id=actor.id,
        reporter_user_id=actor.id if by_coordinator else None,
        reporter_name=data.reporter_name.strip()[:120],
        reporter_position=data.reporter_position.strip()[:120],
        reporter_phone=data.reporter_phone.strip()[:40],
        reporter_is_employee=data.reporter_is_employee,
        reporter_is_coordinator=is_coordinator,
        event_type=EventType(data.event_type),
        event_at=data.event_at,
        location=data.location.strip()[:300],
        description=data.description.strip(),
        template_id=template.id,
        status=ReportStatus.RECEIVED if is_coordinator else ReportStatus.CLARIFYING,
        clarification_required=not is_coordinator,
    )
    for item in template.items:
        value, note = data.checklist[item.code]
        report.answers.append(
            ChecklistAnswer(item_id=item.id, answer=Answer(value), note=(note or "")[:500])
        )
    db.session.add(report)
    db.session.flush()
    report.number = f"BCN-{now.astimezone(WIB).year}-{report.id:06d}"
    _event(
        report,
        "filed",
        now=now,
        actor=actor,
        body=f"{report.event_type.label} di {report.location}",
        by_coordinator=is_coordinator,
    )
    if not is_coordinator:
        _event(
            report,
            "clarification_required",
            now=now,
            body="Pelapor bukan Koordinator Kelangsungan Bisnis kantor: klarifikasi dengan "
            "koordinator sebelum diteruskan.",
        )
    record("disaster.filed", now=now, actor=actor, target=report, number=report.number)
    return report


def record_clarification(
    report: DisasterReport, with_whom: str, outcome: str, confirmed: bool, *, actor, now
) -> None:
    """HAI-DJPb clarified the report with the office's coordinator (who, when, outcome)."""
    if not report.clarification_required or report.clarified_at is not None:
        raise DisasterError("Laporan ini tidak memerlukan klarifikasi lagi.")
    if not with_whom.strip():
        raise DisasterError("Dengan siapa klarifikasi dilakukan?", "with_whom")
    if not outcome.strip():
        raise DisasterError("Tuliskan hasil klarifikasi.", "outcome")
    report.clarified_at = now
    report.clarified_by_id = actor.id
    report.clarified_with = with_whom.strip()[:200]
    report.clarification_outcome = outcome.strip()
    if confirmed:
        report.status = ReportStatus.RECEIVED
        _event(report, "clarified", now=now, actor=actor, body=outcome.strip(), with_whom=with_whom)
    else:
        report.status = ReportStatus.CLOSED
        _event(
            report, "not_confirmed", now=now, actor=actor, body=outcome.strip(), with_whom=with_whom
        )
    record("disaster.clarified", now=now, actor=actor, target=report, confirmed=confirmed)


def analyse(
    report: DisasterReport,
    *,
    functions: list[str],
    services: list[str],
    severity: str,
    estimated_recovery_at: datetime | None,
    takeover_unit_id: int | None,
    analysis: str,
    actor,
    now: datetime,
) -> None:
    """HAI-DJPb's impact analysis (may be revised until forwarded)."""
    if report.status not in (ReportStatus.RECEIVED, ReportStatus.ANALYSED):
        if report.status is ReportStatus.CLARIFYING:
            raise DisasterError("Klarifikasi dengan koordinator dahulu.")
        raise DisasterError("Analisis hanya sebelum laporan diteruskan.")
    unknown = [f for f in functions if f not in FUNCTIONS]
    if unknown or not functions:
        raise DisasterError("Pilih fungsi kantor yang terdampak.", "functions")
    if severity not in {s.value for s in Severity}:
        raise DisasterError("Pilih tingkat dampak.", "severity")
    if estimated_recovery_at is not None and estimated_recovery_at < report.event_at:
        raise DisasterError(
            "Perkiraan pulih tidak boleh sebelum waktu kejadian.", "estimated_recovery_at"
        )
    if takeover_unit_id is not None:
        if takeover_unit_id == report.office_unit_id:
            raise DisasterError("Kantor pengambil alih harus kantor lain.", "takeover_unit_id")
        if db.session.get(OrgUnit, takeover_unit_id) is None:
            raise DisasterError("Kantor tidak dikenal.", "takeover_unit_id")
    if not analysis.strip():
        raise DisasterError("Tuliskan analisis dampak.", "analysis")
    codes = sorted({s.strip().upper() for s in services if s.strip()})
    unknown_codes = [c for c in codes if not _in_catalog(c, report.event_at)]
    if unknown_codes:
        raise DisasterError(
            "Kode tidak ada di katalog yang berlaku: " + ", ".join(unknown_codes) + ".",
            "services",
        )
    report.affected_functions = sorted(set(functions))
    report.affected_services = codes
    report.severity = Severity(severity)
    report.estimated_recovery_at = estimated_recovery_at
    report.takeover_unit_id = takeover_unit_id
    report.analysis = analysis.strip()
    report.analysed_at = now
    report.analysed_by_id = actor.id
    report.status = ReportStatus.ANALYSED
    _event(report, "analysed", now=now, actor=actor, body=analysis.strip(), severity=severity)
    record("disaster.analysed", now=now, actor=actor, target=report, severity=severity)


def _in_catalog(code: str, on: datetime) -> bool:
    """A service or scope code of the catalog version in force on that day."""
    from hai.catalog.models import CatalogScope, CatalogService
    from hai.catalog.queries import version_in_force

    version = version_in_force(on.astimezone(WIB).date())
    if version is None:
        return False
    service = db.session.scalar(
        select(CatalogService.id).where(
            CatalogService.version_id == version.id, CatalogService.code == code
        )
    )
    scope = db.session.scalar(
        select(CatalogScope.id)
        .join(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogScope.code == code)
        .limit(1)
    )
    return service is not None or scope is not None


def team_heads() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.KETUA_TIM_BENCANA, User.is_active.is_(True))
            .order_by(User.name)
        )
    )


def forward(report: DisasterReport, *, actor, now: datetime, print_url: str = "") -> list[User]:
    """Forward the analysed report to the Ketua Tim Penanganan Bencana: in the app and by
    email with the printable report's link."""
    if report.clarification_required and report.clarified_at is None:
        raise DisasterError("Klarifikasi dengan koordinator kantor sebelum meneruskan.")
    if report.status is not ReportStatus.ANALYSED:
        raise DisasterError("Laporan harus dianalisis sebelum diteruskan.")
    heads = team_heads()
    if not heads:
        raise DisasterError("Belum ada akun Ketua Tim Penanganan Bencana yang aktif.")
    from hai.mail.services import enqueue
    from hai.tickets.models import Notification

    report.status = ReportStatus.FORWARDED
    report.forwarded_at = now
    report.forwarded_to_id = heads[0].id
    text = f"Laporan bencana {report.number}: {report.event_type.label} di {report.office.name}"
    for head in heads:
        key = f"disaster:{report.id}:forwarded:{head.id}"
        db.session.add(
            Notification(
                user_id=head.id,
                at=now,
                text=text[:300],
                dedupe_key=key,
                link=f"disasters.detail?report_id={report.id}",
            )
        )
        enqueue(
            to=head.email,
            subject=f"[HAI] {text}",
            body=_summary(report)
            + (f"\n\nLaporan lengkap (cetak): {print_url}" if print_url else ""),
            now=now,
            subject_type="disaster",
            subject_id=report.id,
            dedupe_key=f"mail:{key}",
        )
    _event(report, "forwarded", now=now, actor=actor, body=", ".join(h.name for h in heads))
    record("disaster.forwarded", now=now, actor=actor, target=report, to=[h.email for h in heads])
    return heads


def _summary(report: DisasterReport) -> str:
    when = report.event_at.astimezone(WIB)
    who = f"{report.reporter_name} ({report.reporter_position or '-'}), {report.reporter_phone}"
    lines = [
        f"Nomor: {report.number}",
        f"Kantor: {report.office.name}",
        f"Kejadian: {report.event_type.label}, {when:%d-%m-%Y %H.%M} WIB",
        f"Lokasi: {report.location}",
        f"Pelapor: {who}",
        f"Tingkat dampak: {report.severity.label if report.severity else '-'}",
        "Fungsi terdampak: " + ", ".join(FUNCTIONS[f] for f in report.affected_functions),
        "",
        report.description,
        "",
        "Analisis HAI-DJPb:",
        report.analysis,
    ]
    return "\n".join(lines)


def update_status(report: DisasterReport, status: str, note: str, *, actor, now) -> None:
    """The disaster team's progress: in recovery → recovered → closed."""
    try:
        target = ReportStatus(status)
    except ValueError:
        raise DisasterError("Status tidak dikenal.", "status") from None
    if target not in FLOW.get(report.status, ()):
        raise DisasterError(
            f"Dari status {report.status.label.lower()} tidak dapat ke {target.label.lower()}.",
            "status",
        )
    report.status = target
    _event(report, "status", now=now, actor=actor, body=note.strip(), status=target.value)
    record("disaster.status", now=now, actor=actor, target=report, status=target.value)


def close_office(report: DisasterReport, start: date, end: date, *, actor, now) -> None:
    """Mark the affected office closed for those days: SLA clocks there stop."""
    from hai.sla.calendars import add_exception
    from hai.sla.models import ExceptionKind

    exception = add_exception(
        start=start,
        end=end,
        kind=ExceptionKind.DAY_OFF,
        reason=f"Bencana {report.number}: {report.event_type.label} di {report.location}"[:300],
        unit_id=report.office_unit_id,
        now=now,
        actor=actor,
    )
    report.closed_from, report.closed_to = start, end
    report.calendar_exception_id = exception.id
    _event(
        report,
        "office_closed",
        now=now,
        actor=actor,
        body=f"{report.office.name} ditutup {start:%d-%m-%Y} s.d. {end:%d-%m-%Y}.",
    )
