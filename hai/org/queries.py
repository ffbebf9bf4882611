"""Reads of organisation units."""

from __future__ import annotations

from sqlalchemy import select

from hai.extensions import db
from hai.org.models import OrgUnit


def units_in_tree_order(include_inactive: bool = True) -> list[tuple[OrgUnit, int]]:
    """Every unit with its depth, parents before children, siblings by code."""
    units = list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.code)))
    if not include_inactive:
        units = [u for u in units if u.is_active]
    by_parent: dict[int | None, list[OrgUnit]] = {}
    ids = {u.id for u in units}
    for u in units:
        parent = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(parent, []).append(u)
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(parent_id, depth):
        for unit in by_parent.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def unit_choices(keep: int | None = None) -> list[tuple[str, str]]:
    """Active units for a picker, plus ``keep`` (the current value) even if inactive,
    so that editing a record whose unit was deactivated does not fail."""
    return [
        (str(u.id), ("\u00a0\u00a0" * depth) + u.name + ("" if u.is_active else " (nonaktif)"))
        for u, depth in units_in_tree_order()
        if u.is_active or u.id == keep
    ]
