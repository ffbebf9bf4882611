"""State changes of the catalog: loading the seeds, drafting, editing, activating.

History is never rewritten: only a draft version can be edited; an active or
retired version is read-only, and an activation cannot take effect before today
or before the version currently in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from hai.audit.services import record
from hai.catalog import seeds
from hai.catalog.channels import CHANNELS
from hai.catalog.models import (
    CatalogAccess,
    CatalogLinkedUnit,
    CatalogScope,
    CatalogService,
    CatalogVersion,
    Channel,
    VersionState,
)
from hai.catalog.queries import version_in_force
from hai.errors import RuleError
from hai.extensions import db
from hai.org.models import OrgUnit


class CatalogError(RuleError):
    """A catalog rule refused the change."""


# The unit behind each service code, where the seed names one unit (the
# revision splits "Direktorat Teknis DJPb" into one service per directorate).
RESPONSIBLE_UNITS: dict[str, str] = {
    "BCSM.01": "SETDITJEN",
    "BCSM.02.01": "DIT-PA",
    "BCSM.02.02": "DIT-PKN",
    "BCSM.02.03": "DIT-SMI",
    "BCSM.02.04": "DIT-PPKBLU",
    "BCSM.02.05": "DIT-APK",
    "BCSM.02.06": "DIT-SP",
    "BCSM.04.01": "BPDPKS",
    "BCSM.04.02": "BPDLH",
    "BCSM.04.03": "PIP",
    "WBSM.01": "SETDITJEN",
}
SITP_PREFIXES = ("ITSM.", "MSSM.", "BMSM.", "CRSM.")


def _unit_for(code: str, units: dict[str, OrgUnit]) -> OrgUnit | None:
    if code in RESPONSIBLE_UNITS:
        return units.get(RESPONSIBLE_UNITS[code])
    if code.startswith(SITP_PREFIXES):
        return units.get("DIT-SITP")
    return None


def _require_draft(version: CatalogVersion) -> None:
    if not version.is_editable:
        raise CatalogError("Versi ini sudah tidak dapat diubah; buat draf versi baru.")


# --- loading the seeds ---------------------------------------------------------


# What the seed versions rest on, in words (the seed files are named by hash).
SEED_SOURCES = {
    "2023.0": "Katalog Layanan Pengguna HAI-DJPb 2023.0 dan SLA 2023.0 (berlaku 1 Januari 2023)",
    "2023.1": (
        "Revisi SLA HAI-DJPb (reviu 30 Juni 2023); matriks akses, penanggung jawab dan "
        "layanan lintas unit dari Katalog 2023.0"
    ),
}


def load_seed_version(
    seed: seeds.SeedVersion, *, state: VersionState, now: datetime
) -> CatalogVersion:
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    version = CatalogVersion(
        code=seed.code,
        title=seed.title,
        effective_from=seed.effective_from,
        state=state,
        source=SEED_SOURCES.get(seed.code, seed.source),
        created_at=now,
        activated_at=now if state is not VersionState.DRAFT else None,
        retired_at=now if state is VersionState.RETIRED else None,
    )
    for position, s in enumerate(seed.services, start=1):
        service = CatalogService(
            code=s.code,
            name=s.name,
            definition=s.definition,
            audience=s.audience,
            responsible_unit_name=s.responsible_unit,
            responsible_unit=_unit_for(s.code, units),
            norm_hours=s.norm_hours,
            norm_text=s.norm_text,
            position=position,
        )
        service.access_rows = [CatalogAccess(user_type=t) for t in sorted(s.access)]
        counter = iter(range(1, 100_000))
        for scope in s.scopes:
            _add_seed_scope(service, scope, None, 1, counter)
        version.services.append(service)
    version.linked_units = [
        CatalogLinkedUnit(number=u.number, name=u.name, codes=list(u.codes))
        for u in seed.linked_units
    ]
    db.session.add(version)
    db.session.flush()
    return version


def _add_seed_scope(service, seed_scope, parent, depth, counter) -> None:
    scope = CatalogScope(
        code=seed_scope.code,
        label=seed_scope.label,
        name=seed_scope.name,
        norm_hours=seed_scope.norm_hours,
        depth=depth,
        position=next(counter),
        parent=parent,
    )
    service.scopes.append(scope)
    for child in seed_scope.children:
        _add_seed_scope(service, child, scope, depth + 1, counter)


def load_seed_catalog(*, now: datetime) -> list[str]:
    """Load both seed versions if absent: 2023.0 (superseded) and the 2023-06-30
    revision (in force). Returns the codes loaded."""
    loaded = []
    all_versions = seeds.all_seed_versions()
    latest = max(all_versions, key=lambda v: v.effective_from)
    for seed in all_versions:
        if db.session.scalar(select(CatalogVersion).where(CatalogVersion.code == seed.code)):
            continue
        state = VersionState.ACTIVE if seed is latest else VersionState.RETIRED
        load_seed_version(seed, state=state, now=now)
        loaded.append(seed.code)
    if loaded:
        record("catalog.seed_loaded", now=now, actor_label="system", versions=loaded)
    return loaded


def load_channels() -> int:
    existing = {c.code for c in db.session.scalars(select(Channel))}
    added = 0
    for position, c in enumerate(CHANNELS, start=1):
        if c.code in existing:
            continue
        db.session.add(
            Channel(
                code=c.code,
                name=c.name,
                address=c.address,
                always_open=c.always_open,
                receiving_hours="Setiap hari, 24 jam"
                if c.always_open
                else "Hari kerja (Senin–Jumat) pukul 08.00–16.00 WIB",
                basis=c.basis,
                position=position,
            )
        )
        added += 1
    db.session.flush()
    return added


# --- drafting ------------------------------------------------------------------


def create_draft(
    source: CatalogVersion, *, code: str, title: str, now: datetime, actor, ip: str = ""
) -> CatalogVersion:
    """A new draft version, a deep copy of ``source`` (normally the one in force)."""
    if source.is_editable:
        raise CatalogError(
            "Draf hanya dapat dibuat dari versi yang sudah aktif atau tidak berlaku."
        )
    code, title = code.strip(), title.strip()
    if not code:
        raise CatalogError("Kode versi wajib diisi.", "code")
    if not title:
        raise CatalogError("Judul versi wajib diisi.", "title")
    if db.session.scalar(select(CatalogVersion).where(CatalogVersion.code == code)):
        raise CatalogError("Kode versi sudah dipakai.", "code")
    draft = CatalogVersion(
        code=code,
        title=title,
        state=VersionState.DRAFT,
        source=f"Salinan dari versi {source.code}",
        based_on=source,
        created_at=now,
        created_by_id=actor.id,
    )
    for s in source.services:
        copy = CatalogService(
            code=s.code,
            name=s.name,
            definition=s.definition,
            audience=s.audience,
            responsible_unit_name=s.responsible_unit_name,
            responsible_unit_id=s.responsible_unit_id,
            norm_hours=s.norm_hours,
            norm_text=s.norm_text,
            position=s.position,
        )
        copy.access_rows = [CatalogAccess(user_type=t) for t in sorted(s.access)]
        mapping: dict[int, CatalogScope] = {}
        for scope in s.scopes:  # ordered by position: parents come before children
            new = CatalogScope(
                code=scope.code,
                label=scope.label,
                name=scope.name,
                norm_hours=scope.norm_hours,
                depth=scope.depth,
                position=scope.position,
                parent=mapping.get(scope.parent_id) if scope.parent_id else None,
            )
            mapping[scope.id] = new
            copy.scopes.append(new)
        draft.services.append(copy)
    draft.linked_units = [
        CatalogLinkedUnit(number=u.number, name=u.name, codes=list(u.codes))
        for u in source.linked_units
    ]
    db.session.add(draft)
    db.session.flush()
    from hai.sla.norms import copy_norms  # the SLA parameters travel with the version

    copy_norms(source, draft)
    record("catalog.draft_created", now=now, actor=actor, target=draft, ip=ip, based_on=source.code)
    return draft


def update_version_info(version, *, title: str, notes: str, now: datetime, actor, ip: str = ""):
    _require_draft(version)
    if not title.strip():
        raise CatalogError("Judul versi wajib diisi.", "title")
    version.title = title.strip()
    version.notes = notes.strip()
    db.session.flush()
    record("catalog.version_updated", now=now, actor=actor, target=version, ip=ip)


GENERATED_NORM = re.compile(r"\d+ jam kerja")


def _norm_text(text: str, norm_hours: int | None) -> str:
    """The wording shown for a service's norm: free wording (``24 s.d. 32 jam kerja``)
    is kept; empty or plain ``N jam kerja`` wording follows ``norm_hours``."""
    text = text.strip()
    if not text or GENERATED_NORM.fullmatch(text):
        return f"{norm_hours} jam kerja" if norm_hours else ""
    return text


def _next_label(siblings: list[CatalogScope]) -> str:
    """The label after the siblings': the next letter if they are lettered, else
    one more than the highest number."""
    labels = [s.label for s in siblings if s.label]
    if labels and all(len(x) == 1 and x.isalpha() for x in labels):
        last = max(labels)
        return chr(ord(last) + 1) if last < "z" else str(len(labels) + 1)
    numbers = [int(x) for x in labels if x.isdigit()]
    return str(max(numbers, default=0) + 1)


def _check_norm(norm_hours: int | None, field: str = "norm_hours") -> None:
    if norm_hours is not None and not 1 <= norm_hours <= 2000:
        raise CatalogError("Norma waktu harus antara 1 dan 2000 jam kerja, atau kosong.", field)


def save_service(
    version: CatalogVersion,
    service: CatalogService | None,
    *,
    code: str,
    name: str,
    definition: str,
    audience: str,
    responsible_unit_name: str,
    responsible_unit_id: int | None,
    norm_hours: int | None,
    norm_text: str,
    access: Iterable[int],
    now: datetime,
    actor,
    ip: str = "",
) -> CatalogService:
    """Create (service=None) or update a service of a draft version."""
    _require_draft(version)
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise CatalogError("Kode layanan wajib diisi.", "code")
    if not name:
        raise CatalogError("Nama layanan wajib diisi.", "name")
    _check_norm(norm_hours)
    access = sorted(set(access))
    if not access:
        raise CatalogError(
            "Pilih minimal satu jenis pengguna; layanan yang tidak dipakai lagi dihapus dari draf.",
            "access",
        )
    if any(not 1 <= t <= 11 for t in access):
        raise CatalogError("Jenis pengguna harus 1 sampai 11.", "access")
    clash = db.session.scalar(
        select(CatalogService).where(
            CatalogService.version_id == version.id, CatalogService.code == code
        )
    )
    if clash is not None and clash is not service:
        raise CatalogError("Kode layanan sudah dipakai di versi ini.", "code")
    creating = service is None
    if service is None:
        position = max((s.position for s in version.services), default=0) + 1
        service = CatalogService(version=version, position=position)
        db.session.add(service)
    service.code = code
    service.name = name
    service.definition = definition.strip()
    service.audience = audience.strip()
    service.responsible_unit_name = responsible_unit_name.strip()
    service.responsible_unit_id = responsible_unit_id
    service.norm_hours = norm_hours
    service.norm_text = _norm_text(norm_text, norm_hours)
    if sorted(service.access) != access:
        keep = {a.user_type: a for a in service.access_rows}
        service.access_rows = [keep.get(t) or CatalogAccess(user_type=t) for t in access]
    db.session.flush()
    record(
        "catalog.service_created" if creating else "catalog.service_updated",
        now=now,
        actor=actor,
        target=service,
        ip=ip,
        version=version.code,
        code=code,
    )
    return service


def delete_service(service: CatalogService, *, now: datetime, actor, ip: str = "") -> None:
    version = service.version
    _require_draft(version)
    record(
        "catalog.service_deleted",
        now=now,
        actor=actor,
        target=service,
        ip=ip,
        version=version.code,
        code=service.code,
    )
    version.services.remove(service)
    db.session.flush()


def save_scope(
    service: CatalogService,
    scope: CatalogScope | None,
    *,
    code: str,
    name: str,
    norm_hours: int | None,
    parent: CatalogScope | None = None,
    now: datetime,
    actor,
    ip: str = "",
) -> CatalogScope:
    """Create (scope=None) or update a scope of a service in a draft version."""
    _require_draft(service.version)
    code, name = code.strip(), name.strip()
    if not code:
        raise CatalogError("Kode ruang lingkup wajib diisi.", "code")
    if not name:
        raise CatalogError("Nama ruang lingkup wajib diisi.", "name")
    _check_norm(norm_hours)
    clash = next((s for s in service.scopes if s.code == code), None)
    if clash is not None and clash is not scope:
        raise CatalogError("Kode ruang lingkup sudah dipakai di layanan ini.", "code")
    creating = scope is None
    if scope is None:
        if parent is not None and parent.service_id != service.id:
            raise CatalogError("Induk ruang lingkup tidak berada di layanan ini.", "parent")
        siblings = [s for s in service.scopes if s.parent is parent]
        # A new scope goes after its parent's whole subtree (or at the end).
        tail = _subtree(service, parent) if parent is not None else service.scopes
        position = max((s.position for s in tail), default=0) + 1
        for s in service.scopes:
            if s.position >= position:
                s.position += 1
        scope = CatalogScope(
            parent=parent,
            depth=(parent.depth + 1) if parent else 1,
            position=position,
            label=_next_label(siblings),
        )
        service.scopes.append(scope)
    scope.code = code
    scope.name = name
    scope.norm_hours = norm_hours
    db.session.flush()
    record(
        "catalog.scope_created" if creating else "catalog.scope_updated",
        now=now,
        actor=actor,
        target=scope,
        ip=ip,
        version=service.version.code,
        code=code,
        norm_hours=norm_hours,
    )
    return scope


def delete_scope(scope: CatalogScope, *, now: datetime, actor, ip: str = "") -> None:
    service = scope.service
    _require_draft(service.version)
    record(
        "catalog.scope_deleted",
        now=now,
        actor=actor,
        target=scope,
        ip=ip,
        version=service.version.code,
        code=scope.code,
    )
    doomed = {s.id for s in _subtree(service, scope)}
    for s in [s for s in service.scopes if s.id in doomed]:
        service.scopes.remove(s)
    db.session.flush()


def _subtree(service: CatalogService, root: CatalogScope) -> list[CatalogScope]:
    """The scope and all its descendants."""
    ids = {root.id}
    found = [root]
    for s in service.scopes:  # ordered by position, parents first
        if s.parent_id in ids and s.id not in ids:
            ids.add(s.id)
            found.append(s)
    return found


def delete_draft(version: CatalogVersion, *, now: datetime, actor, ip: str = "") -> None:
    _require_draft(version)
    record("catalog.draft_deleted", now=now, actor=actor, target=version, ip=ip, code=version.code)
    db.session.delete(version)
    db.session.flush()


# --- activation ----------------------------------------------------------------


def activate_version(
    version: CatalogVersion,
    *,
    effective_from: date,
    today: date,
    now: datetime,
    actor,
    ip: str = "",
) -> CatalogVersion:
    """Schedule a draft to take effect from ``effective_from`` (today or later)."""
    _require_draft(version)
    if not version.services:
        raise CatalogError("Versi tanpa layanan tidak dapat diaktifkan.")
    if effective_from < today:
        raise CatalogError(
            "Tanggal berlaku tidak boleh sebelum hari ini: riwayat tidak boleh diubah.",
            "effective_from",
        )
    latest = db.session.scalar(
        select(CatalogVersion)
        .where(CatalogVersion.state != VersionState.DRAFT)
        .order_by(CatalogVersion.effective_from.desc())
        .limit(1)
    )
    if latest is not None and effective_from <= latest.effective_from:
        raise CatalogError(
            f"Tanggal berlaku harus setelah tanggal berlaku versi {latest.code} "
            f"({latest.effective_from:%d-%m-%Y}).",
            "effective_from",
        )
    version.state = VersionState.ACTIVE
    version.effective_from = effective_from
    version.activated_at = now
    version.activated_by_id = actor.id
    db.session.flush()
    record(
        "catalog.version_activated",
        now=now,
        actor=actor,
        target=version,
        ip=ip,
        code=version.code,
        effective_from=effective_from.isoformat(),
    )
    retire_superseded(today=today, now=now)
    return version


def retire_superseded(*, today: date, now: datetime) -> list[str]:
    """Mark as retired every active version that a later one has replaced by today.

    Idempotent; run on activation and daily by the scheduler.
    """
    current = version_in_force(today)
    if current is None:
        return []
    retired = []
    for v in db.session.scalars(
        select(CatalogVersion).where(
            CatalogVersion.state == VersionState.ACTIVE,
            CatalogVersion.effective_from < current.effective_from,
        )
    ):
        v.state = VersionState.RETIRED
        v.retired_at = now
        retired.append(v.code)
    if retired:
        db.session.flush()
        record(
            "catalog.version_retired",
            now=now,
            actor_label="system",
            versions=retired,
            replaced_by=current.code,
        )
    return retired
