"""Navigation by capability: one list, filtered for the user."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from hai.auth.permissions import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    capability: Capability | None  # None: any logged-in user
    description: str = ""


NAV_ITEMS: list[NavItem] = [
    NavItem("Beranda", "home.index", None, "Ringkasan tugas Anda."),
    NavItem(
        "Tiket",
        "tickets.index",
        Capability.TICKET_VIEW,
        "Antrean tiket Anda dan tim, tenggat SLA, pencarian.",
    ),
    NavItem(
        "Catat Tiket",
        "tickets.new",
        Capability.TICKET_INTAKE,
        "Catat permintaan dari telepon, chat, WhatsApp, media sosial atau tamu CSO.",
    ),
    NavItem(
        "Jadwal Saya",
        "schedules.mine",
        Capability.SCHEDULE_OWN,
        "Shift dan kanal tugas Anda minggu ini dan minggu depan; catat istirahat.",
    ),
    NavItem(
        "Tiket Saya",
        "portal.index",
        Capability.PORTAL_USE,
        "Permintaan yang Anda ajukan: status, tenggat, jawaban, konfirmasi dan penilaian.",
    ),
    NavItem(
        "Ajukan Permintaan",
        "portal.new",
        Capability.PORTAL_USE,
        "Ajukan pertanyaan atau permintaan untuk layanan yang tersedia bagi jenis pengguna Anda.",
    ),
    NavItem(
        "Pusat Bantuan",
        "haipedia.public_index",
        Capability.PORTAL_USE,
        "Artikel HAIPEDIA: jawaban atas pertanyaan yang sering diajukan.",
    ),
    NavItem(
        "Survei Saya",
        "surveys.portal_index",
        Capability.PORTAL_USE,
        "Survei Perbendaharaan yang ditujukan kepada Anda.",
    ),
    NavItem(
        "HAIPEDIA",
        "haipedia.index",
        Capability.KB_VIEW,
        "Basis pengetahuan: cari, usulkan dan tinjau artikel, catatan rilis, tanya-jawab CSO.",
    ),
    NavItem(
        "Survei",
        "surveys.index",
        Capability.SURVEY_MANAGE,
        "Survei Perbendaharaan: susun pertanyaan, kirim undangan, lihat hasil dan unduh XLSX.",
    ),
    NavItem(
        "Broadcast Saya",
        "broadcasts.mine",
        Capability.BROADCAST_REQUEST,
        "Ajukan dan ikuti permintaan broadcast (Direktorat Teknis dan Pimpinan DJPb).",
    ),
    NavItem(
        "Pengumuman",
        "broadcasts.announcements",
        Capability.PORTAL_USE,
        "Pengumuman dan edukasi perbendaharaan dari HAI-DJPb.",
    ),
    NavItem(
        "Broadcast",
        "broadcasts.index",
        Capability.BROADCAST_HANDLE,
        "Periksa, setujui dan kirim permintaan broadcast (norma 8 jam kerja).",
    ),
    NavItem(
        "Laporkan Bencana",
        "disasters.file",
        Capability.DISASTER_REPORT,
        "Laporkan bencana di kantor Anda, atau catat laporan dari telepon.",
    ),
    NavItem(
        "Laporan Bencana",
        "disasters.index",
        Capability.DISASTER_VIEW,
        "Laporan terbuka per wilayah, kantor terdampak, analisis dan pemulihan.",
    ),
    NavItem(
        "Evaluasi Kinerja",
        "qa.index",
        Capability.QA_EVALUATION_VIEW,
        "Evaluasi QA: hard skill, soft skill, disiplin, panggilan per jam; tanggapi evaluasi Anda.",
    ),
    NavItem(
        "Verifikasi Tindak Lanjut",
        "qa.follow_ups",
        Capability.QA_VERIFY,
        "Tiket eskalasi yang sudah dijawab: pastikan unit menghubungi pengguna.",
    ),
    NavItem(
        "Dasbor Kinerja",
        "qa.dashboard",
        Capability.QA_VIEW_ALL,
        "Volume, ketepatan SLA, umur tiket terbuka, pelanggaran, penilaian dan peringkat agen.",
    ),
    NavItem(
        "Laporan Kinerja",
        "reports.index",
        Capability.REPORTS_VIEW,
        "Laporan bulanan QA dan triwulanan: angka, XLSX, PDF dan ketepatan penyampaian.",
    ),
    NavItem(
        "Laporan Permasalahan",
        "reports.problems",
        Capability.PROBLEM_REPORT,
        "Laporkan permasalahan kepada Kepala Seksi: masalah, peraturan, analisa, rekomendasi.",
    ),
    NavItem(
        "Masalah",
        "problems.index",
        Capability.PROBLEM_VIEW,
        "Gangguan berulang: saran sistem, akar masalah, solusi sementara, perbaikan, penutupan.",
    ),
    NavItem(
        "Item Konfigurasi",
        "cmdb.index",
        Capability.CI_VIEW,
        "Aplikasi, infrastruktur dan proses bisnis: apa yang terganggu di mana, siapa pemiliknya.",
    ),
    NavItem(
        "Rilis",
        "releases.index",
        Capability.RELEASE_VIEW,
        "Pengumuman rilis aplikasi dan proses bisnis oleh pemilik produk.",
    ),
    NavItem(
        "Jadwal Agen",
        "schedules.roster",
        Capability.SCHEDULE_MANAGE,
        "Susun jadwal tugas per kanal dan shift, dibantu peta kontak per jam dan hari.",
    ),
    NavItem(
        "Disiplin Jadwal",
        "schedules.discipline_page",
        Capability.QA_VIEW_ALL,
        "Kehadiran agen terhadap jadwal: masuk tepat waktu, terlambat, tidak hadir, istirahat.",
    ),
    NavItem(
        "Pelatihan & Sertifikat",
        "qa.certificates",
        Capability.QA_VIEW_ALL,
        "Pelatihan agen dan sertifikat call center; agen yang belum bersertifikat.",
    ),
    NavItem(
        "Perubahan Layanan",
        "changes.index",
        Capability.CHANGE_VIEW,
        "Permintaan perubahan (RFC): pemilik produk, penilaian dan keputusan CAB, pelaksanaan.",
    ),
    NavItem(
        "Perubahan Saya",
        "changes.portal_index",
        Capability.CHANGE_REQUEST,
        "Ajukan perubahan layanan dan ikuti penilaian CAB serta pelaksanaannya.",
    ),
    NavItem(
        "Susunan CAB",
        "changes.cab",
        Capability.CAB_MANAGE,
        "Anggota Change Advisory Board, termasuk pejabat Eselon III unit penyelenggara.",
    ),
    NavItem(
        "Katalog Layanan",
        "catalog.index",
        Capability.CATALOG_VIEW,
        "Telusuri layanan, ruang lingkup, norma waktu dan hak akses per jenis pengguna.",
    ),
    NavItem(
        "Kanal Layanan",
        "catalog.channels",
        Capability.CHANNEL_VIEW,
        "Sepuluh kanal resmi HAI-DJPb dan jam penerimaannya.",
    ),
    NavItem(
        "Kalender Kerja",
        "sla.calendar",
        Capability.CALENDAR_VIEW,
        "Hari dan jam kerja layanan, hari libur nasional dan cuti bersama.",
    ),
    NavItem(
        "Pratinjau SLA",
        "sla.preview",
        Capability.SLA_PREVIEW,
        "Hitung tenggat tanggapan dan pemenuhan untuk menjelaskan batas waktu kepada pengguna.",
    ),
    NavItem(
        "Versi Katalog",
        "catalog.versions",
        Capability.CATALOG_VIEW,
        "Riwayat versi katalog dan perbandingan antarversi.",
    ),
    NavItem(
        "Pengguna",
        "auth.users",
        Capability.USER_MANAGE,
        "Kelola akun, peran dan unit kerja pengguna.",
    ),
    NavItem(
        "Peran & Hak Akses",
        "auth.roles",
        Capability.USER_MANAGE,
        "Hak akses setiap peran dan jumlah penggunanya.",
    ),
    NavItem(
        "Unit Organisasi",
        "org.index",
        Capability.UNIT_MANAGE,
        "Kelola Kantor Pusat, Kanwil dan KPPN.",
    ),
    NavItem(
        "Target OLA",
        "tickets.ola",
        Capability.OLA_MANAGE,
        "Batas waktu jawaban Layer 2 per direktorat.",
    ),
    NavItem(
        "Kotak Keluar Email",
        "mail.outbox",
        Capability.MAIL_OUTBOX,
        "Email yang antre, terkirim dan gagal; kirim ulang yang gagal.",
    ),
    NavItem(
        "Penerima Broadcast",
        "broadcasts.groups",
        Capability.RECIPIENTS_MANAGE,
        "Kelompok dan kontak penerima broadcast.",
    ),
    NavItem(
        "Daftar Periksa Bencana",
        "disasters.checklist",
        Capability.DISASTER_CHECKLIST,
        "Butir daftar periksa koordinator, berversi.",
    ),
    NavItem(
        "Token API",
        "api_admin.tokens",
        Capability.API_TOKENS,
        "Token integrasi (WhatsApp, HAI CSO) untuk API v1; terbitkan dan cabut.",
    ),
    NavItem(
        "Log Audit",
        "audit.index",
        Capability.AUDIT_VIEW,
        "Catatan peristiwa keamanan dan tindakan penting.",
    ),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    endpoint: str
    description: str


def navigation_for(user) -> list[NavLink]:
    return [
        NavLink(item.label, url_for(item.endpoint), item.endpoint, item.description)
        for item in NAV_ITEMS
        if item.capability is None or user.can(item.capability)
    ]


def unread_count(user) -> int:
    from sqlalchemy import func, select

    from hai.extensions import db
    from hai.tickets.models import Notification

    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
