"""Changes to configuration items, and which item a ticket is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from hai.audit.services import record
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.cmdb.models import CIKind, ConfigurationItem
from hai.errors import RuleError
from hai.extensions import db
from hai.org.models import OrgUnit

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
CATALOG_CODE_RE = re.compile(
    r"^(?:(?P<version>[0-9A-Za-z.\-]{1,32}):)?(?P<code>[A-Z]{2,8}(?:\.\w+)*)$"
)


class CIError(RuleError):
    """A configuration-item rule refused the change."""


@dataclass
class CIData:
    code: str
    name: str
    kind: CIKind
    owner_unit_id: int | None
    description: str = ""
    service_codes: list[str] = field(default_factory=list)
    is_active: bool = True


def parse_codes(raw: str) -> list[str]:
    """Catalog codes typed one per line or separated by commas, without repeats."""
    seen: dict[str, None] = {}
    for part in (raw or "").replace(";", ",").replace("\n", ",").split(","):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _check_codes(codes: list[str]) -> list[str]:
    """Every code must name a service or scope of some catalog version (of the named
    version, when qualified)."""
    cleaned = []
    for entry in codes:
        match = CATALOG_CODE_RE.match(entry)
        if match is None:
            raise CIError(
                f"Kode katalog tidak dikenal: {entry!r} "
                "(contoh: ITSM.01.03 atau 2023.0:ITSM.02.03).",
                "service_codes",
            )
        version, code = match["version"], match["code"]
        services = select(CatalogService.id).where(CatalogService.code == code)
        scopes = select(CatalogScope.id).join(CatalogService).where(CatalogScope.code == code)
        if version:
            services = services.join(CatalogVersion).where(CatalogVersion.code == version)
            scopes = scopes.join(CatalogVersion, CatalogVersion.id == CatalogService.version_id)
            scopes = scopes.where(CatalogVersion.code == version)
        if (
            db.session.scalar(services.limit(1)) is None
            and db.session.scalar(scopes.limit(1)) is None
        ):
            where = f" versi {version}" if version else ""
            raise CIError(f"Kode {code} tidak ada di katalog{where}.", "service_codes")
        cleaned.append(f"{version}:{code}" if version else code)
    return cleaned


def save_ci(
    ci: ConfigurationItem | None, data: CIData, *, actor, now: datetime
) -> ConfigurationItem:
    """Create (ci=None) or update an item."""
    code, name = data.code.strip().upper(), " ".join(data.name.split())
    if not CODE_RE.match(code):
        raise CIError("Kode 2–40 huruf besar, angka atau tanda hubung.", "code")
    clash = db.session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == code))
    if clash is not None and clash is not ci:
        raise CIError("Kode item konfigurasi sudah dipakai.", "code")
    if not name:
        raise CIError("Nama wajib diisi.", "name")
    if len(name) > 200:
        raise CIError("Nama paling panjang 200 karakter.", "name")
    owner = db.session.get(OrgUnit, data.owner_unit_id) if data.owner_unit_id else None
    if owner is None or not owner.is_active:
        raise CIError("Pilih unit pemilik yang aktif.", "owner_unit_id")
    if len(data.description) > 5000:
        raise CIError("Keterangan paling panjang 5.000 karakter.", "description")
    codes = _check_codes(data.service_codes)
    creating = ci is None
    if ci is None:
        ci = ConfigurationItem(created_at=now)
        db.session.add(ci)
    before = (
        {} if creating else {"code": ci.code, "owner": ci.owner_unit_id, "active": ci.is_active}
    )
    ci.code, ci.name, ci.kind = code, name, data.kind
    ci.owner_unit_id = owner.id
    ci.description = data.description.strip()
    ci.service_codes = codes
    ci.is_active = data.is_active
    ci.updated_at = now
    db.session.flush()
    record(
        "cmdb.created" if creating else "cmdb.updated",
        now=now,
        actor=actor,
        target=ci,
        code=ci.code,
        before=before or None,
    )
    return ci


def suggest_ci(ticket) -> ConfigurationItem | None:
    """The active item that most specifically serves the ticket's scope (or service)."""
    if ticket.service is None:
        return None
    code = ticket.scope.code if ticket.scope else ticket.service.code
    version = ticket.version.code
    best, best_len = None, 0
    for ci in active_items():
        length = ci.match_length(version, code)
        if length > best_len:
            best, best_len = ci, length
    return best


def active_items() -> list[ConfigurationItem]:
    return list(
        db.session.scalars(
            select(ConfigurationItem)
            .where(ConfigurationItem.is_active.is_(True))
            .order_by(ConfigurationItem.kind, ConfigurationItem.code)
        )
    )


def set_ticket_ci(ticket, ci: ConfigurationItem | None, *, actor, now: datetime) -> None:
    """A handler records which item the ticket is about (or clears it)."""
    from hai.tickets.services import set_configuration_item

    if ci is not None and not ci.is_active:
        raise CIError("Item konfigurasi itu tidak aktif.", "ci_id")
    set_configuration_item(ticket, ci, actor=actor, now=now)


def matching_catalog_ids(ci: ConfigurationItem) -> tuple[list[int], list[int]]:
    """(service ids, scope ids) of every catalog version that the item's codes cover."""
    service_conditions, scope_conditions = [], []
    for entry in ci.service_codes or []:
        version, _, code = entry.rpartition(":")
        svc = or_(CatalogService.code == code, CatalogService.code.like(f"{code}.%"))
        scp = or_(CatalogScope.code == code, CatalogScope.code.like(f"{code}.%"))
        if version:
            svc = svc & (CatalogVersion.code == version)
            scp = scp & (CatalogVersion.code == version)
        service_conditions.append(svc)
        scope_conditions.append(scp)
    if not service_conditions:
        return [], []
    service_ids = list(
        db.session.scalars(
            select(CatalogService.id).join(CatalogVersion).where(or_(*service_conditions))
        )
    )
    scope_ids = list(
        db.session.scalars(
            select(CatalogScope.id)
            .join(CatalogService, CatalogService.id == CatalogScope.service_id)
            .join(CatalogVersion, CatalogVersion.id == CatalogService.version_id)
            .where(or_(*scope_conditions))
        )
    )
    return service_ids, scope_ids
