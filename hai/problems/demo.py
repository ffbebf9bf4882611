"""Demo service management for `make run`: problems in every state worked on (a
suggestion found by the same function the scheduler runs, one under investigation, a
known error with its workaround in HAIPEDIA, one closed with its tickets resolved) and a
release with its note. The configuration items are reference data (`flask hai seed`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.cmdb.models import ConfigurationItem
from hai.extensions import db
from hai.problems import services
from hai.problems.models import Problem
from hai.sla.calendars import calendar_for
from hai.tickets import services as tickets
from hai.tickets.models import TicketType
from hai.web.timefmt import today_wib

REQUESTERS = [
    ("Sri Wahyuni", "sri.wahyuni@satker-contoh.go.id", "Satker Balai Besar Contoh", "654321"),
    ("Made Arta", "made.arta@satker-contoh.go.id", "Satker Dinas Contoh", "654322"),
    ("Yohana Lestari", "yohana@satker-contoh.go.id", "Satker Kantor Contoh", "654323"),
    ("Agus Salim", "agus.salim@satker-contoh.go.id", "Satker Politeknik Contoh", "654324"),
    ("Rina Marlina", "rina.marlina@satker-contoh.go.id", "Satker Rumah Sakit Contoh", "654325"),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _ci(code: str) -> ConfigurationItem | None:
    return db.session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == code))


def load_demo_service_management(*, now: datetime) -> int:
    """Returns how many problems were made (0 when there already are some)."""
    if db.session.scalar(select(Problem.id).limit(1)) is not None:
        return 0
    l1, manajer = _user("agen1@demo.hai.test"), _user("manajer@demo.hai.test")
    version = version_in_force(today_wib(now))
    if None in (l1, manajer, version) or _ci("SAKTI") is None:
        return 0
    cal = calendar_for()

    def ago(hours: float) -> datetime:
        """An instant that many working hours before now (at least a minute ago)."""
        start = now - timedelta(days=30)
        target = cal.elapsed(start, now) - timedelta(hours=hours)
        return min(cal.add(start, max(target, timedelta(0))), now - timedelta(minutes=1))

    def scope(code: str) -> CatalogScope | None:
        return db.session.scalar(
            select(CatalogScope)
            .join(CatalogService)
            .where(CatalogService.version_id == version.id, CatalogScope.code == code)
        )

    def disruptions(code: str, subject: str, hours: list[float]):
        made = []
        for n, hours_ago in enumerate(hours):
            name, email, satker, satker_code = REQUESTERS[n % len(REQUESTERS)]
            at = ago(hours_ago)
            ticket = tickets.create_ticket(
                channel_code="email",
                received_at=at,
                requester=tickets.RequesterData(name, email, "", 1, satker, satker_code),
                subject=subject,
                description=f"{subject}. Mohon bantuan.",
                ticket_type=TicketType.DISRUPTION,
                scope=scope(code),
                now=at,
                actor=l1,
            )
            tickets.take(ticket, actor=l1, now=at + timedelta(minutes=3))
            made.append(ticket)
        return made

    # Closed: MonSAKTI data not refreshed; fixed and closed, its tickets resolved.
    closed_tickets = disruptions(
        "ITSM.01.07.02", "Data MonSAKTI tidak diperbarui sejak kemarin", [40, 38, 36]
    )
    closed = services.create_problem(
        title="Interkoneksi MonSAKTI berhenti memperbarui data",
        description="Data realisasi di MonSAKTI tertinggal satu hari dari SAKTI.",
        ci=_ci("MONSAKTI"),
        ticket_list=closed_tickets,
        actor=manajer,
        now=ago(35),
    )
    services.save_analysis(
        closed,
        title=closed.title,
        description=closed.description,
        root_cause="Antrean sinkronisasi SAKTI–MonSAKTI penuh setelah pemeliharaan server.",
        fix_reference="Perubahan konfigurasi antrean sinkronisasi (RFC dicatat Dit. SITP)",
        ci=_ci("MONSAKTI"),
        actor=manajer,
        now=ago(30),
    )
    services.mark_fixed(
        closed,
        fix_note="Kapasitas antrean dinaikkan dan pemantauan antrean ditambahkan.",
        fix_reference="",
        actor=manajer,
        now=ago(26),
    )
    services.close(
        closed,
        "Gangguan pembaruan data MonSAKTI telah diperbaiki; data kembali mutakhir. "
        "Silakan periksa kembali dan hubungi kami bila masih ada selisih.",
        actor=manajer,
        now=ago(25),
    )

    # Known error: OM SPAN login fails after a certificate change; workaround in HAIPEDIA.
    known = services.create_problem(
        title="Login OM SPAN gagal di peramban lama",
        description="Pengguna mendapat pesan koneksi tidak aman saat membuka OM SPAN.",
        ci=_ci("OMSPAN"),
        ticket_list=disruptions(
            "ITSM.01.08.01", "Tidak bisa login OM SPAN: koneksi tidak aman", [14, 12, 9]
        ),
        actor=manajer,
        now=ago(8),
    )
    services.save_analysis(
        known,
        title=known.title,
        description=known.description,
        root_cause="Sertifikat baru memakai rantai yang tidak dikenal peramban versi lama.",
        fix_reference="",
        ci=_ci("OMSPAN"),
        actor=manajer,
        now=ago(7),
    )
    services.publish_workaround(
        known,
        "Minta pengguna memperbarui peramban (Chrome/Edge/Firefox versi terbaru) atau membuka "
        "OM SPAN dari peramban lain; jangan sarankan mengabaikan peringatan keamanan.",
        actor=manajer,
        now=ago(6),
    )

    # Under investigation: SAKTI payment module errors, linked tickets answered together.
    confirmed = services.create_problem(
        title="Galat simpan SPM di modul pembayaran SAKTI",
        description="SPM gagal disimpan dengan pesan galat basis data.",
        ci=_ci("SAKTI"),
        ticket_list=disruptions(
            "ITSM.01.04.03", "SPM tidak dapat disimpan di SAKTI", [20, 18, 16, 15]
        ),
        actor=manajer,
        now=ago(5),
    )
    services.answer_together(
        confirmed,
        "Gangguan penyimpanan SPM di SAKTI sedang ditangani tim teknis. Kami akan "
        "mengabari Anda setelah selesai.",
        actor=manajer,
        now=ago(4),
    )

    # A suggestion: five SPAN disruptions in the last working hours, found by the same
    # function the scheduler runs, waiting for the Manajer Layanan.
    disruptions(
        "ITSM.01.03.01",
        "Penerimaan negara tidak muncul di SPAN",
        [3.5, 3, 2.5, 2, 1.5],
    )
    services.suggest_problems(now)

    # A release by a product owner (the Manajer Layanan: published at once).
    from hai.releases.services import ReleaseData, announce

    announce(
        ReleaseData(
            ci_id=_ci("SAKTI").id,
            version="2026.1",
            released_on=today_wib(now),
            changes="Modul pembayaran: validasi akun belanja sebelum SPM disimpan; "
            "pesan galat yang lebih jelas.",
            impact="Operator tidak perlu melakukan apa pun; SPM dengan akun yang tidak sesuai "
            "DIPA kini ditolak saat disimpan, bukan saat diajukan.",
        ),
        actor=manajer,
        now=now,
    )
    db.session.flush()
    return db.session.query(Problem).count()
