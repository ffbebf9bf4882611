"""The units every installation starts with: the Kantor Pusat directorates named in
the seeds (004 §6.C Layanan Narasumber), the BLUs under DJPb, and a handful of
Kanwil and KPPN. Administrators add the rest."""

from __future__ import annotations

from sqlalchemy import select

from hai.extensions import db
from hai.org.models import OrgUnit, UnitKind

K = UnitKind
# (code, name, short name, kind, parent code)
UNITS: list[tuple[str, str, str, UnitKind, str | None]] = [
    (
        "KP-DJPB",
        "Kantor Pusat Direktorat Jenderal Perbendaharaan",
        "Kantor Pusat DJPb",
        K.KANTOR_PUSAT,
        None,
    ),
    (
        "SETDITJEN",
        "Sekretariat Direktorat Jenderal Perbendaharaan",
        "Sekretariat DJPb",
        K.DIREKTORAT,
        "KP-DJPB",
    ),
    ("DIT-PA", "Direktorat Pelaksanaan Anggaran", "Dit. PA", K.DIREKTORAT, "KP-DJPB"),
    ("DIT-PKN", "Direktorat Pengelolaan Kas Negara", "Dit. PKN", K.DIREKTORAT, "KP-DJPB"),
    ("DIT-SMI", "Direktorat Sistem Manajemen Investasi", "Dit. SMI", K.DIREKTORAT, "KP-DJPB"),
    (
        "DIT-PPKBLU",
        "Direktorat Pembinaan Pengelolaan Keuangan Badan Layanan Umum",
        "Dit. PPK BLU",
        K.DIREKTORAT,
        "KP-DJPB",
    ),
    ("DIT-APK", "Direktorat Akuntansi dan Pelaporan Keuangan", "Dit. APK", K.DIREKTORAT, "KP-DJPB"),
    ("DIT-SP", "Direktorat Sistem Perbendaharaan", "Dit. SP", K.DIREKTORAT, "KP-DJPB"),
    (
        "DIT-SITP",
        "Direktorat Sistem Informasi dan Teknologi Perbendaharaan",
        "Dit. SITP",
        K.DIREKTORAT,
        "KP-DJPB",
    ),
    ("BPDPKS", "Badan Pengelola Dana Perkebunan Kelapa Sawit", "BPDPKS", K.BLU, "KP-DJPB"),
    ("BPDLH", "Badan Pengelola Dana Lingkungan Hidup", "BPDLH", K.BLU, "KP-DJPB"),
    ("PIP", "Pusat Investasi Pemerintah", "PIP", K.BLU, "KP-DJPB"),
    (
        "KANWIL-DKI",
        "Kantor Wilayah DJPb Provinsi DKI Jakarta",
        "Kanwil DKI Jakarta",
        K.KANWIL,
        "KP-DJPB",
    ),
    ("KPPN-JKT1", "KPPN Jakarta I", "", K.KPPN, "KANWIL-DKI"),
    ("KPPN-JKT2", "KPPN Jakarta II", "", K.KPPN, "KANWIL-DKI"),
    ("KPPN-JKT3", "KPPN Jakarta III", "", K.KPPN, "KANWIL-DKI"),
    (
        "KANWIL-JABAR",
        "Kantor Wilayah DJPb Provinsi Jawa Barat",
        "Kanwil Jawa Barat",
        K.KANWIL,
        "KP-DJPB",
    ),
    ("KPPN-BDG1", "KPPN Bandung I", "", K.KPPN, "KANWIL-JABAR"),
    ("KPPN-BOGOR", "KPPN Bogor", "", K.KPPN, "KANWIL-JABAR"),
    (
        "KANWIL-JATIM",
        "Kantor Wilayah DJPb Provinsi Jawa Timur",
        "Kanwil Jawa Timur",
        K.KANWIL,
        "KP-DJPB",
    ),
    ("KPPN-SBY1", "KPPN Surabaya I", "", K.KPPN, "KANWIL-JATIM"),
    ("KPPN-MALANG", "KPPN Malang", "", K.KPPN, "KANWIL-JATIM"),
    (
        "KANWIL-SUMUT",
        "Kantor Wilayah DJPb Provinsi Sumatera Utara",
        "Kanwil Sumatera Utara",
        K.KANWIL,
        "KP-DJPB",
    ),
    ("KPPN-MDN1", "KPPN Medan I", "", K.KPPN, "KANWIL-SUMUT"),
    (
        "KANWIL-SULSEL",
        "Kantor Wilayah DJPb Provinsi Sulawesi Selatan",
        "Kanwil Sulawesi Selatan",
        K.KANWIL,
        "KP-DJPB",
    ),
    ("KPPN-MKS1", "KPPN Makassar I", "", K.KPPN, "KANWIL-SULSEL"),
    ("KANWIL-PAPUA", "Kantor Wilayah DJPb Provinsi Papua", "Kanwil Papua", K.KANWIL, "KP-DJPB"),
    ("KPPN-JYP", "KPPN Jayapura", "", K.KPPN, "KANWIL-PAPUA"),
]


def load_units() -> int:
    """Insert the seed units that are missing; return how many were added."""
    existing = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    added = 0
    for code, name, short, kind, parent_code in UNITS:
        if code in existing:
            continue
        unit = OrgUnit(code=code, name=name, short_name=short, kind=kind)
        unit.parent = existing.get(parent_code) if parent_code else None
        db.session.add(unit)
        existing[code] = unit
        added += 1
    db.session.flush()
    return added
