"""Capabilities per role: the one place that says who may do what.

Every view is decorated with ``@requires(...)`` or ``@public``; a test walks the
URL map to make sure none is left undeclared.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort
from flask_login import current_user

from hai.auth.roles import STAFF_ROLES, Role


class Capability(enum.Enum):
    CATALOG_VIEW = "catalog.view"
    CATALOG_MANAGE = "catalog.manage"
    CHANNEL_VIEW = "channel.view"
    USER_MANAGE = "user.manage"
    UNIT_MANAGE = "unit.manage"
    AUDIT_VIEW = "audit.view"
    CALENDAR_VIEW = "calendar.view"
    CALENDAR_MANAGE = "calendar.manage"
    SLA_PREVIEW = "sla.preview"
    TICKET_VIEW = "ticket.view"
    TICKET_INTAKE = "ticket.intake"
    TICKET_HANDLE = "ticket.handle"
    TICKET_ASSIGN = "ticket.assign"
    OLA_MANAGE = "ola.manage"
    MAIL_OUTBOX = "mail.outbox"
    API_TOKENS = "api.tokens"
    PORTAL_USE = "portal.use"
    BROADCAST_REQUEST = "broadcast.request"
    BROADCAST_HANDLE = "broadcast.handle"
    BROADCAST_APPROVE = "broadcast.approve"
    RECIPIENTS_MANAGE = "broadcast.recipients"
    DISASTER_REPORT = "disaster.report"
    DISASTER_VIEW = "disaster.view"
    DISASTER_HANDLE = "disaster.handle"
    DISASTER_TEAM = "disaster.team"
    DISASTER_CHECKLIST = "disaster.checklist"
    SURVEY_MANAGE = "survey.manage"
    KB_VIEW = "haipedia.view"
    KB_PROPOSE = "haipedia.propose"
    KB_PUBLISH = "haipedia.publish"
    QA_EVALUATE = "qa.evaluate"
    QA_VIEW_ALL = "qa.view_all"
    QA_EVALUATION_VIEW = "qa.evaluation_view"
    QA_VERIFY = "qa.verify"
    QA_TRAINING = "qa.training"
    REPORTS_VIEW = "reports.view"
    REPORTS_PREPARE = "reports.prepare"
    PROBLEM_REPORT = "reports.problem"
    PROBLEM_RESPOND = "reports.problem_respond"
    SCHEDULE_MANAGE = "schedule.manage"
    CHANGE_REQUEST = "change.request"
    CHANGE_RECORD = "change.record"
    CHANGE_VIEW = "change.view"
    CHANGE_COORDINATE = "change.coordinate"
    CHANGE_DECIDE = "change.decide"
    CHANGE_IMPLEMENT = "change.implement"
    CAB_MANAGE = "change.cab_manage"
    SCHEDULE_OWN = "schedule.own"
    CI_VIEW = "cmdb.view"
    CI_MANAGE = "cmdb.manage"
    PROBLEM_VIEW = "problem.view"
    PROBLEM_LINK = "problem.link"
    PROBLEM_MANAGE = "problem.manage"
    RELEASE_VIEW = "release.view"
    RELEASE_ANNOUNCE = "release.announce"


CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.CATALOG_VIEW: "Melihat katalog layanan",
    Capability.CATALOG_MANAGE: "Mengelola versi katalog",
    Capability.CHANNEL_VIEW: "Melihat kanal layanan",
    Capability.USER_MANAGE: "Mengelola pengguna dan peran",
    Capability.UNIT_MANAGE: "Mengelola unit organisasi",
    Capability.AUDIT_VIEW: "Melihat log audit",
    Capability.CALENDAR_VIEW: "Melihat kalender kerja",
    Capability.CALENDAR_MANAGE: "Mengelola pengecualian kalender",
    Capability.SLA_PREVIEW: "Pratinjau tenggat SLA",
    Capability.TICKET_VIEW: "Melihat tiket",
    Capability.TICKET_INTAKE: "Mencatat tiket baru",
    Capability.TICKET_HANDLE: "Menangani tiket",
    Capability.TICKET_ASSIGN: "Menugaskan tiket",
    Capability.OLA_MANAGE: "Mengatur target OLA direktorat",
    Capability.MAIL_OUTBOX: "Memantau kotak keluar email dan mengirim ulang",
    Capability.API_TOKENS: "Menerbitkan dan mencabut token API integrasi",
    Capability.PORTAL_USE: "Mengajukan dan mengikuti tiket sendiri di Portal HAI-DJPb",
    Capability.BROADCAST_REQUEST: "Mengajukan permintaan broadcast (jenis pengguna 8 dan 9)",
    Capability.BROADCAST_HANDLE: "Memeriksa dan mengirim permintaan broadcast",
    Capability.BROADCAST_APPROVE: "Menyunting, menyetujui atau menolak broadcast",
    Capability.RECIPIENTS_MANAGE: "Mengelola kelompok dan kontak penerima broadcast",
    Capability.DISASTER_REPORT: "Melaporkan bencana (koordinator kantor, atau agen dari telepon)",
    Capability.DISASTER_VIEW: "Melihat laporan bencana dan ikhtisarnya",
    Capability.DISASTER_HANDLE: "Mengklarifikasi, menganalisis dan meneruskan laporan bencana",
    Capability.DISASTER_TEAM: "Memperbarui status pemulihan bencana",
    Capability.DISASTER_CHECKLIST: "Mengelola daftar periksa koordinator bencana",
    Capability.SURVEY_MANAGE: "Menyusun dan mengirim Survei Perbendaharaan serta melihat hasilnya",
    Capability.KB_VIEW: "Membaca HAIPEDIA, termasuk artikel internal petugas",
    Capability.KB_PROPOSE: "Mengusulkan artikel HAIPEDIA dan perubahannya",
    Capability.KB_PUBLISH: "Meninjau, menerbitkan dan mengarsipkan artikel HAIPEDIA",
    Capability.QA_EVALUATE: "Mengevaluasi agen dan mengelola kartu penilaian QA",
    Capability.QA_VIEW_ALL: "Melihat semua evaluasi kinerja, pelatihan dan sertifikat agen",
    Capability.QA_EVALUATION_VIEW: "Melihat evaluasi kinerja sendiri (atau semua, bila berhak)",
    Capability.QA_VERIFY: "Memverifikasi tindak lanjut tiket eskalasi kepada pengguna",
    Capability.QA_TRAINING: "Mencatat pelatihan, kehadiran dan sertifikat call center",
    Capability.REPORTS_VIEW: "Melihat laporan kinerja bulanan/triwulanan dan laporan permasalahan",
    Capability.REPORTS_PREPARE: "Menyusun, memeriksa dan menyampaikan laporan kinerja",
    Capability.PROBLEM_REPORT: "Membuat laporan permasalahan kepada Kepala Seksi",
    Capability.PROBLEM_RESPOND: "Menanggapi laporan permasalahan",
    Capability.SCHEDULE_MANAGE: "Menyusun jadwal tugas agen per kanal dan shift",
    Capability.CHANGE_REQUEST: "Mengajukan permintaan perubahan layanan (RFC) melalui portal",
    Capability.CHANGE_RECORD: "Mencatat permintaan perubahan layanan (RFC) dari pengguna",
    Capability.CHANGE_VIEW: "Melihat permintaan perubahan layanan (RFC) dan keputusan CAB",
    Capability.CHANGE_COORDINATE: "Menetapkan pemilik produk RFC dan meneruskannya ke CAB",
    Capability.CHANGE_DECIDE: "Menilai, memberi suara dan memutuskan RFC (anggota CAB)",
    Capability.CHANGE_IMPLEMENT: "Melaksanakan dan meninjau perubahan yang disetujui CAB",
    Capability.CAB_MANAGE: "Mengatur susunan anggota CAB",
    Capability.SCHEDULE_OWN: "Melihat jadwal sendiri dan mencatat istirahat",
    Capability.CI_VIEW: "Melihat item konfigurasi: apa yang terganggu di mana dan siapa pemiliknya",
    Capability.CI_MANAGE: "Mengelola item konfigurasi (aplikasi, infrastruktur, proses bisnis)",
    Capability.PROBLEM_VIEW: "Melihat masalah (gangguan berulang) dan tiket terkaitnya",
    Capability.PROBLEM_LINK: "Menautkan tiket ke masalah dan menjawab tiket terkait sekaligus",
    Capability.PROBLEM_MANAGE: "Mengonfirmasi saran masalah, analisis akar masalah, solusi "
    "sementara, perbaikan dan penutupan",
    Capability.RELEASE_VIEW: "Melihat pengumuman rilis aplikasi dan proses bisnis",
    Capability.RELEASE_ANNOUNCE: "Mengumumkan rilis sebagai pemilik produk (catatan rilis "
    "HAIPEDIA, permintaan broadcast)",
}

ALL_ROLES = frozenset(Role)

# Role groups used below (PER-8 Pasal 6–7, 13–15, 25–28).
TICKET_HANDLERS = frozenset(
    {Role.AGEN_L1, Role.AGEN_L2, Role.AGEN_L3, Role.CSO, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN}
)
TICKET_READERS = TICKET_HANDLERS | {Role.KOORDINATOR, Role.QA}

GRANTS: list[tuple[frozenset[Role], set[Capability]]] = [
    # The catalog and the channels are public information: every role sees them.
    (ALL_ROLES, {Capability.CATALOG_VIEW, Capability.CHANNEL_VIEW}),
    (STAFF_ROLES, {Capability.CALENDAR_VIEW}),
    # Those who explain deadlines to users or manage them.
    (TICKET_READERS | {Role.ADMIN}, {Capability.SLA_PREVIEW}),
    (TICKET_READERS, {Capability.TICKET_VIEW}),
    (TICKET_HANDLERS, {Capability.TICKET_HANDLE}),
    (frozenset({Role.AGEN_L1, Role.CSO}), {Capability.TICKET_INTAKE}),
    (frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI}), {Capability.TICKET_ASSIGN}),
    (frozenset({Role.KOORDINATOR}), {Capability.AUDIT_VIEW}),
    # Requesters: their own tickets through the portal (PER-8 Pasal 8).
    (frozenset({Role.PENGGUNA}), {Capability.PORTAL_USE}),
    # Broadcasts (PER-8 Pasal 18): requested by users of types 8/9 (checked in the
    # service), checked and sent by L1, approved by the Kepala Seksi (Koordinator Agen).
    (frozenset({Role.PENGGUNA}), {Capability.BROADCAST_REQUEST}),
    (
        frozenset({Role.AGEN_L1, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN, Role.KOORDINATOR}),
        {Capability.BROADCAST_HANDLE},
    ),
    (frozenset({Role.KEPALA_SEKSI}), {Capability.BROADCAST_APPROVE}),
    (frozenset({Role.ADMIN, Role.KEPALA_SEKSI}), {Capability.RECIPIENTS_MANAGE}),
    # Disaster help desk (PER-8 Pasal 21): offices' coordinators report, L1 records calls,
    # HAI-DJPb analyses and forwards, the disaster team leads the recovery.
    (frozenset({Role.KOORDINATOR_BCM, Role.AGEN_L1}), {Capability.DISASTER_REPORT}),
    (
        frozenset(
            {
                Role.KOORDINATOR_BCM,
                Role.KETUA_TIM_BENCANA,
                Role.AGEN_L1,
                Role.KEPALA_SEKSI,
                Role.MANAJER_LAYANAN,
                Role.KOORDINATOR,
            }
        ),
        {Capability.DISASTER_VIEW},
    ),
    (
        frozenset({Role.AGEN_L1, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN}),
        {Capability.DISASTER_HANDLE},
    ),
    (frozenset({Role.KETUA_TIM_BENCANA}), {Capability.DISASTER_TEAM}),
    (frozenset({Role.ADMIN}), {Capability.DISASTER_CHECKLIST}),
    # Survei Perbendaharaan (PER-8 Pasal 16): built, sent and read by those who answer
    # for the service's quality.
    (
        frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI, Role.QA}),
        {Capability.SURVEY_MANAGE},
    ),
    # HAIPEDIA (PER-8 Pasal 19): staff who answer read it and propose articles; the
    # Manajer Layanan reviews and publishes.
    (TICKET_READERS, {Capability.KB_VIEW}),
    (TICKET_HANDLERS, {Capability.KB_PROPOSE}),
    (frozenset({Role.MANAJER_LAYANAN}), {Capability.KB_PUBLISH}),
    # Quality assurance (PER-8 Pasal 6(3)f-h, 11): QA evaluates L1, L2 and the Manajer
    # Layanan, verifies follow-ups and runs training; the supervisors see every
    # evaluation; the evaluated see their own (hai.qa.policy).
    (
        frozenset({Role.QA}),
        {Capability.QA_EVALUATE, Capability.QA_VERIFY, Capability.QA_TRAINING},
    ),
    (
        frozenset({Role.QA, Role.MANAJER_LAYANAN, Role.KOORDINATOR}),
        {Capability.QA_VIEW_ALL, Capability.QA_EVALUATION_VIEW},
    ),
    (frozenset({Role.AGEN_L1, Role.AGEN_L2}), {Capability.QA_EVALUATION_VIEW}),
    # Reports (PER-8 Pasal 6(4), 30; KEP-428 Lampiran III §3): QA drafts the monthly
    # report, the Kepala Seksi and the Manajer Layanan the quarterly one, the Koordinator
    # receives both; agents, the Manajer Layanan and QA report problems to the Kepala Seksi.
    (
        frozenset({Role.QA, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN, Role.KOORDINATOR}),
        {Capability.REPORTS_VIEW},
    ),
    (
        frozenset({Role.QA, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN}),
        {Capability.REPORTS_PREPARE},
    ),
    (
        frozenset({Role.AGEN_L1, Role.AGEN_L2, Role.MANAJER_LAYANAN, Role.QA}),
        {Capability.PROBLEM_REPORT},
    ),
    (frozenset({Role.KEPALA_SEKSI}), {Capability.PROBLEM_RESPOND}),
    # Agent schedules (PER-8 Pasal 7(7)a): the Manajer Layanan builds the duty roster of
    # the agents (L1, L2, CSO), who see their own and record their breaks; QA reads the
    # discipline against it with QA_VIEW_ALL.
    (frozenset({Role.MANAJER_LAYANAN}), {Capability.SCHEDULE_MANAGE}),
    (frozenset({Role.AGEN_L1, Role.AGEN_L2, Role.CSO}), {Capability.SCHEDULE_OWN}),
    # Change requests (PER-8 Pasal 17, 22(6)): requesters ask through the portal, staff
    # record requests from other channels, HAI-DJPb links the product owner, the CAB
    # assesses and decides, the Manajer Perubahan carries out and reviews.
    (frozenset({Role.PENGGUNA}), {Capability.CHANGE_REQUEST}),
    (
        frozenset({Role.AGEN_L1, Role.CSO, Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI}),
        {Capability.CHANGE_RECORD},
    ),
    (
        frozenset(
            {
                Role.CAB,
                Role.MANAJER_PERUBAHAN,
                Role.MANAJER_LAYANAN,
                Role.KEPALA_SEKSI,
                Role.KOORDINATOR,
                Role.AGEN_L1,
                Role.CSO,
            }
        ),
        {Capability.CHANGE_VIEW},
    ),
    (frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI}), {Capability.CHANGE_COORDINATE}),
    (frozenset({Role.CAB}), {Capability.CHANGE_DECIDE}),
    (frozenset({Role.MANAJER_PERUBAHAN}), {Capability.CHANGE_IMPLEMENT}),
    # Service management (PER-8 Pasal 22(4), (5), (7)): staff who read tickets (and the
    # CAB, whose changes point at configuration items) see what is broken where; agents
    # link tickets to problems and answer them together; the Manajer Layanan confirms
    # suggested problems and carries them to closure. Product owners in the directorates
    # (L2, L3, and the Manajer Layanan as a directorate's Kepala Seksi) announce releases.
    (TICKET_READERS | {Role.CAB, Role.MANAJER_PERUBAHAN, Role.ADMIN}, {Capability.CI_VIEW}),
    (frozenset({Role.ADMIN, Role.MANAJER_LAYANAN}), {Capability.CI_MANAGE}),
    (
        TICKET_READERS | {Role.CAB, Role.MANAJER_PERUBAHAN},
        {Capability.PROBLEM_VIEW, Capability.RELEASE_VIEW},
    ),
    (TICKET_HANDLERS, {Capability.PROBLEM_LINK}),
    (frozenset({Role.MANAJER_LAYANAN}), {Capability.PROBLEM_MANAGE}),
    (
        frozenset({Role.AGEN_L2, Role.AGEN_L3, Role.MANAJER_LAYANAN}),
        {Capability.RELEASE_ANNOUNCE},
    ),
    (
        frozenset({Role.ADMIN}),
        {
            Capability.CAB_MANAGE,
            Capability.MAIL_OUTBOX,
            Capability.API_TOKENS,
            Capability.OLA_MANAGE,
            Capability.CALENDAR_MANAGE,
            Capability.CATALOG_MANAGE,
            Capability.USER_MANAGE,
            Capability.UNIT_MANAGE,
            Capability.AUDIT_VIEW,
        },
    ),
]

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    role: frozenset(cap for roles, caps in GRANTS if role in roles for cap in caps) for role in Role
}


def capabilities_of(roles: Iterable[Role]) -> frozenset[Capability]:
    caps: set[Capability] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES[role]
    return frozenset(caps)


def roles_with(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, caps in ROLE_CAPABILITIES.items() if capability in caps)


def requires(*capabilities: Capability) -> Callable:
    """Let the view run only for a logged-in user holding every capability."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from hai.extensions import login_manager

                return login_manager.unauthorized()
            if not all(current_user.can(c) for c in capabilities):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = ("requires", frozenset(capabilities))  # type: ignore[attr-defined]
        return wrapped

    return decorator


def login_only(view: Callable) -> Callable:
    """Any logged-in user (own profile, home, logout)."""
    wrapped = requires()(view)
    wrapped.access = ("login", frozenset())  # type: ignore[attr-defined]
    return wrapped


def api_token(view: Callable) -> Callable:
    """Authenticated by an integration's bearer token (hai.api), never by the session."""
    view.access = ("token", frozenset())  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """No login needed (login page, static error pages)."""
    view.access = ("public", frozenset())  # type: ignore[attr-defined]
    return view
