"""Demo change requests for `make run`: the CAB's Eselon III seat and RFCs in several states
(submitted, assessed, rejected, a catalog change being carried out, one closed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.catalog.queries import version_in_force
from hai.changes import services
from hai.changes.models import ChangeCategory, ChangeImpact, ChangeRequest, ChangeResult, Decision
from hai.extensions import db
from hai.org.models import OrgUnit
from hai.web.timefmt import today_wib


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _unit(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def load_demo_changes(*, now: datetime) -> int:
    if db.session.scalar(select(ChangeRequest.id).limit(1)) is not None:
        return 0
    emails = ("cab@demo.hai.test", "perubahan@demo.hai.test", "manajer@demo.hai.test",
              "agen1@demo.hai.test", "pengguna@demo.hai.test", "admin@demo.hai.test")  # fmt: skip
    cab, mp, manajer, agent, requester, admin = (_user(e) for e in emails)
    sitp, sp = _unit("DIT-SITP"), _unit("DIT-SP")
    version = version_in_force(today_wib(now))
    if None in (cab, mp, manajer, agent, requester, admin, sitp, sp, version):
        return 0
    services.add_member(cab, eselon3=True, now=now - timedelta(days=30), actor=admin)
    service_id = next(s.id for s in version.services if s.code.startswith("ITSM"))

    def rfc(title, description, *, days_ago, by_portal=True, **kw):
        data = services.ChangeData(title=title, description=description, **kw)
        if by_portal:
            return services.submit(data, now=now - timedelta(days=days_ago), requester=requester)
        data.requester_name, data.requester_email = "Bambang Satker", "bambang@satker-contoh.go.id"
        return services.submit(
            data, now=now - timedelta(days=days_ago), requester=None, recorded_by=agent
        )

    def to_cab(change, days_ago, owner=sitp):
        at = now - timedelta(days=days_ago)
        services.link_owner(change, owner, "Kepala Seksi terkait", now=at, actor=manajer)

    def assessed(change, days_ago, category=ChangeCategory.NORMAL, impact=ChangeImpact.MEDIUM):
        at = now - timedelta(days=days_ago)
        services.assess(
            change, category=category, impact=impact,
            assessment="Perubahan pada aplikasi; uji di lingkungan pengembangan terlebih dahulu.",
            planned_start=today_wib(at) + timedelta(days=2),
            planned_end=today_wib(at) + timedelta(days=12), now=at, actor=cab,
        )  # fmt: skip

    # Submitted on the portal, waiting for HAI-DJPb to link the product owner.
    rfc(
        "Notifikasi email saat SP2D terbit",
        "Satker ingin menerima email otomatis saat SP2D diterbitkan KPPN.",
        days_ago=1,
        service_id=service_id,
        justification="Mengurangi pertanyaan status SP2D ke call center.",
    )
    # Assessed by the CAB, waiting for the decision.
    waiting = rfc(
        "Perpanjangan jam layanan call center saat akhir tahun",
        "Jam layanan 152 diperpanjang sampai 20.00 WIB pada 15-31 Desember.",
        days_ago=6,
        by_portal=False,
        in_catalog=False,
    )
    to_cab(waiting, 5, owner=sp)
    assessed(waiting, 4)
    # Rejected.
    rejected = rfc(
        "Akses langsung basis data SPAN untuk satker",
        "Satker meminta akses baca langsung ke basis data SPAN.",
        days_ago=20,
        service_id=service_id,
    )
    to_cab(rejected, 19)
    assessed(rejected, 18, impact=ChangeImpact.HIGH)
    services.decide(
        rejected,
        Decision.REJECT,
        "Bertentangan dengan kebijakan keamanan informasi; data tersedia melalui OM SPAN.",
        now=now - timedelta(days=17),
        actor=cab,
    )
    # A change to the catalog itself, approved and being carried out with its draft version.
    catalog = rfc(
        "Ruang lingkup baru: konsultasi Treasury Big Data",
        "Tambahkan ruang lingkup konsultasi pemanfaatan Treasury Big Data ke katalog.",
        days_ago=12,
        service_id=service_id,
        catalog_change=True,
    )
    to_cab(catalog, 11)
    assessed(catalog, 10)
    services.decide(
        catalog, Decision.APPROVE, "Dibutuhkan pengguna internal.", now=now - timedelta(days=9),
        actor=cab,
    )  # fmt: skip
    services.start(catalog, now=now - timedelta(days=8), actor=mp)
    services.create_catalog_draft(catalog, now=now - timedelta(days=8), actor=mp)
    # Carried out and reviewed.
    done = rfc(
        "Tambah kanal WhatsApp untuk pertanyaan gaji",
        "Pertanyaan gaji dapat disampaikan melalui WhatsApp resmi HAI-DJPb.",
        days_ago=40,
        in_catalog=False,
        by_portal=False,
    )
    to_cab(done, 39)
    assessed(done, 38, category=ChangeCategory.STANDARD, impact=ChangeImpact.LOW)
    services.decide(
        done, Decision.APPROVE, "Perubahan standar.", now=now - timedelta(days=37), actor=cab
    )
    services.start(done, now=now - timedelta(days=35), actor=mp)
    services.record_implementation(
        done,
        ChangeResult.SUCCESS,
        "Nomor WhatsApp resmi diumumkan dan agen L1 dijadwalkan.",
        now=now - timedelta(days=25),
        actor=mp,
    )
    services.review(
        done, "Volume WhatsApp sesuai perkiraan.", now=now - timedelta(days=20), actor=mp
    )
    return 5
