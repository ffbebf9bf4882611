"""Tests for the service catalog seed parser (hai/catalog/seeds.py)."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest

from hai.catalog.seeds import (
    SEED_DIR,
    SeedFormatError,
    SeedService,
    SeedVersion,
    all_seed_versions,
    iter_scopes,
    load_catalog_2023_0,
    load_catalog_revision_2023_06,
)

CATALOG_FILE = "002_493f241e60be5b71.txt"
SLA_FILE = "003_c1b0b844945b1979.txt"
REVISION_FILE = "004_8923d46ad52eabbe.txt"

LEVEL1_2023_0 = {
    "BCSM.01": 4,
    "BCSM.02": 6,
    "BCSM.03": 3,
    "BCSM.04": 3,
    "ITSM.01": 6,
    "ITSM.02": 6,
    "ITSM.03": 2,
    "ITSM.04": 2,
    "MSSM.01": 2,
    "BMSM.01": 0,
    "WBSM.01": 3,
    "CRSM.01": 6,
}
LEVEL2_2023_0 = {
    "BCSM.02.01": 21,
    "BCSM.02.02": 8,
    "BCSM.02.03": 10,
    "BCSM.02.04": 12,
    "BCSM.02.05": 7,
    "BCSM.02.06": 11,
    "BCSM.04.01": 30,
    "BCSM.04.02": 12,
    "BCSM.04.03": 16,
    "ITSM.01.01": 5,
    "ITSM.01.02": 9,
    "ITSM.01.03": 5,
    "ITSM.01.04": 13,
    "ITSM.01.05": 4,
    "ITSM.01.06": 4,
}

# (code, 5.A name, numbered scopes, lettered sub-scopes) in 5.A order; counts read off 004 6.C.
REVISION_SERVICES = [
    ("BCSM.01", "Layanan Konsultasi Dukungan Penyelenggaraan Fungsi DJPb", 72, 0),
    ("BCSM.02.01", "Layanan Konsultasi Teknis Pelaksanaan Anggaran", 21, 0),
    ("BCSM.02.02", "Layanan Konsultasi Teknis Pengelolaan Kas Negara", 20, 0),
    ("BCSM.02.03", "Layanan Konsultasi Teknis Sistem Manajemen Investasi", 10, 0),
    (
        "BCSM.02.04",
        "Layanan Konsultasi Teknis Pembinaan Pengelolaan Keuangan Badan Layanan Umum",
        12,
        0,
    ),
    ("BCSM.02.05", "Layanan Konsultasi Teknis Akuntansi dan Pelaporan Keuangan", 7, 0),
    ("BCSM.02.06", "Layanan Konsultasi Teknis Sistem Perbendaharaan", 11, 0),
    ("ITSM.01.04", "Layanan SAKTI", 4, 26),
    ("ITSM.01.07", "Layanan monSAKTI", 3, 0),
    ("ITSM.01.03", "Layanan SPAN", 4, 29),
    ("ITSM.01.08", "Layanan OMSPAN", 4, 0),
    ("ITSM.01.09", "Layanan Treasury Big Data", 11, 0),
    ("ITSM.02", "Layanan Dukungan Teknis Pengelolaan Infrastruktur", 3, 39),
    ("BMSM.01", "Layanan Broadcast", 0, 0),
    ("BCSM.04.01", "Layanan Konsultasi Teknis Badan Pengelola Dana Perkebunan Sawit", 30, 0),
    ("BCSM.04.03", "Layanan Konsultasi Teknis Pusat Investasi Pemerintah", 16, 0),
    ("BCSM.04.02", "Layanan Konsultasi Teknis Badan Pengelola Dana Lingkungan Hidup", 12, 0),
    ("BCSM.03", "Layanan Narasumber Bidang Perbendaharaan", 11, 0),
    ("WBSM.01", "Layanan Pengaduan", 3, 0),
]


@pytest.fixture(scope="module")
def v2023() -> SeedVersion:
    return load_catalog_2023_0()


@pytest.fixture(scope="module")
def revision() -> SeedVersion:
    return load_catalog_revision_2023_06()


def _services(version: SeedVersion) -> dict[str, SeedService]:
    return {service.code: service for service in version.services}


def _all_codes(version: SeedVersion) -> list[str]:
    codes = [service.code for service in version.services]
    for service in version.services:
        codes.extend(scope.code for scope in iter_scopes(service))
    return codes


# --------------------------------------------------------------------------- 2023.0


def test_2023_0_metadata(v2023: SeedVersion) -> None:
    assert v2023.code == "2023.0"
    assert v2023.effective_from == datetime.date(2023, 1, 1)
    assert "2023.0" in v2023.title
    assert CATALOG_FILE in v2023.source
    assert SLA_FILE in v2023.source


def test_2023_0_services_in_catalog_order(v2023: SeedVersion) -> None:
    assert [s.code for s in v2023.services] == list(LEVEL1_2023_0)
    services = _services(v2023)
    assert services["BCSM.01"].name == "Layanan Konsultasi Dukungan Penyelenggaraan Fungsi DJPb"
    assert services["BCSM.01"].responsible_unit == "Sekretariat DJPb"
    assert services["BCSM.01"].audience == "Internal Ditjen Perbendaharaan"
    assert services["BCSM.04"].responsible_unit == "BPDPKS, BPD LH, PIP"
    assert services["WBSM.01"].name == "Layanan Pengaduan (SIAP)"
    assert services["ITSM.04"].definition == (
        "Layanan ini adalah layanan untuk memfasilitasi pengguna dalam hal melakukan "
        "video conference."
    )
    for service in v2023.services:
        assert service.source_code == service.code
        assert service.definition.startswith("Layanan ini")
        assert service.audience.endswith("Ditjen Perbendaharaan")
        assert service.norm_text.endswith("jam kerja")


def test_2023_0_scope_counts(v2023: SeedVersion) -> None:
    services = _services(v2023)
    assert {code: len(s.scopes) for code, s in services.items()} == LEVEL1_2023_0
    assert sum(LEVEL1_2023_0.values()) == 43

    level2 = {
        scope.code: len(scope.children)
        for service in v2023.services
        for scope in service.scopes
        if scope.children
    }
    assert level2 == LEVEL2_2023_0
    assert sum(level2.values()) == 167
    assert sum(len(list(iter_scopes(s))) for s in v2023.services) == 43 + 167
    # No third level in 2023.0.
    assert all(not c.children for s in v2023.services for sc in s.scopes for c in sc.children)


def test_2023_0_norms(v2023: SeedVersion) -> None:
    services = _services(v2023)
    bcsm02 = {scope.code: scope.norm_hours for scope in services["BCSM.02"].scopes}
    assert bcsm02 == {
        "BCSM.02.01": 32,
        "BCSM.02.02": 32,
        "BCSM.02.03": 24,
        "BCSM.02.04": 24,
        "BCSM.02.05": 32,
        "BCSM.02.06": 32,
    }
    assert services["BCSM.02"].norm_hours is None
    assert services["BCSM.02"].norm_text == "24 s.d. 32 jam kerja"
    assert [s.norm_hours for s in services["BCSM.01"].scopes] == [32, 32, 32, 32]

    broadcast = services["BMSM.01"]
    assert broadcast.norm_hours == 8
    assert broadcast.scopes == []
    assert broadcast.norm_text == "8 jam kerja"

    assert services["ITSM.04"].norm_hours == 16
    assert [s.norm_hours for s in services["ITSM.04"].scopes] == [16, 16]

    crsm = services["CRSM.01"]
    assert [s.norm_hours for s in crsm.scopes] == [8, 16, None, 8, 8, None]
    assert crsm.norm_hours is None
    assert crsm.norm_text == "8 s.d. 16 jam kerja"

    # 003 wins over 002 for MSSM.01 (002 says 24).
    mssm = services["MSSM.01"]
    assert mssm.norm_hours == 32
    assert [s.norm_hours for s in mssm.scopes] == [32, 32]
    assert mssm.norm_text == "32 jam kerja"

    # Sub-scopes inherit the norm of their parent scope.
    for service in v2023.services:
        for scope in service.scopes:
            assert all(child.norm_hours == scope.norm_hours for child in scope.children)


def test_2023_0_norm_text_agrees_with_norms(v2023: SeedVersion) -> None:
    disagreeing = []
    for service in v2023.services:
        bounds = [int(n) for n in re.findall(r"\d+", service.norm_text)]
        norms = {s.norm_hours for s in iter_scopes(service)} or {service.norm_hours}
        norms.discard(None)
        if not all(min(bounds) <= n <= max(bounds) for n in norms):
            disagreeing.append(service.code)
    assert disagreeing == []


def test_2023_0_service_norm_hours(v2023: SeedVersion) -> None:
    expected = {
        "BCSM.01": 32,
        "BCSM.02": None,
        "BCSM.03": 32,
        "BCSM.04": 32,
        "ITSM.01": 24,
        "ITSM.02": 24,
        "ITSM.03": 24,
        "ITSM.04": 16,
        "MSSM.01": 32,
        "BMSM.01": 8,
        "WBSM.01": 32,
        "CRSM.01": None,
    }
    assert {s.code: s.norm_hours for s in v2023.services} == expected


def test_2023_0_scope_codes_labels_and_names(v2023: SeedVersion) -> None:
    services = _services(v2023)
    assert [s.code for s in services["BCSM.01"].scopes] == [
        "BCSM.01.01",
        "BCSM.01.02",
        "BCSM.01.03",
        "BCSM.01.04",
    ]
    assert [s.label for s in services["BCSM.02"].scopes] == ["1", "2", "3", "4", "5", "6"]
    assert services["ITSM.02"].scopes[5].code == "ITSM.02.06"
    assert services["CRSM.01"].scopes[5].code == "CRSM.01.06"

    scopes = {scope.code: scope for s in v2023.services for scope in iter_scopes(s)}
    # Code suffixes are stripped; 002 names win over 003 names.
    assert scopes["BCSM.02.01"].name == "Konsultasi Teknis Pelaksanaan Anggaran"
    assert scopes["BCSM.01.01"].name == "Penataan dan pengembangan organisasi DJPBN"
    assert scopes["CRSM.01.05"].name == "Permintaan informasi Kode Billing MPN"
    assert scopes["CRSM.01.03"].name == (
        "Permintaan development aplikasi (khusus Kantor Pusat DJPb)"
    )
    assert scopes["ITSM.01.01"].name == "Aplikasi Tingkat BUN"
    # Level-2 codes and names, including the pieces split across tables and page breaks.
    assert scopes["BCSM.02.01.21"].name == "Teknis pelaksanaan anggaran lainnya"
    assert scopes["BCSM.02.01.21"].label == "21"
    assert scopes["BCSM.02.02.02"].name == "Treasury Dealing Room (TDR) DJPb"
    assert scopes["BCSM.02.04.04"].name == "BLU Integrated Online System (BIOS) dan data"
    assert scopes["BCSM.02.04.10"].name == (
        "SDM, Kelembagaan dan Teknis Pengelolaan Keuangan Badan Layanan Umum lain-lain"
    )
    assert scopes["BCSM.02.04.12"].name == "Teknis Badan Layanan Umum lainnya"
    assert scopes["BCSM.02.06.08"].name == "Platform pembayaran pemerintah"
    assert scopes["BCSM.04.02.05"].name == "Layanan persuratan pada BPD LH"
    assert scopes["BCSM.04.01.15"].name == "Layanan aplikasi e-billing levy"
    assert scopes["ITSM.01.01.d"].name == "Aplikasi portal SSO/DIGIT (digit.kemenkeu.go.id)"
    assert scopes["ITSM.01.04.m"].name == "Pandu SAKTI Mobile"
    assert scopes["ITSM.01.04.m"].label == "m"
    assert scopes["ITSM.01.06.d"].name == "Aplikasi JIMAT"
    for scope in scopes.values():
        assert "<" not in scope.name and "*" not in scope.name and "  " not in scope.name


def test_2023_0_access_matrix(v2023: SeedVersion) -> None:
    services = _services(v2023)
    assert 4 not in services["ITSM.01"].access
    assert services["BMSM.01"].access == frozenset({8, 9})
    assert services["BCSM.01"].access == frozenset({2, 3})
    everyone = frozenset(range(1, 12))
    assert services["WBSM.01"].access == everyone
    assert services["CRSM.01"].access == everyone
    for service in v2023.services:
        assert service.access <= everyone


def test_2023_0_linked_units(v2023: SeedVersion) -> None:
    units = v2023.linked_units
    assert [u.number for u in units] == list(range(1, 22))
    unit7 = units[6]
    assert unit7.name == "Ditjen Anggaran"
    assert unit7.codes == (
        "BCSM.02.01",
        "BCSM.02.02",
        "ITSM.01.02",
        "ITSM.01.03",
        "ITSM.01.04",
        "ITSM.01.05",
    )
    assert units[4].codes == ("BCSM.02.06", "ITSM.02")
    assert units[17].name == "Pengelola Dana/BLU"
    assert units[17].codes == ("BCSM.04.01", "BCSM.04.02", "BCSM.04.03")
    known = set(_all_codes(v2023))
    assert all(code in known for unit in units for code in unit.codes)


# --------------------------------------------------------------------------- revision


def test_revision_metadata(revision: SeedVersion) -> None:
    assert revision.code == "2023.1"
    assert "Revisi 30 Juni 2023" in revision.title
    assert revision.effective_from == datetime.date(2023, 6, 30)
    assert revision.source.startswith(REVISION_FILE)


def test_revision_services_in_order(revision: SeedVersion) -> None:
    assert [(s.code, s.name) for s in revision.services] == [
        (code, name) for code, name, _, _ in REVISION_SERVICES
    ]
    for service in revision.services:
        assert service.definition == ""
        assert service.audience == ""


def test_revision_per_service_counts(revision: SeedVersion) -> None:
    for service, (code, _, numbered, lettered) in zip(
        revision.services, REVISION_SERVICES, strict=True
    ):
        assert service.code == code
        assert len(service.scopes) == numbered, code
        assert sum(len(scope.children) for scope in service.scopes) == lettered, code
    assert sum(n for _, _, n, _ in REVISION_SERVICES) == 254
    assert sum(n for _, _, _, n in REVISION_SERVICES) == 94


def test_revision_counts_match_raw_text(revision: SeedVersion) -> None:
    """Count rows in the raw 004 table independently of the parser and compare."""
    lines = (SEED_DIR / REVISION_FILE).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("menjadi:"))
    table = lines[start + 1 :]
    norm_rows = sum(line.count("jam kerja") for line in table)
    lettered_rows = sum(1 for line in table if re.match(r"^\s*[a-z]\.\s", line))
    numbered_rows = sum(
        1
        for line in table
        if re.match(r"^\s*\d+\s+\S", line) and not re.match(r"^\s*\d+\s+jam kerja\s*$", line)
    )
    assert (norm_rows, numbered_rows, lettered_rows) == (338, 254, 94)

    leaves = sum(
        1 for service in revision.services for scope in iter_scopes(service) if not scope.children
    )
    scopeless_services = sum(1 for service in revision.services if not service.scopes)
    assert leaves + scopeless_services == norm_rows
    assert sum(len(s.scopes) for s in revision.services) == numbered_rows
    assert sum(len(sc.children) for s in revision.services for sc in s.scopes) == lettered_rows


def test_revision_norms(revision: SeedVersion) -> None:
    for service in revision.services:
        if service.code == "BMSM.01":
            assert service.name == "Layanan Broadcast"
            assert service.norm_hours == 8
            assert service.norm_text == "8 jam kerja"
            assert service.scopes == []
            continue
        assert service.norm_hours == 24, service.code
        assert service.norm_text == "24 jam kerja"
        assert all(scope.norm_hours == 24 for scope in iter_scopes(service)), service.code


def test_revision_codes_and_names(revision: SeedVersion) -> None:
    scopes = {scope.code: scope for s in revision.services for scope in iter_scopes(s)}
    assert scopes["BCSM.01.72"].name == (
        "Layanan Revisi Standar Struktur Biaya (SSB) Satker Lingkup DJPb"
    )
    # Name wrapped onto the next line, norm on a line of its own.
    assert scopes["BCSM.01.27"].name == (
        "Layanan administratif mengenai pelaksanaan pelatihan/pendidikan "
        "kompetensi non gelar/shortcourse"
    )
    # Continuation after the norm column.
    assert scopes["BCSM.02.02.07"].name == (
        "Penatausahaan rekening lainnya milik K/L dan Treasury Notional Pooling (TNP), "
        "rekening bendahara, dan LPJ bendahara"
    )
    # Continuation starting with "Layanan", across a page break.
    assert scopes["BCSM.02.04.10"].name == (
        "SDM, Kelembagaan dan Teknis Pengelolaan Keuangan Badan Layanan Umum lain-lain"
    )
    # Group header and lettered children.
    group = scopes["ITSM.01.04.01"]
    assert group.name == "Modul Administrasi"
    assert group.label == "1"
    assert [c.code for c in group.children] == [f"ITSM.01.04.01.{c}" for c in "abcdef"]
    assert scopes["ITSM.01.04.01.a"].name == "Pengelolaan User SAKTI"
    assert scopes["ITSM.01.04.01.a"].label == "a"
    # Lettered child across a page break.
    assert scopes["ITSM.02.01.b"].name == "Layanan Troubleshooting Jaringan Kantor Vertikal"
    assert scopes["ITSM.02.02.r"].name == "Pemantauan Infrastruktur 24/7"
    assert scopes["ITSM.01.03.01.b"].name == (
        "Layanan Setup Chart of Account (CoA), Rekening, Register dan Kelompok Bayar "
        "(Paygroup) pada Aplikasi Sistem Perbendaharaan dan Anggaran Negara (SPAN)"
    )
    # The page number " 10 " is not a scope; item 10 follows it.
    assert scopes["BCSM.04.02.10"].name == "Layanan penyaluran dana program"
    assert scopes["BCSM.04.01.01"].name == "Layanan pengadaan barang dan jasa pada BPDPKS"
    assert scopes["WBSM.01.03"].name == "Pengaduan layanan"
    for scope in scopes.values():
        assert "jam kerja" not in scope.name
        assert "Nama Layanan" not in scope.name
        assert "  " not in scope.name


def test_revision_carries_over_from_2023_0(v2023: SeedVersion, revision: SeedVersion) -> None:
    base = _services(v2023)
    expected_source = {
        "BCSM.01": "BCSM.01",
        "BCSM.02.03": "BCSM.02",
        "ITSM.01.08": "ITSM.01",
        "ITSM.01.04": "ITSM.01",
        "ITSM.02": "ITSM.02",
        "BMSM.01": "BMSM.01",
        "BCSM.04.01": "BCSM.04",
        "BCSM.03": "BCSM.03",
        "WBSM.01": "WBSM.01",
    }
    services = _services(revision)
    for code, source in expected_source.items():
        assert services[code].source_code == source
    for service in revision.services:
        origin = base[service.source_code]
        assert service.access == origin.access
        assert service.responsible_unit == origin.responsible_unit
    assert services["BCSM.04.02"].responsible_unit == "BPDPKS, BPD LH, PIP"
    assert services["ITSM.01.09"].access == frozenset({8, 9})
    assert revision.linked_units == v2023.linked_units


# --------------------------------------------------------------------------- general


def test_codes_unique_and_well_formed() -> None:
    code_re = re.compile(r"^[A-Z]{4}\.\d{2}(\.\d{2})*(\.[a-z])?$")
    for version in all_seed_versions():
        codes = _all_codes(version)
        assert len(codes) == len(set(codes)), version.code
        assert all(code_re.match(code) for code in codes), version.code
        for service in version.services:
            for scope in service.scopes:
                assert scope.code.startswith(service.code + ".")
                for child in scope.children:
                    assert child.code.startswith(scope.code + ".")


def test_all_seed_versions_and_determinism() -> None:
    first = all_seed_versions()
    second = all_seed_versions()
    assert [v.code for v in first] == ["2023.0", "2023.1"]
    assert first == second
    assert first[0] == load_catalog_2023_0(SEED_DIR)


def test_iter_scopes_is_depth_first(v2023: SeedVersion) -> None:
    service = _services(v2023)["ITSM.01"]
    codes = [scope.code for scope in iter_scopes(service)]
    assert codes[:7] == [
        "ITSM.01.01",
        "ITSM.01.01.a",
        "ITSM.01.01.b",
        "ITSM.01.01.c",
        "ITSM.01.01.d",
        "ITSM.01.01.e",
        "ITSM.01.02",
    ]
    assert len(codes) == 6 + 40


# --------------------------------------------------------------------------- malformed seeds


def _corrupt(tmp_path: Path, name: str, old: str, new: str) -> Path:
    for source in SEED_DIR.glob("*.txt"):
        shutil.copy(source, tmp_path / source.name)
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text {old!r} must occur exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        # 004: a missing scope row breaks the numbering.
        (REVISION_FILE, "5 Layanan Filial KPPN 24 jam kerja \n", "", "not consecutive"),
        # 004: a scope without a norm.
        (REVISION_FILE, "30 Mutasi 24 jam kerja", "30 Mutasi", "no norm and no children"),
        # 004: a missing service heading merges two services.
        (REVISION_FILE, "Layanan OMSPAN  \n", "", "expected 19 service headings"),
        # 004: children of a group header disagree.
        (
            REVISION_FILE,
            "b. Reset Password User SAKTI nonsatker 24 jam kerja",
            "b. Reset Password User SAKTI nonsatker 16 jam kerja",
            "disagree",
        ),
        # 004: a lettered child without a norm.
        (
            REVISION_FILE,
            " c. Pengelolaan Menu pada SAKTI 24 jam kerja",
            " c. Pengelolaan Menu pada SAKTI",
            "has no norm",
        ),
        # 004: one of the 19 services missing from 5.A.
        (REVISION_FILE, "19. Layanan Pengaduan \n", "", "expected 19 services"),
        # 003: the first scope of a service has no norm to share.
        (
            SLA_FILE,
            "1. Penataan dan pengembangan organisasi DJPb\t32 jam kerja",
            "1. Penataan dan pengembangan organisasi DJPb\t",
            "first scope",
        ),
        # 003: an unreadable norm.
        (SLA_FILE, "1. Fasilitas Video Conference\t16 jam kerja", "1. Fasilitas\t16 jam", "norm"),
        # 002: a sub-scope missing from a list.
        (CATALOG_FILE, "<li>5. Belanja Bantuan Sosial</li>", "", "not consecutive"),
        # 002: a bad access mark.
        (
            CATALOG_FILE,
            "| Layanan Broadcast  | Direktorat SITP        | x        |",
            "| Layanan Broadcast  | Direktorat SITP        | ?        |",
            "'o' or 'x'",
        ),
        # 002: a linked unit missing.
        (CATALOG_FILE, "15. Bank Operasional (BCSM.02.02)\n", "", "not consecutive"),
        # 002: a scope count that no longer matches 003.
        (CATALOG_FILE, "<br>4. Pengelolaan aset", " Pengelolaan aset", "3 scopes but 003"),
    ],
)
def test_malformed_seed_raises(tmp_path: Path, name: str, old: str, new: str, message: str) -> None:
    seed_dir = _corrupt(tmp_path, name, old, new)
    with pytest.raises(SeedFormatError, match=message):
        load_catalog_revision_2023_06(seed_dir)


def test_missing_seed_file_raises(tmp_path: Path) -> None:
    with pytest.raises(SeedFormatError, match="not found"):
        load_catalog_2023_0(tmp_path)


def test_revision_tolerates_heading_norm_on_its_own_line(
    tmp_path: Path, revision: SeedVersion
) -> None:
    seed_dir = _corrupt(
        tmp_path,
        REVISION_FILE,
        "Layanan Broadcast 8 jam kerja",
        "Layanan Broadcast \n\n8 jam kerja",
    )
    assert load_catalog_revision_2023_06(seed_dir) == revision
