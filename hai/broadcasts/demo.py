"""Demo broadcasts in every state, for `make run`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.broadcasts import sending, services
from hai.broadcasts.models import Broadcast, RecipientContact, RecipientGroup
from hai.extensions import db

REQUESTER = "siaran.demo@kemenkeu.go.id"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_demo_broadcasts(*, now: datetime) -> int:
    """Submitted, waiting for clarification, in review (edited), approved, rejected and
    sent broadcasts; the recipients are demo addresses."""
    if db.session.scalar(select(Broadcast.id).limit(1)) is not None:
        return 0
    requester, l1, kasi = (
        _user(REQUESTER),
        _user("agen1@demo.hai.test"),
        _user("kasi@demo.hai.test"),
    )
    if requester is None or l1 is None or kasi is None:
        return 0
    group = db.session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    if not group.contacts:
        for n, office in enumerate(("Jakarta I", "Bandung I", "Surabaya I", "Medan I"), 1):
            group.contacts.append(
                RecipientContact(
                    name=f"CSO KPPN {office}",
                    organisation=f"KPPN {office}",
                    email=f"cso{n}@demo.hai.test",
                    phone=f"0812000000{n:02d}",
                )
            )
        db.session.flush()

    def ask(title: str, hours_ago: float, **over) -> Broadcast:
        req = services.BroadcastRequest(
            title=title,
            purpose=over.pop("purpose", "Informasi bagi CSO KPPN."),
            content=over.pop(
                "content",
                f"{title}.\nMohon diteruskan kepada satuan kerja mitra KPPN masing-masing.",
            ),
            channels=over.pop("channels", ["email", "portal"]),
            group_ids=[group.id],
            contact_name="Budi Santoso",
            contact_position="Kepala Seksi Pengelolaan Sistem (Eselon IV)",
            contact_email="budi.santoso.demo@kemenkeu.go.id",
            contact_phone="021-3449230",
            **over,
        )
        return services.submit(requester, req, now=now - timedelta(hours=hours_ago))

    ask("Jadwal pemeliharaan SPAN akhir bulan", 1)
    clarify = ask("Perubahan jam layanan KPPN", 3)
    services.ask_clarification(
        clarify, "Mohon konfirmasi tanggal mulai berlaku.", actor=l1, now=now - timedelta(hours=2)
    )
    review = ask("Rilis SAKTI versi terbaru", 5)
    services.forward_to_kepala_seksi(review, "Lengkap.", actor=l1, now=now - timedelta(hours=4))
    services.edit_draft(
        review,
        "Rilis SAKTI versi terbaru (modul pembayaran)",
        review.current.content + "\nPanduan tersedia di HAIPEDIA.",
        "Judul diperjelas",
        actor=kasi,
        now=now - timedelta(hours=3),
    )
    approved = ask("Batas akhir pengajuan SPM akhir tahun", 26, is_education=True)
    services.forward_to_kepala_seksi(approved, "", actor=l1, now=now - timedelta(hours=25))
    services.approve(approved, l1, actor=kasi, now=now - timedelta(hours=24))
    rejected = ask("Promosi acara internal", 30)
    services.forward_to_kepala_seksi(rejected, "", actor=l1, now=now - timedelta(hours=29))
    services.reject(
        rejected,
        "Bukan informasi layanan perbendaharaan.",
        actor=kasi,
        now=now - timedelta(hours=28),
    )
    sent = ask("Libur nasional dan cuti bersama", 50)
    services.forward_to_kepala_seksi(sent, "", actor=l1, now=now - timedelta(hours=49))
    services.approve(sent, l1, actor=kasi, now=now - timedelta(hours=48))
    sending.start_sending(sent, actor=l1, now=now - timedelta(hours=47))
    db.session.flush()
    sending.deliver(now - timedelta(hours=47), broadcast_id=sent.id)
    db.session.commit()
    return 6
