"""Changes to organisation units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hai.audit.services import record
from hai.errors import RuleError
from hai.extensions import db
from hai.org.models import ALLOWED_PARENTS, OrgUnit, UnitKind


class UnitError(RuleError):
    """A unit rule refused the change."""


def save_unit(
    unit: OrgUnit | None,
    *,
    code: str,
    name: str,
    short_name: str,
    kind: UnitKind,
    parent: OrgUnit | None,
    is_active: bool,
    now: datetime,
    actor,
    ip: str = "",
) -> OrgUnit:
    """Create (unit=None) or update a unit, keeping the hierarchy sound."""
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise UnitError("Kode unit wajib diisi.", "code")
    if not name:
        raise UnitError("Nama unit wajib diisi.", "name")
    clash = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if clash is not None and clash is not unit:
        raise UnitError("Kode unit sudah dipakai.", "code")
    allowed = ALLOWED_PARENTS[kind]
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in allowed:
        names = ", ".join("tanpa induk" if k is None else k.label for k in allowed)
        raise UnitError(f"Unit jenis {kind.label} harus berinduk: {names}.", "parent_id")
    if unit is not None and parent is not None and (parent is unit or unit in parent.ancestors()):
        raise UnitError("Induk tidak boleh unit itu sendiri atau bawahannya.", "parent_id")
    creating = unit is None
    before = (
        {}
        if creating
        else {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind.value,
            "parent_id": unit.parent_id,
            "is_active": unit.is_active,
        }
    )
    if unit is None:
        unit = OrgUnit()
        db.session.add(unit)
    unit.code, unit.name, unit.short_name = code, name, short_name.strip()
    unit.kind, unit.parent, unit.is_active = kind, parent, is_active
    db.session.flush()
    after = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind.value,
        "parent_id": unit.parent_id,
        "is_active": unit.is_active,
    }
    changes = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
    record(
        "org.unit_created" if creating else "org.unit_updated",
        now=now,
        actor=actor,
        target=unit,
        ip=ip,
        changes=changes,
    )
    return unit
