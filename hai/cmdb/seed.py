"""The configuration items every installation starts with, derived from the catalog's
ITSM applications and infrastructure (002 §ITSM.01-04; 004 ITSM.01.03-ITSM.02) and three
business processes of the technical consultation services (BCSM.02).

Owners: the treasury business systems (SPAN, SAKTI) belong to the Direktorat Sistem
Perbendaharaan, which sets their business rules; the monitoring and data platforms built
on them (OM SPAN, MonSAKTI, Treasury Big Data) and all infrastructure to the Direktorat
SITP, which runs them (the catalog names Dit. SITP responsible for every ITSM service); the
cash-management application to the Direktorat PKN; each business process to the
directorate whose consultation service (BCSM.02.0x) answers for it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hai.cmdb.models import CIKind, ConfigurationItem
from hai.extensions import db
from hai.org.models import OrgUnit

APP, INFRA, PROC = CIKind.APPLICATION, CIKind.INFRASTRUCTURE, CIKind.BUSINESS_PROCESS

# (code, name, kind, owner unit code, catalog codes, description)
ITEMS: list[tuple[str, str, CIKind, str, list[str], str]] = [
    (
        "SPAN",
        "SPAN — Sistem Perbendaharaan dan Anggaran Negara",
        APP,
        "DIT-SP",
        ["ITSM.01.03"],
        "Aplikasi tingkat BUN: pengelolaan kas, penerimaan, buku besar, pembayaran dan "
        "pengendalian anggaran, data referensi.",
    ),
    (
        "SAKTI",
        "SAKTI — Sistem Aplikasi Keuangan Tingkat Instansi",
        APP,
        "DIT-SP",
        ["ITSM.01.04"],
        "Aplikasi satuan kerja: administrasi, penganggaran, pembayaran, pelaporan.",
    ),
    (
        "MONSAKTI",
        "MonSAKTI — Monitoring SAKTI",
        APP,
        "DIT-SITP",
        ["ITSM.01.07", "2023.0:ITSM.03.02"],
        "Pemantauan data SAKTI, interkoneksi dan akses menu.",
    ),
    (
        "OMSPAN",
        "OM SPAN — Online Monitoring SPAN",
        APP,
        "DIT-SITP",
        ["ITSM.01.08", "2023.0:ITSM.03.01"],
        "Pemantauan data SPAN bagi satuan kerja, KPPN dan pimpinan; API monitoring; Dana Desa.",
    ),
    (
        "TBD",
        "Treasury Big Data",
        APP,
        "DIT-SITP",
        ["ITSM.01.09", "2023.0:ITSM.02.05"],
        "Platform data perbendaharaan: open data, data mart, visualisasi dan analisis.",
    ),
    (
        "MANKAS",
        "Aplikasi Manajemen Kas",
        APP,
        "DIT-PKN",
        ["2023.0:ITSM.01.05"],
        "Aplikasi perencanaan dan pengelolaan kas negara.",
    ),
    (
        "INFRA-JARINGAN",
        "Jaringan dan keamanan informasi",
        INFRA,
        "DIT-SITP",
        ["2023.0:ITSM.02.01", "2023.0:ITSM.02.06", "2023.1:ITSM.02.01"],
        "Jaringan DJPb, konektivitas kantor dan penanganan gangguan keamanan informasi.",
    ),
    (
        "INFRA-PERANGKAT",
        "Perangkat TIK (perangkat keras dan lunak)",
        INFRA,
        "DIT-SITP",
        ["2023.0:ITSM.02.02", "2023.0:ITSM.02.03", "2023.1:ITSM.02.02"],
        "Server, perangkat kerja dan perangkat lunak pendukung.",
    ),
    (
        "INFRA-BASISDATA",
        "Basis data",
        INFRA,
        "DIT-SITP",
        ["2023.0:ITSM.02.04", "2023.1:ITSM.02.03"],
        "Basis data aplikasi perbendaharaan.",
    ),
    (
        "INFRA-VICON",
        "Video conference",
        INFRA,
        "DIT-SITP",
        ["2023.0:ITSM.04"],
        "Fasilitas dan pendampingan video conference.",
    ),
    (
        "BP-PEMBAYARAN",
        "Proses bisnis pelaksanaan anggaran dan pembayaran (SPM–SP2D)",
        PROC,
        "DIT-PA",
        ["BCSM.02.01"],
        "Ketentuan dan mekanisme pelaksanaan anggaran serta pembayaran APBN.",
    ),
    (
        "BP-KAS",
        "Proses bisnis pengelolaan kas negara",
        PROC,
        "DIT-PKN",
        ["BCSM.02.02"],
        "Penerimaan negara, rekening pemerintah, perencanaan kas.",
    ),
    (
        "BP-AKUNTANSI",
        "Proses bisnis akuntansi dan pelaporan keuangan",
        PROC,
        "DIT-APK",
        ["BCSM.02.05"],
        "Rekonsiliasi, akuntansi dan laporan keuangan pemerintah.",
    ),
]


def load_configuration_items(*, now: datetime) -> int:
    """Insert the seed items that are missing (by code); return how many were added.
    Items an administrator changed are left as they are."""
    existing = set(db.session.scalars(select(ConfigurationItem.code)))
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    added = 0
    for code, name, kind, owner, codes, description in ITEMS:
        if code in existing or owner not in units:
            continue
        db.session.add(
            ConfigurationItem(
                code=code,
                name=name,
                kind=kind,
                owner_unit_id=units[owner].id,
                service_codes=codes,
                description=description,
                is_active=True,
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    db.session.flush()
    return added
