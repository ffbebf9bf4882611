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
