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


def unit_choices() -> list[tuple[str, str]]:
    return [(str(u.id), ("— " * depth) + u.name) for u, depth in units_in_tree_order(False)]
