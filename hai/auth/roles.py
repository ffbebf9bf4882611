"""Staff and requester roles (PER-8 Pasal 7; KEP-428 Lampiran I §IV)."""

from __future__ import annotations

import enum


class Role(enum.Enum):
    KOORDINATOR = "koordinator"
    KEPALA_SEKSI = "kepala_seksi"
    MANAJER_LAYANAN = "manajer_layanan"
    QA = "qa"
    AGEN_L1 = "agen_l1"
    AGEN_L2 = "agen_l2"
    AGEN_L3 = "agen_l3"
    CSO = "cso"
    KOORDINATOR_BCM = "koordinator_bcm"
    KETUA_TIM_BENCANA = "ketua_tim_bencana"
    CAB = "cab"
    MANAJER_PERUBAHAN = "manajer_perubahan"
    ADMIN = "admin"
    PENGGUNA = "pengguna"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def from_code(cls, code: str) -> Role:
        try:
            return cls(code)
        except ValueError:
            codes = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {code!r}; known: {codes}") from None


ROLE_LABELS: dict[Role, str] = {
    Role.KOORDINATOR: "Koordinator",
    Role.KEPALA_SEKSI: "Kepala Seksi (Koordinator Agen)",
    Role.MANAJER_LAYANAN: "Manajer Layanan",
    Role.QA: "Penjamin Kualitas Layanan (QA)",
    Role.AGEN_L1: "Agen Layer 1",
    Role.AGEN_L2: "Agen Layer 2",
    Role.AGEN_L3: "Agen Layer 3",
    Role.CSO: "Customer Service Officer (CSO)",
    Role.KOORDINATOR_BCM: "Koordinator Kelangsungan Bisnis",
    Role.KETUA_TIM_BENCANA: "Ketua Tim Penanganan Bencana",
    Role.CAB: "Anggota CAB",
    Role.MANAJER_PERUBAHAN: "Manajer Perubahan",
    Role.ADMIN: "Administrator",
    Role.PENGGUNA: "Pengguna Layanan",
}

STAFF_ROLES = frozenset(Role) - {Role.PENGGUNA}
