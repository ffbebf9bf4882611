"""Reads of the catalog: the version in force, search, comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from hai.catalog.models import (
    CatalogScope,
    CatalogService,
    CatalogVersion,
    Channel,
    VersionState,
)
from hai.extensions import db


def version_in_force(on: date) -> CatalogVersion | None:
    """The version whose effective date is the latest one not after ``on``.

    A ticket received on that day keeps this version (and so its norms).
    """
    return db.session.scalar(
        select(CatalogVersion)
        .where(
            CatalogVersion.state != VersionState.DRAFT,
            CatalogVersion.effective_from <= on,
        )
        .order_by(CatalogVersion.effective_from.desc())
        .limit(1)
    )


def version_status(version: CatalogVersion, today: date) -> tuple[str, str]:
    """(label, css modifier) for showing a version's state on a given day."""
    if version.state is VersionState.DRAFT:
        return "Draf", "draft"
    if version.state is VersionState.RETIRED:
        return "Tidak berlaku", "retired"
    if version.effective_from and version.effective_from > today:
        return "Terjadwal", "scheduled"
    current = version_in_force(today)
    if current is not None and current.id == version.id:
        return "Berlaku", "active"
    return "Digantikan", "retired"


def list_versions() -> list[CatalogVersion]:
    return list(
        db.session.scalars(
            select(CatalogVersion).order_by(
                CatalogVersion.effective_from.desc().nulls_first(), CatalogVersion.id.desc()
            )
        )
    )


def list_channels() -> list[Channel]:
    return list(db.session.scalars(select(Channel).order_by(Channel.position)))


def load_version(version_id: int) -> CatalogVersion | None:
    return db.session.scalar(
        select(CatalogVersion)
        .where(CatalogVersion.id == version_id)
        .options(selectinload(CatalogVersion.services).selectinload(CatalogService.scopes))
    )


@dataclass
class ServiceHit:
    service: CatalogService
    scopes: list[CatalogScope] = field(
        default_factory=list
    )  # matching scopes (empty: service matched)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_catalog(
    version: CatalogVersion, q: str = "", user_type: int | None = None, limit_scopes: int = 50
) -> list[ServiceHit]:
    """Services of a version matching words of ``q`` in code or name (service or scope),
    restricted to those a user type may use. Every word must match (AND)."""
    services = list(
        db.session.scalars(
            select(CatalogService)
            .where(CatalogService.version_id == version.id)
            .order_by(CatalogService.position)
        )
    )
    if user_type is not None:
        services = [s for s in services if s.allows(user_type)]
    words = [w for w in q.lower().split() if w][:8]
    if not words:
        return [ServiceHit(s) for s in services]

    def matches(*texts: str) -> bool:
        blob = " ".join(texts).lower()
        return all(w in blob for w in words)

    hits = []
    for s in services:
        if matches(s.code, s.name):
            hits.append(ServiceHit(s))
            continue
        scopes = [sc for sc in s.scopes if matches(s.code, s.name, sc.code, sc.name)]
        if scopes:
            hits.append(ServiceHit(s, scopes[:limit_scopes]))
    return hits


def find_scopes(version: CatalogVersion, q: str, limit: int = 20) -> list[CatalogScope]:
    """Scopes whose code or name contains ``q`` (used by pickers)."""
    pattern = _like(q.strip())
    return list(
        db.session.scalars(
            select(CatalogScope)
            .join(CatalogService)
            .where(
                CatalogService.version_id == version.id,
                or_(
                    CatalogScope.code.ilike(pattern, escape="\\"),
                    CatalogScope.name.ilike(pattern, escape="\\"),
                ),
            )
            .order_by(CatalogService.position, CatalogScope.position)
            .limit(limit)
        )
    )


# --- comparing two versions -------------------------------------------------------


@dataclass
class Change:
    code: str
    kind: str  # "added" | "removed" | "changed"
    name: str
    details: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    left: CatalogVersion
    right: CatalogVersion
    services: list[Change]
    scopes: list[Change]

    @property
    def is_empty(self) -> bool:
        return not self.services and not self.scopes


def _norm(hours: int | None) -> str:
    return f"{hours} jam kerja" if hours is not None else "tanpa norma"


def _types(types) -> str:
    return ", ".join(str(t) for t in sorted(types)) or "-"


def compare_versions(left: CatalogVersion, right: CatalogVersion) -> Comparison:
    """What changed from ``left`` to ``right``, matched by code."""
    ls = {s.code: s for s in left.services}
    rs = {s.code: s for s in right.services}
    services: list[Change] = []
    scopes: list[Change] = []
    for code in sorted(ls.keys() | rs.keys()):
        a, b = ls.get(code), rs.get(code)
        if a is None:
            services.append(Change(code, "added", b.name))
        elif b is None:
            services.append(Change(code, "removed", a.name))
        else:
            details = []
            if a.name != b.name:
                details.append(f"Nama: «{a.name}» → «{b.name}»")
            if a.norm_hours != b.norm_hours:
                details.append(f"Norma: {_norm(a.norm_hours)} → {_norm(b.norm_hours)}")
            if a.access != b.access:
                details.append(f"Jenis pengguna: {_types(a.access)} → {_types(b.access)}")
            if a.responsible_unit_name != b.responsible_unit_name:
                details.append(
                    f"Penanggung jawab: {a.responsible_unit_name or '-'} → "
                    f"{b.responsible_unit_name or '-'}"
                )
            if details:
                services.append(Change(code, "changed", b.name, details))
        a_scopes = {sc.code: sc for sc in a.scopes} if a else {}
        b_scopes = {sc.code: sc for sc in b.scopes} if b else {}
        for scode in sorted(a_scopes.keys() | b_scopes.keys()):
            x, y = a_scopes.get(scode), b_scopes.get(scode)
            if x is None:
                scopes.append(Change(scode, "added", y.name, [_norm(y.norm_hours)]))
            elif y is None:
                scopes.append(Change(scode, "removed", x.name, [_norm(x.norm_hours)]))
            else:
                details = []
                if x.name != y.name:
                    details.append(f"Nama: «{x.name}» → «{y.name}»")
                if x.norm_hours != y.norm_hours:
                    details.append(f"Norma: {_norm(x.norm_hours)} → {_norm(y.norm_hours)}")
                if details:
                    scopes.append(Change(scode, "changed", y.name, details))
    return Comparison(left, right, services, scopes)
