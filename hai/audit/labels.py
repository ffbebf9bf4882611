"""Indonesian names of audit actions, and links to the objects they concern."""

from __future__ import annotations

from flask import url_for

ACTION_LABELS: dict[str, str] = {
    "auth.login": "Masuk",
    "auth.login_failed": "Gagal masuk",
    "auth.login_refused_demo": "Masuk ditolak (akun demo)",
    "auth.login_refused_disabled": "Masuk ditolak (akun nonaktif)",
    "auth.login_refused_unverified": "Masuk ditolak (akun belum diaktifkan)",
    "auth.login_throttled": "Masuk diblokir sementara (terlalu banyak percobaan)",
    "auth.logout": "Keluar",
    "auth.password_change_failed": "Gagal mengganti kata sandi",
    "auth.password_changed": "Kata sandi diganti",
    "user.created": "Pengguna dibuat",
    "user.updated": "Pengguna diubah",
    "user.password_reset": "Kata sandi ditetapkan administrator",
    "portal.registered": "Pendaftaran akun Portal HAI-DJPb",
    "portal.activation_sent": "Tautan aktivasi portal dikirim",
    "portal.activated": "Akun Portal HAI-DJPb diaktifkan",
    "portal.activation_refused": "Tautan aktivasi portal ditolak",
    "org.unit_created": "Unit dibuat",
    "org.unit_updated": "Unit diubah",
    "catalog.seed_loaded": "Katalog awal dimuat",
    "catalog.draft_created": "Draf versi katalog dibuat",
    "catalog.draft_deleted": "Draf versi katalog dihapus",
    "catalog.version_updated": "Keterangan versi diubah",
    "catalog.version_activated": "Versi katalog diaktifkan",
    "catalog.version_retired": "Versi katalog digantikan",
    "catalog.service_created": "Layanan ditambahkan ke draf",
    "catalog.service_updated": "Layanan draf diubah",
    "catalog.service_deleted": "Layanan dihapus dari draf",
    "catalog.scope_created": "Ruang lingkup ditambahkan",
    "catalog.scope_updated": "Ruang lingkup diubah",
    "catalog.scope_deleted": "Ruang lingkup dihapus",
    "calendar.exception_added": "Pengecualian kalender ditambahkan",
    "calendar.exception_removed": "Pengecualian kalender dihapus",
    "sla.due_dates_recomputed": "Tenggat SLA dihitung ulang",
    "sla.priority_updated": "Jam prioritas diubah",
    "sla.matrix_updated": "Matriks prioritas diubah",
    "sla.channel_norm_updated": "Norma kanal diubah",
    "mail.requeued": "Email dikirim ulang dari kotak keluar",
    "disaster.filed": "Laporan bencana diterima",
    "disaster.clarified": "Laporan bencana diklarifikasi dengan koordinator",
    "disaster.analysed": "Dampak bencana dianalisis",
    "disaster.forwarded": "Laporan bencana diteruskan ke Ketua Tim",
    "disaster.status": "Status pemulihan bencana diperbarui",
    "disaster.checklist_changed": "Daftar periksa bencana diubah",
    "qa.scorecard_changed": "Kartu penilaian QA diubah (versi baru)",
    "qa.evaluation_created": "Evaluasi kinerja dibuat",
    "qa.evaluation_submitted": "Evaluasi kinerja disampaikan kepada agen",
    "report.drafted": "Draf laporan disusun",
    "change.submitted": "Permintaan perubahan (RFC) diajukan",
    "change.owner_linked": "Pemilik produk RFC ditetapkan",
    "change.assessed": "RFC dinilai CAB",
    "change.voted": "Suara anggota CAB atas RFC",
    "change.decided": "Keputusan CAB atas RFC",
    "change.started": "Pelaksanaan perubahan dimulai",
    "change.implemented": "Pelaksanaan perubahan dicatat",
    "change.closed": "RFC ditutup setelah tinjauan",
    "change.cab_member_set": "Anggota CAB ditetapkan",
    "change.cab_member_removed": "Anggota CAB diberhentikan",
    "report.recomputed": "Angka laporan dihitung ulang",
    "report.edited": "Laporan diubah",
    "report.delivered": "Laporan disampaikan",
    "report.answered": "Laporan permasalahan ditanggapi",
    "qa.evaluation_acknowledged": "Evaluasi kinerja diterima agen",
    "qa.follow_up_verified": "Tindak lanjut eskalasi diverifikasi QA",
    "qa.training_recorded": "Pelatihan dicatat",
    "qa.attendance_recorded": "Kehadiran pelatihan dicatat",
    "qa.certificate_issued": "Sertifikat call center dicatat",
    "schedule.shift_saved": "Shift jadwal disimpan",
    "schedule.entry_added": "Agen dijadwalkan",
    "schedule.entry_removed": "Jadwal agen dihapus",
    "schedule.week_copied": "Jadwal minggu sebelumnya disalin",
    "broadcast.submitted": "Permintaan broadcast diajukan",
    "broadcast.checked": "Broadcast diperiksa dan diteruskan",
    "broadcast.edited": "Naskah broadcast disunting",
    "broadcast.approved": "Broadcast disetujui",
    "broadcast.rejected": "Broadcast ditolak",
    "broadcast.sent": "Broadcast dikirim (naskah tercatat)",
    "broadcast.group_added": "Kelompok penerima ditambahkan",
    "broadcast.contact_added": "Kontak penerima ditambahkan",
    "broadcast.contact_activated": "Kontak penerima diaktifkan",
    "broadcast.contact_deactivated": "Kontak penerima dinonaktifkan",
    "api.token_issued": "Token API diterbitkan",
    "api.token_revoked": "Token API dicabut",
    "ticket.created": "Tiket dicatat",
    "ticket.assigned": "Tiket ditugaskan",
    "ticket.escalated": "Tiket dieskalasi",
    "ticket.closed": "Tiket ditutup",
    "ticket.ola_set": "Target OLA diatur",
    "survey.created": "Draf survei dibuat",
    "survey.updated": "Keterangan survei diubah",
    "survey.question_added": "Pertanyaan survei ditambahkan",
    "survey.question_updated": "Pertanyaan survei diubah",
    "survey.question_removed": "Pertanyaan survei dihapus",
    "survey.opened": "Survei dibuka",
    "survey.closed": "Survei ditutup",
    "survey.invited": "Undangan survei dijadwalkan",
    "haipedia.created": "Artikel HAIPEDIA diusulkan",
    "haipedia.published": "Artikel HAIPEDIA diterbitkan",
    "haipedia.archived": "Artikel HAIPEDIA diarsipkan",
    "haipedia.restored": "Revisi artikel HAIPEDIA dipulihkan",
}

TARGET_LABELS = {
    "User": "Pengguna",
    "OrgUnit": "Unit",
    "CatalogVersion": "Versi katalog",
    "CatalogService": "Layanan",
    "CatalogScope": "Ruang lingkup",
    "CalendarException": "Pengecualian kalender",
    "OutboxMessage": "Email keluar",
    "Ticket": "Tiket",
    "Survey": "Survei",
    "Article": "Artikel HAIPEDIA",
    "Evaluation": "Evaluasi kinerja",
    "Scorecard": "Kartu penilaian QA",
    "Training": "Pelatihan",
    "Certificate": "Sertifikat call center",
    "Shift": "Shift jadwal",
    "RosterEntry": "Jadwal agen",
    "RosterWeek": "Jadwal minggu",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def target_link(target_type: str, target_id: str) -> tuple[str, str | None]:
    """(label, url or None) for an audit row's target."""
    label = f"{TARGET_LABELS.get(target_type, target_type)} #{target_id}" if target_id else ""
    if not target_id.isdigit():
        return label, None
    endpoints = {
        "User": ("auth.user_edit", "user_id"),
        "OrgUnit": ("org.edit", "unit_id"),
        "CatalogVersion": ("catalog.version", "version_id"),
        "Survey": ("surveys.detail", "survey_id"),
        "Article": ("haipedia.detail", "article_id"),
        "Evaluation": ("qa.detail", "evaluation_id"),
        "Training": ("qa.training", "training_id"),
        "Shift": ("schedules.shift", "shift_id"),
    }
    if target_type in endpoints:
        endpoint, arg = endpoints[target_type]
        return label, url_for(endpoint, **{arg: int(target_id)})
    return label, None


def detail_lines(details: dict) -> list[str]:
    """Readable "key: value" lines; changes shown as "from → to"."""

    def show(value) -> str:
        if value is None:
            return "—"
        if value is True:
            return "ya"
        if value is False:
            return "tidak"
        if isinstance(value, list):
            return ", ".join(show(v) for v in value) or "—"
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            return f"{show(value['from'])} → {show(value['to'])}"
        if isinstance(value, dict):
            return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
        return str(value)

    return [f"{key}: {show(value)}" for key, value in (details or {}).items()]
