"""Demo reports for `make run`: the last quarter's report delivered on time, the month
before last's delivered late, last month's still a draft, and two problem reports (one
answered by the Kepala Seksi, one a draft)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.extensions import db
from hai.reports import services
from hai.reports.models import Report, ReportKind
from hai.web.timefmt import WIB, today_wib


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=WIB)


def load_demo_reports(*, now: datetime) -> int:
    if db.session.scalar(select(Report.id).limit(1)) is not None:
        return 0
    qa, kasi, manajer, l1 = (
        _user(e)
        for e in (
            "qa@demo.hai.test",
            "kasi@demo.hai.test",
            "manajer@demo.hai.test",
            "agen1@demo.hai.test",
        )
    )
    if None in (qa, kasi, manajer, l1):
        return 0
    today = today_wib(now)
    made = 0

    # The last quarter: drafted on the 1st, delivered on the 8th (on time).
    quarter = services.last_quarter(today)
    drafted = _at(services.following_month(quarter.end), 6)
    report, _ = services.draft_periodic(ReportKind.QUARTERLY, quarter, now=drafted)
    services.save_narrative(
        report,
        {
            "summary": "Volume tiket stabil; call center dan email tetap menjadi kanal utama.",
            "problems": "Pemenuhan tepat waktu untuk eskalasi ke Layer 2 masih di bawah "
            "target pada beberapa direktorat.",
            "recommendations": "Tetapkan OLA per direktorat dan pantau mingguan; tambah "
            "artikel HAIPEDIA untuk ruang lingkup terbanyak.",
        },
        now=drafted + timedelta(days=3),
        actor=manajer,
    )
    services.deliver(report, now=drafted + timedelta(days=7), actor=manajer)
    made += 1

    # The month before last: delivered two days after its due date.
    before_last = services.last_month(services.last_month(today).start)
    drafted = _at(services.following_month(before_last.end), 6)
    report, _ = services.draft_periodic(ReportKind.MONTHLY, before_last, now=drafted)
    services.save_narrative(
        report,
        {"summary": "Seluruh agen mencapai target tanggapan pertama."},
        now=drafted + timedelta(days=5),
        actor=qa,
    )
    services.deliver(report, now=drafted + timedelta(days=11), actor=qa)
    made += 1

    # Last month: the scheduler's draft, waiting for QA.
    services.draft_periodic(ReportKind.MONTHLY, services.last_month(today), now=now)
    made += 1

    # Problem reports to the Kepala Seksi.
    answered = services.create_problem_report(
        {
            "title": "Pertanyaan berulang tentang SP2D yang belum terbit",
            "problems": "Dalam sepekan lebih dari 20 pengguna menanyakan SP2D yang belum "
            "terbit padahal SPM sudah diajukan.",
            "regulation": "PER-8/PB/2023 Pasal 25; ketentuan penerbitan SP2D.",
            "recommendations": "Terbitkan artikel HAIPEDIA tentang tahapan penerbitan SP2D "
            "dan minta KPPN memperbarui status di OM SPAN.",
        },
        now=now - timedelta(days=6),
        actor=l1,
    )
    services.deliver(answered, now=now - timedelta(days=6), actor=l1)
    services.respond(
        answered,
        "Setuju. QA menyusun artikel; Manajer Layanan berkoordinasi dengan Dit. PA.",
        now=now - timedelta(days=5),
        actor=kasi,
    )
    services.create_problem_report(
        {
            "title": "Antrean WhatsApp menumpuk pada jam istirahat",
            "problems": "Pada pukul 12.00–13.00 WIB pesan WhatsApp tidak segera ditanggapi.",
            "analysis": "Jadwal istirahat agen bersamaan; tidak ada agen cadangan.",
        },
        now=now - timedelta(days=1),
        actor=qa,
    )
    return made + 2
