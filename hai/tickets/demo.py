"""Demo tickets in every state, so that each role's queue shows something real
after `make run`. Times are relative to now, in working hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.extensions import db
from hai.org.models import OrgUnit
from hai.sla.calendars import calendar_for
from hai.tickets import services
from hai.tickets.jobs import flag_breaches
from hai.tickets.models import CloseReason, Level, Ticket, TicketType
from hai.tickets.services import RequesterData
from hai.web.timefmt import today_wib

REQUESTERS = [
    RequesterData(
        "Sri Wahyuni",
        "sri.wahyuni@satker-contoh.go.id",
        "081234567801",
        1,
        "Satker Balai Besar Contoh",
        "654321",
    ),
    RequesterData(
        "Rudi Hartono",
        "rudi.hartono@kemenkeu.go.id",
        "081234567802",
        8,
        "Direktorat Pelaksanaan Anggaran",
        "",
    ),
    RequesterData("PT Sinar Jaya", "admin@sinarjaya.co.id", "0215550003", 5, "", ""),
    RequesterData(
        "Ani Lestari", "ani.lestari@kppn-contoh.go.id", "081234567804", 2, "KPPN Jakarta I", "019"
    ),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _scope(version, code: str):
    return db.session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogScope.code == code)
    )


def load_demo_tickets(*, now: datetime) -> int:
    if db.session.scalar(select(Ticket.id).limit(1)) is not None:
        return 0
    version = version_in_force(today_wib(now))
    l1, l1_cso = _user("agen1@demo.hai.test"), _user("cso@demo.hai.test")
    l2, manajer = _user("agen2@demo.hai.test"), _user("manajer@demo.hai.test")
    if None in (version, l1, l1_cso, l2, manajer):
        return 0
    cal = calendar_for()

    def ago(hours: float) -> datetime:
        """An instant that many working hours before now (at least a minute ago)."""
        start = now - timedelta(days=30)
        target = cal.elapsed(start, now) - timedelta(hours=hours)
        return min(cal.add(start, max(target, timedelta(0))), now - timedelta(minutes=1))

    dit_pa = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "DIT-PA"))
    made = []

    def ticket(subject, requester, code, hours_ago, channel="email", **kw):
        received = ago(hours_ago)
        t = services.create_ticket(
            channel_code=channel,
            received_at=received,
            requester=requester,
            subject=subject,
            description=kw.pop("description", subject),
            scope=_scope(version, code) if code else None,
            now=received,
            actor=kw.pop("actor", l1),
            **kw,
        )
        made.append(t)
        return t

    def taken(t, by=None):
        services.take(t, actor=by or l1, now=t.received_at + timedelta(minutes=2))

    # New, unassigned, in the L1 pool.
    ticket("Tidak bisa login SAKTI setelah ganti password", REQUESTERS[1], "ITSM.01.04.01.b", 0.5)
    ticket(
        "Cara revisi DIPA untuk belanja modal",
        REQUESTERS[0],
        "BCSM.02.01.01",
        0.2,
        channel="portal",
    )
    # Open, being handled, response late (breached).
    late = ticket("SP2D belum terbit padahal SPM sudah diajukan", REQUESTERS[0], "BCSM.02.01.07", 3)
    taken(late)
    # Waiting for documents (clock paused).
    waiting = ticket("Koreksi data supplier di SPAN", REQUESTERS[2], "ITSM.01.03.03.f", 5)
    taken(waiting)
    services.request_documents(
        waiting, "Mohon kirim surat keterangan rekening bank.", actor=l1, now=ago(4)
    )
    # Escalated to L2 of Dit. PA.
    esc = ticket(
        "Mekanisme pembayaran TUP akhir tahun",
        REQUESTERS[0],
        "BCSM.02.01.03",
        10,
        channel="call_center",
        recording_ref="REC-DEMO-0001",
    )
    taken(esc)
    services.reply(
        esc, "Pertanyaan Anda kami teruskan ke direktorat teknis.", actor=l1, now=ago(9.9)
    )
    services.escalate(
        esc, Level.L2, note="Butuh penjelasan Dit. PA.", team_unit=dit_pa, actor=l1, now=ago(9.8)
    )
    services.assign(esc, l2, actor=manajer, now=ago(9.7))
    # Answered, awaiting the final confirmation.
    answered = ticket(
        "Jadwal rekonsiliasi eksternal semester I", REQUESTERS[1], "ITSM.01.04.04.d", 6
    )
    taken(answered)
    services.answer(
        answered,
        "Rekonsiliasi dilakukan melalui SAKTI paling lambat tanggal 10.",
        actor=l1,
        now=ago(5),
    )
    # Closed and rated.
    closed = ticket(
        "Kode billing PNBP kedaluwarsa",
        REQUESTERS[2],
        "ITSM.01.05.01" if _scope(version, "ITSM.01.05.01") else "BCSM.02.02.14",
        20,
        channel="webchat",
    )
    taken(closed)
    services.answer(
        closed, "Silakan buat kode billing baru melalui SIMPONI.", actor=l1, now=ago(19)
    )
    services.confirm_and_close(closed, "Pengguna berhasil membayar.", actor=l1, now=ago(18))
    services.rate(closed, 5, "Terima kasih, sangat membantu.", now=ago(17))
    # Refused by user type.
    refused = ticket(
        "Minta akses aplikasi SAKTI",
        RequesterData("Budi Warga", "budi@mail.test", "", 7),
        "ITSM.01.04.01.a",
        8,
    )
    services.refuse(
        refused,
        CloseReason.REFUSED_USER_TYPE,
        "Layanan aplikasi SAKTI hanya untuk pengguna internal yang berhak.",
        actor=l1,
        now=ago(7),
    )
    # A confidential complaint, visible only to the roles that handle complaints.
    ticket(
        "Pengaduan layanan KPPN",
        REQUESTERS[3],
        "WBSM.01.03",
        2,
        channel="portal",
        ticket_type=TicketType.COMPLAINT,
    )
    # A walk-in question recorded by a CSO at KPPN Jakarta I.
    cso_ticket = ticket(
        "Status SP2D gaji bulan ini",
        REQUESTERS[3],
        "BCSM.02.02.12",
        1,
        channel="hai_cso",
        level=Level.CSO,
        office_unit_id=l1_cso.unit_id,
        actor=l1_cso,
    )
    taken(cso_ticket, l1_cso)
    db.session.flush()
    flag_breaches(now)
    return len(made)
