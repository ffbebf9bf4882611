"""Parser for the HAI-DJPb service catalog seed texts (pure Python, no Flask, no database).

The seed directory ``hai/catalog/seeds/`` holds three Indonesian source texts, copied verbatim:

* ``002_493f241e60be5b71.txt`` -- *Katalog Layanan Pengguna HAI-DJPb*, version 2023.0
  (markdown with HTML fragments): the 12 coded services (section D.1), the user-type access
  matrix (D.2), the per-service definition blocks (E) and the "linked service" units (F).
* ``003_c1b0b844945b1979.txt`` -- *Service Level Agreement* 2023.0. Its section 6.4 norm
  table (tab separated) is authoritative for the level-1 scopes and their norms.
* ``004_8923d46ad52eabbe.txt`` -- the SLA revision reviewed on 30 June 2023 (PDF-extracted
  text): the 19 services of section 5.A and the norm table of section 6.C.

Two catalog versions are built from them:

* ``2023.0`` (:func:`load_catalog_2023_0`, effective 2023-01-01) from 002 + 003.
* ``2023.1`` (:func:`load_catalog_revision_2023_06`, effective 2023-06-30) from 004, with the
  access matrix, responsible units and linked units carried over from 2023.0.

Every parser validates what it reads (consecutive numbering ``1..n`` / ``a..z`` within each
parent, expected counts, every leaf scope has a norm, cross-references between the files) and
raises :class:`SeedFormatError` instead of guessing.

Code scheme (stable; other data may refer to these codes)
---------------------------------------------------------
2023.0:

* Services keep their seed codes (``BCSM.01`` ... ``CRSM.01``).
* Level-1 scopes: the seed code where the seed gives one (``BCSM.02.01``, ``BCSM.04.02``,
  ``ITSM.01.03`` ...), otherwise service code + ``"."`` + two-digit position (``BCSM.01.01`` ..
  ``BCSM.01.04``, ``ITSM.02.06``, ``CRSM.01.06``). Seed codes are checked to equal that
  position-based code, so both rules always agree.
* Level-2 scopes: parent code + ``"."`` + two-digit number for numbered items
  (``BCSM.02.01.21``) or + ``"."`` + the lowercase letter for lettered items
  (``ITSM.01.04.m``).

2023.1 (revision of 30 June 2023), services in the order of 004 section 5.A:

* Reused 2023.0 codes: 1 -> ``BCSM.01``; 2..7 -> ``BCSM.02.01`` .. ``BCSM.02.06``;
  8 SAKTI -> ``ITSM.01.04``; 10 SPAN -> ``ITSM.01.03``; 13 Infrastruktur -> ``ITSM.02``;
  14 Broadcast -> ``BMSM.01``; 15 BPDPKS -> ``BCSM.04.01``; 16 PIP -> ``BCSM.04.03``;
  17 BPDLH -> ``BCSM.04.02``; 18 Narasumber -> ``BCSM.03``; 19 Pengaduan -> ``WBSM.01``.
* New services continue the ``ITSM.01`` application numbering in order of appearance:
  9 monSAKTI -> ``ITSM.01.07``, 11 OMSPAN -> ``ITSM.01.08``, 12 Treasury Big Data ->
  ``ITSM.01.09``.
* ``source_code`` is the 2023.0 top-level service the code falls under (first two code
  segments, e.g. ``ITSM.01.08`` -> ``ITSM.01``); it supplies the access matrix and the
  responsible unit.
* Scopes: service code + ``"."`` + two-digit number (``ITSM.01.04.01``); lettered sub-scopes:
  + ``"."`` + letter (``ITSM.01.04.01.a``).

Notes on the sources
--------------------
* Norms: 003 wins over 002. The only disagreement is ``MSSM.01`` (Layanan Dukungan Pimpinan):
  002 section E says "24 jam kerja", 003 section 6.4 says 32. The scopes and ``norm_hours``
  use 32, and so does ``norm_text`` ("32 jam kerja"); elsewhere ``norm_text`` is 002's wording.
* 003 merges SLA cells: a scope row with an empty norm cell shares the norm of the row above
  it in the same service; ``-`` means "no norm" (``None``).
* 2023.0 level-1 scope labels are 003's row numbers ("1".."6"), even where 002 letters the
  same scopes (BCSM.02 and BCSM.04 use "a".."f" / "a".."c" in 002).
* 2023.0 level-1 names come from 002 section E where it lists the scopes, else from 003.
* In the revision, a numbered group header with lettered children carries no norm of its own;
  its ``norm_hours`` is the norm shared by all its children (an error if they disagree).
  Revision services have no definition/audience (``""``) and their ``norm_text`` is built from
  the table ("24 jam kerja", or "<min> s.d. <max> jam kerja" if the scopes differ).
* Revision table headings are worded differently from the 5.A list (e.g. "Manajemen Kas" vs
  "Pengelolaan Kas Negara"); the 5.A names are used, matched by order, and each heading must
  share at least one distinctive word with its 5.A name.
* Texts are kept verbatim apart from whitespace normalisation, HTML tag / markdown emphasis /
  markdown link removal; source typos such as "lnvestasi", "eskportir", "Toools" are kept.
"""

from __future__ import annotations

import datetime
import html
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "SEED_DIR",
    "SeedFormatError",
    "SeedLinkedUnit",
    "SeedScope",
    "SeedService",
    "SeedVersion",
    "all_seed_versions",
    "iter_scopes",
    "load_catalog_2023_0",
    "load_catalog_revision_2023_06",
]

SEED_DIR: Path = Path(__file__).parent / "seeds"

CATALOG_FILE = "002_493f241e60be5b71.txt"
SLA_FILE = "003_c1b0b844945b1979.txt"
REVISION_FILE = "004_8923d46ad52eabbe.txt"

USER_TYPE_COUNT = 11
SERVICE_COUNT_2023_0 = 12
SERVICE_COUNT_REVISION = 19
LINKED_UNIT_COUNT = 21

# (keyword expected in the 5.A name, code) for the 19 revision services, in 5.A order.
_REVISION_CODES: tuple[tuple[str, str], ...] = (
    ("Dukungan Penyelenggaraan Fungsi", "BCSM.01"),
    ("Pelaksanaan Anggaran", "BCSM.02.01"),
    ("Pengelolaan Kas Negara", "BCSM.02.02"),
    ("Sistem Manajemen Investasi", "BCSM.02.03"),
    ("Badan Layanan Umum", "BCSM.02.04"),
    ("Akuntansi dan Pelaporan Keuangan", "BCSM.02.05"),
    ("Sistem Perbendaharaan", "BCSM.02.06"),
    ("Layanan SAKTI", "ITSM.01.04"),
    ("monSAKTI", "ITSM.01.07"),
    ("Layanan SPAN", "ITSM.01.03"),
    ("OMSPAN", "ITSM.01.08"),
    ("Treasury Big Data", "ITSM.01.09"),
    ("Infrastruktur", "ITSM.02"),
    ("Broadcast", "BMSM.01"),
    ("Perkebunan Sawit", "BCSM.04.01"),
    ("Pusat Investasi Pemerintah", "BCSM.04.03"),
    ("Lingkungan Hidup", "BCSM.04.02"),
    ("Narasumber", "BCSM.03"),
    ("Pengaduan", "WBSM.01"),
)

_MONTHS_ID = {
    "januari": 1,
    "februari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}


class SeedFormatError(ValueError):
    """A seed file does not have the structure the parser expects."""


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class SeedScope:
    code: str
    label: str  # the number or letter as in the source: "1", "12", "a"
    name: str
    norm_hours: int | None  # None where the source says "-"
    children: list[SeedScope] = field(default_factory=list)


@dataclass(frozen=True)
class SeedService:
    code: str
    name: str
    definition: str
    audience: str
    responsible_unit: str
    norm_hours: int | None
    norm_text: str
    scopes: list[SeedScope]
    access: frozenset[int]
    source_code: str


@dataclass(frozen=True)
class SeedLinkedUnit:
    number: int
    name: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class SeedVersion:
    code: str
    title: str
    effective_from: datetime.date
    source: str
    services: list[SeedService]
    linked_units: list[SeedLinkedUnit]


def iter_scopes(service: SeedService) -> Iterator[SeedScope]:
    """Yield all scopes of ``service`` depth-first (parent before its children)."""

    yield from _walk_scopes(service.scopes)


def _walk_scopes(scopes: Sequence[SeedScope]) -> Iterator[SeedScope]:
    for scope in scopes:
        yield scope
        yield from _walk_scopes(scope.children)


# --------------------------------------------------------------------------- text helpers

_SERVICE_CODE = r"[A-Z]{4}\.\d{2}"
_SERVICE_CODE_RE = re.compile(rf"^{_SERVICE_CODE}$")
_ANY_CODE_RE = re.compile(rf"{_SERVICE_CODE}(?:\.\d{{2}})?")
_CODE_SUFFIX_RE = re.compile(rf"^(.*?)\s*\(({_SERVICE_CODE}(?:\.\d{{2}})?)\)$")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:br|p|li|ol|ul|div)\b[^>]*>", re.IGNORECASE)
_ITEM_RE = re.compile(r"^(\d{1,3}|[a-z])\.\s+(\S.*)$")
_BULLET_RE = re.compile(r"^[-+]\s+")
_TABLE_SEPARATOR_RE = re.compile(r"^\|[\s|:-]*\|?$")
_NORM_CELL_RE = re.compile(r"^(\d+)\s+jam\s+kerja$", re.IGNORECASE)
_DATE_RE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")


def _clean(text: str) -> str:
    """Strip HTML tags, markdown links/emphasis and normalise whitespace."""
    text = _LINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text).replace("*", "")
    text = " ".join(text.split())
    # Tag removal leaves "( outbond )" / "conference ." behind; close those gaps.
    text = re.sub(r"\(\s+", "(", text)
    return re.sub(r"\s+([).,])", r"\1", text)


def _read(seed_dir: Path, name: str) -> list[str]:
    path = Path(seed_dir) / name
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise SeedFormatError(f"seed file not found: {path}") from exc


def _find_line(lines: Sequence[str], pattern: str, what: str, start: int = 0) -> int:
    """Index of the single line (from ``start``) matching ``pattern``."""
    regex = re.compile(pattern)
    hits = [i for i in range(start, len(lines)) if regex.search(lines[i])]
    if len(hits) != 1:
        raise SeedFormatError(f"expected exactly one {what} line, found {len(hits)}")
    return hits[0]


def _table_cells(line: str) -> list[str]:
    """Cells of a markdown table row (outer pipes removed, cells stripped)."""
    inner = line.strip()
    inner = inner.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in inner.split("|")]


def _check_sequence(labels: Sequence[str], context: str) -> None:
    """Labels must be "1".."n" or "a".."z", consecutive from the start."""
    if not labels:
        return
    if labels[0].isdigit():
        expected = [str(i) for i in range(1, len(labels) + 1)]
    else:
        if len(labels) > 26:
            raise SeedFormatError(f"{context}: more than 26 lettered items")
        expected = [chr(ord("a") + i) for i in range(len(labels))]
    if list(labels) != expected:
        raise SeedFormatError(
            f"{context}: numbering is not consecutive: got {', '.join(labels)}; "
            f"expected {', '.join(expected)}"
        )


def _parse_date(text: str, what: str) -> datetime.date:
    match = _DATE_RE.search(text)
    if not match or match.group(2).lower() not in _MONTHS_ID:
        raise SeedFormatError(f"cannot parse the {what} date from {text!r}")
    day, month, year = match.group(1), match.group(2).lower(), match.group(3)
    return datetime.date(int(year), _MONTHS_ID[month], int(day))


def _sub_code(parent: str, label: str) -> str:
    return f"{parent}.{int(label):02d}" if label.isdigit() else f"{parent}.{label}"


def _norm_text(norms: Sequence[int | None]) -> str:
    values = sorted({n for n in norms if n is not None})
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]} jam kerja"
    return f"{values[0]} s.d. {values[-1]} jam kerja"


def _agreeing_norm_text(text: str, norm_hours: int | None) -> str:
    """002's wording, unless 003 fixes a single norm that the wording contradicts."""
    bounds = [int(n) for n in re.findall(r"\d+", text)]
    if norm_hours is not None and bounds and not min(bounds) <= norm_hours <= max(bounds):
        return f"{norm_hours} jam kerja"
    return text


def _single_norm(norms: Sequence[int | None]) -> int | None:
    distinct = set(norms)
    return norms[0] if len(distinct) == 1 else None


# --------------------------------------------------------------------------- 002 catalog


@dataclass
class _CatalogRow:
    code: str
    name: str
    unit: str


@dataclass
class _Item:
    """A numbered/lettered list item while it is being assembled."""

    label: str
    text: str
    line: int
    norm: int | None = None
    has_norm: bool = False
    code: str | None = None
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Definition:
    code: str
    definition: str
    audience: str
    norm_text: str
    scopes: list[_Item]


def _parse_catalog_table(lines: list[str]) -> list[_CatalogRow]:
    start = _find_line(lines, r"^#+\s*1\.\s*Katalog Layanan\s*$", "D.1 'Katalog Layanan'")
    end = _find_line(lines, r"^#+\s*2\.\s*Pengguna Layanan\s*$", "D.2 'Pengguna Layanan'")
    rows: list[_CatalogRow] = []
    for line in lines[start + 1 : end]:
        if not line.startswith("|") or _TABLE_SEPARATOR_RE.match(line.strip()):
            continue
        cells = _table_cells(line)
        if cells[0] == "Kode":
            continue
        if len(cells) != 3 or not _SERVICE_CODE_RE.match(cells[0]):
            raise SeedFormatError(f"002 D.1: unexpected row {line.strip()!r}")
        rows.append(_CatalogRow(cells[0], _clean(cells[1]), _clean(cells[2])))
    if len(rows) != SERVICE_COUNT_2023_0:
        raise SeedFormatError(
            f"002 D.1: expected {SERVICE_COUNT_2023_0} services, found {len(rows)}"
        )
    codes = [row.code for row in rows]
    if len(set(codes)) != len(codes):
        raise SeedFormatError("002 D.1: duplicate service codes")
    return rows


def _parse_access_matrix(lines: list[str], catalog: list[_CatalogRow]) -> dict[str, frozenset[int]]:
    start = _find_line(lines, r"^#+\s*2\.\s*Pengguna Layanan\s*$", "D.2 'Pengguna Layanan'")
    end = _find_line(lines, r"^#+\s*Keterangan\s*:?\s*$", "D.2 'Keterangan'", start)
    numbers = [str(i) for i in range(1, USER_TYPE_COUNT + 1)]
    header_seen = False
    access: dict[str, frozenset[int]] = {}
    order: list[str] = []
    for line in lines[start + 1 : end]:
        if not line.startswith("|") or _TABLE_SEPARATOR_RE.match(line.strip()):
            continue
        cells = _table_cells(line)
        if cells[0] == "Kode":
            continue
        if cells[0] == "" and cells[3:] == numbers:
            header_seen = True
            continue
        if len(cells) != 3 + USER_TYPE_COUNT or not _SERVICE_CODE_RE.match(cells[0]):
            raise SeedFormatError(f"002 D.2: unexpected row {line.strip()!r}")
        marks = [cell.lower() for cell in cells[3:]]
        if any(mark not in ("o", "x") for mark in marks):
            raise SeedFormatError(f"002 D.2: marks must be 'o' or 'x' in {line.strip()!r}")
        access[cells[0]] = frozenset(i + 1 for i, mark in enumerate(marks) if mark == "o")
        order.append(cells[0])
    if not header_seen:
        raise SeedFormatError(f"002 D.2: user type header row 1..{USER_TYPE_COUNT} not found")
    if order != [row.code for row in catalog]:
        raise SeedFormatError("002 D.2: services differ from the D.1 table")

    legend = [
        m.group(1)
        for line in lines[end + 1 :]
        if (m := re.match(r"^\s*\d+\.\s+Pengguna\s+(\d+)\s*:", line))
    ]
    if legend != numbers:
        raise SeedFormatError(f"002 D.2: expected user types 1..{USER_TYPE_COUNT} in the legend")
    return access


def _scope_region_lines(block: list[str], code: str) -> list[str]:
    """Flatten the 'Ruang Lingkup' part of a section E block into clean text lines.

    The region runs from the 'Ruang Lingkup' table row to the next labelled row (normally
    'Norma Waktu') and may span markdown lines and several table fragments.
    """
    labels = ("definisi", "pengguna", "ruang lingkup", "batasan", "norma waktu")
    start: int | None = None
    end: int | None = None
    for i, line in enumerate(block):
        if not line.startswith("|"):
            continue
        label = _table_cells(line)[0].lower()
        if label == "ruang lingkup":
            start = i
        elif label in labels and start is not None:
            end = i
            break
    if start is None or end is None:
        raise SeedFormatError(f"002 E ({code}): 'Ruang Lingkup' row not found or not closed")

    pieces: list[str] = []
    for line in block[start:end]:
        stripped = line.strip()
        if stripped.startswith("|"):
            if _TABLE_SEPARATOR_RE.match(stripped):
                continue
            cells = _table_cells(stripped)
            if cells[0].lower() == "ruang lingkup":
                cells = cells[1:]
            pieces.extend(cell for cell in cells if cell)
        elif stripped:
            pieces.append(stripped)
    out: list[str] = []
    for piece in pieces:
        for raw in _BLOCK_TAG_RE.sub("\n", piece).splitlines():
            text = _BULLET_RE.sub("", _clean(raw))
            if text:
                out.append(text)
    return out


def _parse_scope_items(region: list[str], code: str) -> list[_Item]:
    """Turn the flattened scope lines of one service into level-1 items with children."""
    items: list[_Item] = []
    free_text: list[str] = []
    for text in region:
        match = _ITEM_RE.match(text)
        if match:
            items.append(_Item(match.group(1), match.group(2), line=0))
        else:
            free_text.append(text)
    if not items:
        return []  # a free-text scope description (BMSM.01): no enumerated scopes
    if free_text:
        raise SeedFormatError(f"002 E ({code}): unexpected scope text {free_text[0]!r}")

    for item in items:
        match = _CODE_SUFFIX_RE.match(item.text)
        if match and match.group(2).startswith(code + "."):
            item.text, item.code = match.group(1), match.group(2)

    if not any(item.code for item in items):
        _check_sequence([item.label for item in items], f"002 E ({code}) scopes")
        return items

    # Coded scopes: each coded item opens a level-1 scope, the items after it are its children.
    if items[0].code is None:
        raise SeedFormatError(f"002 E ({code}): scope items before the first coded scope")
    level1: list[_Item] = []
    for item in items:
        if item.code is not None:
            level1.append(item)
        else:
            level1[-1].children.append(item)
    _check_sequence([item.label for item in level1], f"002 E ({code}) coded scopes")
    for parent in level1:
        _check_sequence([c.label for c in parent.children], f"002 E ({parent.code}) items")
    return level1


def _parse_definitions(lines: list[str], catalog: list[_CatalogRow]) -> dict[str, _Definition]:
    start = _find_line(lines, r"^#+\s*E\.\s", "section E heading")
    end = _find_line(lines, r"^#+\s*F\.\s", "section F heading", start)
    heading_re = re.compile(
        rf"^(?:#{{1,6}}\s*|\*\*)(\d+)\.\s+(.*?)\s*\(({_SERVICE_CODE})\)\s*(?:\*\*)?\s*$"
    )
    headings = [(i, m) for i in range(start + 1, end) if (m := heading_re.match(lines[i].strip()))]
    expected = [row.code for row in catalog]
    if [m.group(3) for _, m in headings] != expected:
        raise SeedFormatError(
            f"002 E: service blocks {[m.group(3) for _, m in headings]} do not match "
            f"the D.1 table {expected}"
        )
    _check_sequence([m.group(1) for _, m in headings], "002 E service blocks")

    result: dict[str, _Definition] = {}
    bounds = [i for i, _ in headings] + [end]
    for (first, match), last in zip(headings, bounds[1:], strict=True):
        code = match.group(3)
        block = lines[first + 1 : last]
        fields: dict[str, str] = {}
        for line in block:
            if not line.startswith("|"):
                continue
            cells = _table_cells(line)
            label = cells[0].lower()
            if label in ("definisi", "pengguna", "norma waktu") and len(cells) >= 2:
                if label in fields:
                    raise SeedFormatError(f"002 E ({code}): duplicate {cells[0]!r} row")
                fields[label] = _clean(cells[1])
        for label in ("definisi", "pengguna", "norma waktu"):
            if not fields.get(label):
                raise SeedFormatError(f"002 E ({code}): missing {label!r} row")
        scopes = _parse_scope_items(_scope_region_lines(block, code), code)
        result[code] = _Definition(
            code=code,
            definition=fields["definisi"],
            audience=fields["pengguna"],
            norm_text=fields["norma waktu"],
            scopes=scopes,
        )
    return result


def _parse_linked_units(lines: list[str]) -> list[SeedLinkedUnit]:
    start = _find_line(lines, r"^#+\s*F\.\s", "section F heading")
    end = _find_line(lines, r"^#+\s*(?:\*\*)?G\.", "section G heading", start)
    unit_re = re.compile(r"^(\d+)\.\s+([^(\[]*?)\s*([(\[].*)$")
    units: list[SeedLinkedUnit] = []
    for line in lines[start + 1 : end]:
        stripped = line.strip()
        if not re.match(r"^\d+\.\s", stripped):
            continue
        match = unit_re.match(stripped)
        if not match:
            raise SeedFormatError(f"002 F: linked unit without codes: {stripped!r}")
        codes = tuple(_ANY_CODE_RE.findall(match.group(3)))
        leftover = _ANY_CODE_RE.sub("", match.group(3))
        if not codes or leftover.strip("()[], "):
            raise SeedFormatError(f"002 F: cannot read the codes of {stripped!r}")
        units.append(SeedLinkedUnit(int(match.group(1)), _clean(match.group(2)), codes))
    _check_sequence([str(unit.number) for unit in units], "002 F linked units")
    if len(units) != LINKED_UNIT_COUNT:
        raise SeedFormatError(f"002 F: expected {LINKED_UNIT_COUNT} linked units, got {len(units)}")
    return units


# --------------------------------------------------------------------------- 003 SLA


@dataclass
class _SlaService:
    code: str
    name: str
    norm: int | None
    has_norm: bool
    scopes: list[_Item]


def _parse_norm_cell(cell: str, where: str) -> tuple[bool, int | None]:
    """(cell has a value, hours). An empty cell has no value; '-' is a value without hours."""
    cell = cell.strip()
    if cell == "":
        return False, None
    if cell == "-":
        return True, None
    match = _NORM_CELL_RE.match(cell)
    if not match:
        raise SeedFormatError(f"003 6.4: cannot read the norm {cell!r} ({where})")
    return True, int(match.group(1))


def _parse_sla_table(lines: list[str]) -> list[_SlaService]:
    start = _find_line(lines, r"^Nama Layanan dan Ruang Lingkup\tSLA\s*$", "003 6.4 table header")
    services: list[_SlaService] = []
    header_re = re.compile(rf"^(\D.*?)\s*\(({_SERVICE_CODE})\)$")
    scope_re = re.compile(r"^(\d+)\.\s+(\S.*)$")
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise SeedFormatError(f"003 line {number}: expected 2 tab-separated cells")
        text = cells[0].strip()
        where = f"line {number}"
        has_norm, norm = _parse_norm_cell(cells[1], where)
        if scope := scope_re.match(text):
            if not services:
                raise SeedFormatError(f"003 {where}: scope row before any service row")
            service = services[-1]
            if not has_norm:  # merged cell: share the norm of the row above
                if not service.scopes:
                    raise SeedFormatError(f"003 {where}: first scope of a service has no norm")
                norm = service.scopes[-1].norm
            item = _Item(scope.group(1), _clean(scope.group(2)), number, norm, True)
            if coded := _CODE_SUFFIX_RE.match(item.text):
                item.text, item.code = coded.group(1), coded.group(2)
            service.scopes.append(item)
        elif header := header_re.match(text):
            services.append(
                _SlaService(header.group(2), _clean(header.group(1)), norm, has_norm, [])
            )
        else:
            raise SeedFormatError(f"003 {where}: unexpected row {text!r}")
    for service in services:
        _check_sequence([s.label for s in service.scopes], f"003 6.4 ({service.code}) scopes")
        if service.scopes and service.has_norm:
            raise SeedFormatError(f"003 6.4 ({service.code}): norm on both service and scopes")
        if not service.scopes and not service.has_norm:
            raise SeedFormatError(f"003 6.4 ({service.code}): no scopes and no norm")
    return services


# --------------------------------------------------------------------------- version 2023.0


def _build_level1(service_code: str, definition: _Definition, sla: _SlaService) -> list[SeedScope]:
    described = definition.scopes
    if described and len(described) != len(sla.scopes):
        raise SeedFormatError(
            f"{service_code}: 002 lists {len(described)} scopes but 003 has {len(sla.scopes)}"
        )
    scopes: list[SeedScope] = []
    for position, sla_item in enumerate(sla.scopes, start=1):
        item = described[position - 1] if described else None
        seed_codes = {c for c in (sla_item.code, item.code if item else None) if c}
        if len(seed_codes) > 1:
            raise SeedFormatError(f"{service_code}: scope {position} coded {sorted(seed_codes)}")
        code = f"{service_code}.{position:02d}"
        if seed_codes and seed_codes != {code}:
            raise SeedFormatError(
                f"{service_code}: scope {position} has seed code {seed_codes.pop()}, "
                f"expected {code}"
            )
        children = [
            SeedScope(_sub_code(code, child.label), child.label, child.text, sla_item.norm, [])
            for child in (item.children if item else [])
        ]
        name = item.text if item else sla_item.text
        scopes.append(SeedScope(code, sla_item.label, name, sla_item.norm, children))
    return scopes


def load_catalog_2023_0(seed_dir: Path = SEED_DIR) -> SeedVersion:
    """Catalog version 2023.0 from the catalog (002) and the SLA norm table (003)."""
    catalog_lines = _read(seed_dir, CATALOG_FILE)
    sla_lines = _read(seed_dir, SLA_FILE)

    effective = _parse_date(
        catalog_lines[_find_line(catalog_lines, r"^Berlaku sejak:", "002 'Berlaku sejak'")],
        "002 effective",
    )
    sla_effective = _parse_date(
        sla_lines[_find_line(sla_lines, r"^Berlaku sejak:", "003 'Berlaku sejak'")],
        "003 effective",
    )
    if effective != sla_effective or effective != datetime.date(2023, 1, 1):
        raise SeedFormatError(f"2023.0: unexpected effective dates {effective}, {sla_effective}")
    _find_line(catalog_lines, r"^\|\s*2023\.0\s*\|", "002 version 2023.0 row")
    title_line = catalog_lines[_find_line(catalog_lines, r"^#\s+\S", "002 title")]

    catalog = _parse_catalog_table(catalog_lines)
    access = _parse_access_matrix(catalog_lines, catalog)
    definitions = _parse_definitions(catalog_lines, catalog)
    linked_units = _parse_linked_units(catalog_lines)
    sla = {service.code: service for service in _parse_sla_table(sla_lines)}
    if set(sla) != {row.code for row in catalog}:
        raise SeedFormatError(
            f"003 6.4 services {sorted(sla)} differ from 002 D.1 {[r.code for r in catalog]}"
        )

    services: list[SeedService] = []
    for row in catalog:
        definition = definitions[row.code]
        scopes = _build_level1(row.code, definition, sla[row.code])
        if scopes:
            norm_hours = _single_norm([scope.norm_hours for scope in scopes])
        else:
            norm_hours = sla[row.code].norm
        services.append(
            SeedService(
                code=row.code,
                name=row.name,
                definition=definition.definition,
                audience=definition.audience,
                responsible_unit=row.unit,
                norm_hours=norm_hours,
                norm_text=_agreeing_norm_text(definition.norm_text, norm_hours),
                scopes=scopes,
                access=access[row.code],
                source_code=row.code,
            )
        )

    known = {s.code for s in services} | {sc.code for s in services for sc in iter_scopes(s)}
    for unit in linked_units:
        unknown = [code for code in unit.codes if code not in known]
        if unknown:
            raise SeedFormatError(f"002 F: unit {unit.number} refers to unknown codes {unknown}")

    version = SeedVersion(
        code="2023.0",
        title=f"{_clean(title_line.lstrip('#'))} 2023.0",
        effective_from=effective,
        source=f"{CATALOG_FILE}, {SLA_FILE}",
        services=services,
        linked_units=linked_units,
    )
    _check_unique_codes(version)
    return version


# --------------------------------------------------------------------------- revision 2023.1

_REV_NORM_ONLY_RE = re.compile(r"^(\d+)\s+jam\s+kerja$", re.IGNORECASE)
_REV_INLINE_NORM_RE = re.compile(r"^(.*\S)\s+(\d+)\s+jam\s+kerja$", re.IGNORECASE)
_REV_PAGE_NUMBER_RE = re.compile(r"^\d+$")
_REV_NUMBERED_RE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_REV_LETTERED_RE = re.compile(r"^([a-z])\.\s+(\S.*)$")
_REV_HEADER_PREFIX_RE = re.compile(r"^(?:Layanan|Dukungan)\s")
_REV_PAGE_HEADER = "Nama Layanan dan Ruang Lingkup SLA"
_GENERIC_WORDS = {"layanan", "konsultasi", "teknis", "dan", "bidang", "pada", "di"}


@dataclass
class _Token:
    kind: str  # "norm" | "num" | "let" | "text"
    line: int
    label: str = ""
    text: str = ""
    norm: int | None = None


@dataclass
class _RevService:
    heading: str
    line: int
    norm: int | None = None
    scopes: list[_Item] = field(default_factory=list)

    @property
    def header_open(self) -> bool:
        """The heading may still continue on the next line."""
        return not self.scopes and self.norm is None


def _tokenize_revision_table(lines: list[str], first_line: int) -> list[_Token]:
    tokens: list[_Token] = []
    for number, raw in enumerate(lines, start=first_line):
        text = " ".join(raw.split())
        if not text or text == _REV_PAGE_HEADER or _REV_PAGE_NUMBER_RE.match(text):
            continue  # blank line, repeated page header, page number
        if match := _REV_NORM_ONLY_RE.match(text):
            tokens.append(_Token("norm", number, norm=int(match.group(1))))
            continue
        norm: int | None = None
        if match := _REV_INLINE_NORM_RE.match(text):
            text, norm = match.group(1), int(match.group(2))
        if "jam kerja" in text.lower():
            raise SeedFormatError(f"004 line {number}: unexpected 'jam kerja' in {raw.strip()!r}")
        if match := _REV_LETTERED_RE.match(text):
            tokens.append(_Token("let", number, match.group(1), match.group(2), norm))
        elif match := _REV_NUMBERED_RE.match(text):
            tokens.append(_Token("num", number, match.group(1), match.group(2), norm))
        else:
            tokens.append(_Token("text", number, text=text, norm=norm))
    return tokens


def _starts_service(tokens: list[_Token], index: int) -> bool:
    """Whether the text token at ``index`` opens a service heading.

    A heading starts with "Layanan"/"Dukungan" and either carries the service norm itself
    ("Layanan Broadcast 8 jam kerja") or is followed (after optional wrapped heading lines)
    by scope number 1 or by a norm-only line. Only called when the previous row already has
    its norm, so a following norm-only line cannot belong to that row.
    """
    token = tokens[index]
    if not _REV_HEADER_PREFIX_RE.match(token.text):
        return False
    if token.norm is not None:
        return True
    for later in tokens[index + 1 :]:
        if later.kind != "text":
            # A norm-only line right after a heading is the heading's own norm.
            return (later.kind == "num" and later.label == "1") or later.kind == "norm"
        if later.norm is not None:
            return False
    return False


def _parse_revision_table(lines: list[str]) -> list[_RevService]:
    start = _find_line(lines, r"menjadi:\s*$", "004 6.C 'menjadi:'")
    tokens = _tokenize_revision_table(lines[start + 1 :], start + 2)

    services: list[_RevService] = []
    current: _RevService | None = None
    last_item: _Item | None = None  # most recent numbered or lettered item
    last_numbered: _Item | None = None

    def awaiting_norm(item: _Item | None) -> bool:
        return item is not None and not item.has_norm and not item.children

    for index, token in enumerate(tokens):
        where = f"004 line {token.line}"
        if token.kind == "norm":
            if awaiting_norm(last_item):
                assert last_item is not None
                last_item.norm, last_item.has_norm = token.norm, True
            elif current is not None and current.header_open:
                current.norm = token.norm
            else:
                raise SeedFormatError(f"{where}: norm without a row awaiting it")
        elif token.kind == "num":
            if current is None:
                raise SeedFormatError(f"{where}: scope before the first service heading")
            item = _Item(token.label, token.text, token.line, token.norm, token.norm is not None)
            current.scopes.append(item)
            last_item = last_numbered = item
        elif token.kind == "let":
            if last_numbered is None:
                raise SeedFormatError(f"{where}: lettered scope without a numbered parent")
            item = _Item(token.label, token.text, token.line, token.norm, token.norm is not None)
            last_numbered.children.append(item)
            last_item = item
        elif awaiting_norm(last_item):  # wrapped scope name; the norm is still to come
            assert last_item is not None
            last_item.text += " " + token.text
            if token.norm is not None:
                last_item.norm, last_item.has_norm = token.norm, True
        elif current is not None and current.header_open:  # wrapped service heading
            current.heading += " " + token.text
            current.norm = token.norm
        elif _starts_service(tokens, index):
            current = _RevService(token.text, token.line, token.norm)
            services.append(current)
            last_item = last_numbered = None
        elif last_item is not None and token.norm is None:
            last_item.text += " " + token.text  # wrapped name after the norm column
        else:
            raise SeedFormatError(f"{where}: cannot place {token.text!r}")
    return services


def _convert_revision_scopes(service: _RevService, code: str) -> list[SeedScope]:
    context = f"004 6.C ({service.heading!r})"
    _check_sequence([item.label for item in service.scopes], f"{context} scopes")
    scopes: list[SeedScope] = []
    for item in service.scopes:
        scope_code = _sub_code(code, item.label)
        children: list[SeedScope] = []
        if item.children:
            _check_sequence([c.label for c in item.children], f"{context} scope {item.label}")
            if item.has_norm:
                raise SeedFormatError(f"{context}: group scope {item.label} has its own norm")
            for child in item.children:
                if not child.has_norm:
                    raise SeedFormatError(
                        f"{context}: scope {item.label}.{child.label} (line {child.line}) "
                        "has no norm"
                    )
                children.append(
                    SeedScope(
                        _sub_code(scope_code, child.label),
                        child.label,
                        _clean(child.text),
                        child.norm,
                        [],
                    )
                )
            child_norms = {child.norm_hours for child in children}
            if len(child_norms) != 1:
                raise SeedFormatError(
                    f"{context}: children of group scope {item.label} disagree on the norm"
                )
            norm = child_norms.pop()
        elif not item.has_norm:
            raise SeedFormatError(
                f"{context}: scope {item.label} (line {item.line}) has no norm and no children"
            )
        else:
            norm = item.norm
        scopes.append(SeedScope(scope_code, item.label, _clean(item.text), norm, children))
    return scopes


def _parse_revision_service_list(lines: list[str]) -> list[str]:
    start = _find_line(lines, r"^\s*A\.\s+Ruang Lingkup layanan\s*$", "004 5.A heading")
    end = _find_line(lines, r"^\s*B\.\s+Kewajiban Pengguna\s*$", "004 5.B heading", start)
    labels: list[str] = []
    names: list[str] = []
    for line in lines[start + 1 : end]:
        text = line.strip()
        if match := re.match(r"^(\d+)\.\s+(\S.*)$", text):
            labels.append(match.group(1))
            names.append(_clean(match.group(2)))
        elif text and names:
            raise SeedFormatError(f"004 5.A: unexpected line {text!r}")
    _check_sequence(labels, "004 5.A services")
    if len(names) != SERVICE_COUNT_REVISION:
        raise SeedFormatError(
            f"004 5.A: expected {SERVICE_COUNT_REVISION} services, found {len(names)}"
        )
    return names


def _distinctive_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in _GENERIC_WORDS}


def load_catalog_revision_2023_06(seed_dir: Path = SEED_DIR) -> SeedVersion:
    """Catalog version 2023.1: the SLA revision reviewed on 30 June 2023 (004).

    Access matrix, responsible units and linked units are carried over from 2023.0.
    """
    base = load_catalog_2023_0(seed_dir)
    base_services = {service.code: service for service in base.services}
    lines = _read(seed_dir, REVISION_FILE)

    review_line = lines[_find_line(lines, r"^\s*Review terakhir\s*:", "004 'Review terakhir'")]
    effective = _parse_date(review_line, "004 review")
    if effective != datetime.date(2023, 6, 30):
        raise SeedFormatError(f"004: unexpected review date {effective}")
    review_text = _DATE_RE.search(review_line)
    assert review_text is not None

    names = _parse_revision_service_list(lines)
    table = _parse_revision_table(lines)
    if len(table) != SERVICE_COUNT_REVISION:
        raise SeedFormatError(
            f"004 6.C: expected {SERVICE_COUNT_REVISION} service headings, found {len(table)}: "
            f"{[service.heading for service in table]}"
        )

    services: list[SeedService] = []
    for position, (name, parsed, (keyword, code)) in enumerate(
        zip(names, table, _REVISION_CODES, strict=True), start=1
    ):
        if keyword.lower() not in name.lower():
            raise SeedFormatError(f"004 5.A: service {position} {name!r} is not {keyword!r}")
        if not _distinctive_words(parsed.heading) & _distinctive_words(name):
            raise SeedFormatError(
                f"004 6.C: heading {parsed.heading!r} does not match 5.A service {name!r}"
            )
        source_code = ".".join(code.split(".")[:2])
        if source_code not in base_services:
            raise SeedFormatError(f"revision code {code}: no 2023.0 service {source_code}")
        base_service = base_services[source_code]
        scopes = _convert_revision_scopes(parsed, code)
        if scopes:
            if parsed.norm is not None:
                raise SeedFormatError(f"004 6.C: {name!r} has a norm and scopes")
            leaf_norms = [s.norm_hours for s in _walk_scopes(scopes) if not s.children]
            norm_hours = _single_norm(leaf_norms)
            norm_text = _norm_text(leaf_norms)
        else:
            if parsed.norm is None:
                raise SeedFormatError(f"004 6.C: {name!r} has neither scopes nor a norm")
            norm_hours = parsed.norm
            norm_text = _norm_text([parsed.norm])
        services.append(
            SeedService(
                code=code,
                name=name,
                definition="",
                audience="",
                responsible_unit=base_service.responsible_unit,
                norm_hours=norm_hours,
                norm_text=norm_text,
                scopes=scopes,
                access=base_service.access,
                source_code=source_code,
            )
        )

    version = SeedVersion(
        code="2023.1",
        title=f"Katalog Layanan HAI-DJPb 2023.1 (SLA Revisi {review_text.group(0)})",
        effective_from=effective,
        source=f"{REVISION_FILE}, {CATALOG_FILE}, {SLA_FILE}",
        services=services,
        linked_units=list(base.linked_units),
    )
    _check_unique_codes(version)
    return version


# --------------------------------------------------------------------------- all versions


def _check_unique_codes(version: SeedVersion) -> None:
    codes = [s.code for s in version.services]
    codes += [scope.code for s in version.services for scope in iter_scopes(s)]
    duplicates = sorted(code for code, count in Counter(codes).items() if count > 1)
    if duplicates:
        raise SeedFormatError(f"version {version.code}: duplicate codes {duplicates}")


def all_seed_versions(seed_dir: Path = SEED_DIR) -> list[SeedVersion]:
    """All catalog versions in chronological order."""
    return [load_catalog_2023_0(seed_dir), load_catalog_revision_2023_06(seed_dir)]
