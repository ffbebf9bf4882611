"""Demo data: one user per role, for `make run`. Never loaded in production."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hai.auth.models import User
from hai.auth.roles import Role
from hai.auth.services import create_user
from hai.extensions import db
from hai.org.models import OrgUnit

DEMO_PASSWORD = "hai-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    unit_code: str
    position: str = ""
    user_type: int | None = None


DEMO_USERS: list[DemoUser] = [
    DemoUser(
        "koordinator@demo.hai.test",
        "Sekar Ayu Koordinator",
        Role.KOORDINATOR,
        "SETDITJEN",
        "Sekretaris DJPb",
    ),
    DemoUser(
        "kasi@demo.hai.test",
        "Bambang Kepala Seksi",
        Role.KEPALA_SEKSI,
        "DIT-SITP",
        "Kepala Seksi Layanan Pengguna",
    ),
    DemoUser(
        "manajer@demo.hai.test",
        "Rina Manajer Layanan",
        Role.MANAJER_LAYANAN,
        "DIT-PA",
        "Kepala Seksi",
    ),
    DemoUser(
        "qa@demo.hai.test",
        "Dewi Penjamin Kualitas",
        Role.QA,
        "DIT-SITP",
        "Penjamin Kualitas Layanan",
    ),
    DemoUser("agen1@demo.hai.test", "Andi Agen Layer 1", Role.AGEN_L1, "DIT-SITP", "Agen Layer 1"),
    DemoUser("agen2@demo.hai.test", "Budi Agen Layer 2", Role.AGEN_L2, "DIT-PA", "Agen Layer 2"),
    DemoUser(
        "agen3@demo.hai.test", "Citra Agen Layer 3", Role.AGEN_L3, "DIT-PA", "Kepala Subdirektorat"
    ),
    DemoUser(
        "cso@demo.hai.test", "Eko CSO KPPN", Role.CSO, "KPPN-JKT1", "Customer Service Officer"
    ),
    DemoUser(
        "bcm@demo.hai.test",
        "Fajar Koordinator BCM",
        Role.KOORDINATOR_BCM,
        "KPPN-JYP",
        "Koordinator Kelangsungan Bisnis",
    ),
    DemoUser(
        "bencana@demo.hai.test",
        "Gita Ketua Tim Bencana",
        Role.KETUA_TIM_BENCANA,
        "SETDITJEN",
        "Ketua Tim Penanganan Bencana",
    ),
    DemoUser("cab@demo.hai.test", "Hadi Anggota CAB", Role.CAB, "DIT-SITP", "Kepala Subdirektorat"),
    DemoUser(
        "perubahan@demo.hai.test",
        "Kurnia Manajer Perubahan",
        Role.MANAJER_PERUBAHAN,
        "DIT-SITP",
        "Kepala Seksi Pengembangan",
    ),
    DemoUser(
        "admin@demo.hai.test", "Indra Administrator", Role.ADMIN, "DIT-SITP", "Administrator Sistem"
    ),
    DemoUser(
        "pengguna@demo.hai.test",
        "Joko Operator Satker",
        Role.PENGGUNA,
        "",
        "Operator SAKTI",
        user_type=1,
    ),
    # A central-office directorate (user type 8) with an official address: it may ask
    # for broadcasts (PER-8 Pasal 18). An address on kemenkeu.go.id that does not exist.
    DemoUser(
        "siaran.demo@kemenkeu.go.id",
        "Lestari Subdit Sistem Informasi",
        Role.PENGGUNA,
        "DIT-SITP",
        "Kepala Subbagian",
        user_type=8,
    ),
]


def load_demo_users(*, now: datetime) -> list[DemoUser]:
    """Create the demo users that are missing; return the ones created."""
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    created = []
    for demo in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == demo.email)):
            continue
        unit = units.get(demo.unit_code)
        create_user(
            email=demo.email,
            name=demo.name,
            password=DEMO_PASSWORD,
            roles=[demo.role],
            unit_id=unit.id if unit else None,
            user_type=demo.user_type,
            position=demo.position,
            is_demo=True,
            now=now,
            actor=None,
            actor_label="demo-loader",
        )
        created.append(demo)
    return created
