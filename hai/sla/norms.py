"""The SLA parameters stored per catalog version: seeding, reading, copying, editing.

2023.0 (003 §6.3–6.4) and the revision of 2023-06-30 (004 §6.C). The revision does
not restate the priority matrix, so it keeps 2023.0's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.audit.services import record
from hai.catalog.models import CatalogVersion
from hai.errors import RuleError
from hai.extensions import db
from hai.sla.models import SlaChannelNorm, SlaMatrixCell, SlaPriority
from hai.sla.policy import LEVELS, PRIORITIES, ChannelNorm, SlaNorms

MINUTE, HOUR = 60, 3600

PRIORITY_SEED = [
    ("P1", "Urgent", 8),
    ("P2", "Tinggi", 16),
    ("P3", "Sedang", 24),
    ("P4", "Rendah", 32),
    ("P5", "Lainnya", 40),
    ("P6", "Lainnya (>40 jam)", None),
]
# urgency (kepentingan) × impact (dampak) -> priority, 003 §6.3
MATRIX_SEED = {
    ("high", "high"): "P1",
    ("medium", "high"): "P2",
    ("low", "high"): "P4",
    ("high", "medium"): "P2",
    ("medium", "medium"): "P3",
    ("low", "medium"): "P5",
    ("high", "low"): "P4",
    ("medium", "low"): "P5",
    ("low", "low"): "P6",
}  # keys are (impact, urgency)

SOCIAL = ("twitter", "instagram", "facebook", "youtube")
CHANNEL_SEED: dict[str, dict[str, tuple[int | None, int | None, str]]] = {
    "2023.0": {
        "call_center": (
            2 * MINUTE,
            0,
            "SLA 2023.0 §6.4: 2 menit sejak panggilan masuk; dipenuhi langsung",
        ),
        "webchat": (
            2 * MINUTE,
            0,
            "SLA 2023.0 §6.4: 2 menit sejak chat request; dipenuhi langsung",
        ),
        "portal": (1 * HOUR, 1 * HOUR, "SLA 2023.0 §6.4: tanggapan 1 jam; pemenuhan 1 jam"),
        "email": (1 * HOUR, 1 * HOUR, "SLA 2023.0 §6.4: tanggapan 1 jam; pemenuhan 1 jam"),
    },
    "2023.1": {
        "call_center": (
            2 * MINUTE,
            0,
            "Revisi SLA §6.C: 2 menit setelah pengguna terverifikasi; dipenuhi langsung",
        ),
        "webchat": (
            2 * MINUTE,
            0,
            "Revisi SLA §6.C: 2 menit setelah pengguna terverifikasi; dipenuhi langsung",
        ),
        "portal": (
            1 * HOUR,
            24 * HOUR,
            "Revisi SLA §6.C: 1 jam kerja sejak diterima Layer 1; pemenuhan 24 jam kerja",
        ),
        "email": (
            1 * HOUR,
            24 * HOUR,
            "Revisi SLA §6.C: 1 jam kerja sejak diterima Layer 1; pemenuhan 24 jam kerja",
        ),
        **{
            c: (1 * HOUR, 0, "Revisi SLA §6.C: media sosial 1 jam kerja; dipenuhi langsung")
            for c in SOCIAL
        },
    },
}


def _has_norms(version: CatalogVersion) -> bool:
    return (
        db.session.scalar(
            select(SlaPriority.id).where(SlaPriority.version_id == version.id).limit(1)
        )
        is not None
    )


def seed_norms(version: CatalogVersion) -> bool:
    """Give a seed version its SLA parameters if it has none. Returns True if added."""
    if _has_norms(version) or version.code not in CHANNEL_SEED:
        return False
    for code, label, hours in PRIORITY_SEED:
        db.session.add(SlaPriority(version_id=version.id, code=code, label=label, hours=hours))
    for (impact, urgency), priority in MATRIX_SEED.items():
        db.session.add(
            SlaMatrixCell(version_id=version.id, impact=impact, urgency=urgency, priority=priority)
        )
    for channel, (response, fulfilment, basis) in CHANNEL_SEED[version.code].items():
        db.session.add(
            SlaChannelNorm(
                version_id=version.id,
                channel_code=channel,
                response_seconds=response,
                fulfilment_seconds=fulfilment,
                basis=basis,
            )
        )
    db.session.flush()
    return True


def seed_all_norms() -> list[str]:
    seeded = []
    for version in db.session.scalars(select(CatalogVersion)):
        if seed_norms(version):
            seeded.append(version.code)
    return seeded


def copy_norms(source: CatalogVersion, target: CatalogVersion) -> None:
    """A new draft starts with the SLA parameters of the version it copies."""
    for p in db.session.scalars(select(SlaPriority).where(SlaPriority.version_id == source.id)):
        db.session.add(SlaPriority(version_id=target.id, code=p.code, label=p.label, hours=p.hours))
    for c in db.session.scalars(select(SlaMatrixCell).where(SlaMatrixCell.version_id == source.id)):
        db.session.add(
            SlaMatrixCell(
                version_id=target.id, impact=c.impact, urgency=c.urgency, priority=c.priority
            )
        )
    for n in db.session.scalars(
        select(SlaChannelNorm).where(SlaChannelNorm.version_id == source.id)
    ):
        db.session.add(
            SlaChannelNorm(
                version_id=target.id,
                channel_code=n.channel_code,
                response_seconds=n.response_seconds,
                fulfilment_seconds=n.fulfilment_seconds,
                basis=n.basis,
            )
        )
    db.session.flush()


def _td(seconds: int | None) -> timedelta | None:
    return timedelta(seconds=seconds) if seconds is not None else None


def load_norms(version: CatalogVersion) -> SlaNorms:
    priorities = {
        p.code: p.hours
        for p in db.session.scalars(select(SlaPriority).where(SlaPriority.version_id == version.id))
    }
    matrix = {
        (c.impact, c.urgency): c.priority
        for c in db.session.scalars(
            select(SlaMatrixCell).where(SlaMatrixCell.version_id == version.id)
        )
    }
    channels = {
        n.channel_code: ChannelNorm(_td(n.response_seconds), _td(n.fulfilment_seconds), n.basis)
        for n in db.session.scalars(
            select(SlaChannelNorm).where(SlaChannelNorm.version_id == version.id)
        )
    }
    return SlaNorms(version.code, priorities, matrix, channels)


# --- editing a draft's SLA parameters ------------------------------------------------


def _require_draft(version: CatalogVersion) -> None:
    if not version.is_editable:
        raise RuleError("Parameter SLA hanya dapat diubah pada draf versi.")


def set_priority_hours(
    version: CatalogVersion, code: str, hours: int | None, *, now: datetime, actor, ip: str = ""
) -> None:
    _require_draft(version)
    if code not in PRIORITIES:
        raise RuleError("Prioritas tidak dikenal.", "code")
    if hours is not None and not 1 <= hours <= 2000:
        raise RuleError("Jam harus antara 1 dan 2000, atau kosong (tanpa batas waktu).", "hours")
    row = db.session.scalar(
        select(SlaPriority).where(SlaPriority.version_id == version.id, SlaPriority.code == code)
    )
    if row is None:
        raise RuleError("Prioritas tidak ada pada versi ini.", "code")
    before, row.hours = row.hours, hours
    db.session.flush()
    record(
        "sla.priority_updated",
        now=now,
        actor=actor,
        target=version,
        ip=ip,
        priority=code,
        hours={"from": before, "to": hours},
    )


def set_matrix_cell(
    version: CatalogVersion,
    impact: str,
    urgency: str,
    priority: str,
    *,
    now: datetime,
    actor,
    ip: str = "",
) -> None:
    _require_draft(version)
    if impact not in LEVELS or urgency not in LEVELS:
        raise RuleError("Dampak/kepentingan tidak dikenal.", "impact")
    if priority not in PRIORITIES:
        raise RuleError("Prioritas tidak dikenal.", "priority")
    cell = db.session.scalar(
        select(SlaMatrixCell).where(
            SlaMatrixCell.version_id == version.id,
            SlaMatrixCell.impact == impact,
            SlaMatrixCell.urgency == urgency,
        )
    )
    before = cell.priority if cell else None
    if cell is None:
        cell = SlaMatrixCell(
            version_id=version.id, impact=impact, urgency=urgency, priority=priority
        )
        db.session.add(cell)
    cell.priority = priority
    db.session.flush()
    record(
        "sla.matrix_updated",
        now=now,
        actor=actor,
        target=version,
        ip=ip,
        impact=impact,
        urgency=urgency,
        priority={"from": before, "to": priority},
    )


def set_channel_norm(
    version: CatalogVersion,
    channel_code: str,
    *,
    response_minutes: int | None,
    fulfilment_minutes: int | None,
    basis: str,
    now: datetime,
    actor,
    ip: str = "",
) -> None:
    _require_draft(version)
    for value, field in (
        (response_minutes, "response_minutes"),
        (fulfilment_minutes, "fulfilment_minutes"),
    ):
        if value is not None and not 0 <= value <= 2000 * 60:
            raise RuleError("Norma harus antara 0 dan 120000 menit kerja, atau kosong.", field)
    row = db.session.scalar(
        select(SlaChannelNorm).where(
            SlaChannelNorm.version_id == version.id, SlaChannelNorm.channel_code == channel_code
        )
    )
    if row is None:
        row = SlaChannelNorm(version_id=version.id, channel_code=channel_code)
        db.session.add(row)
    before = (row.response_seconds, row.fulfilment_seconds)
    row.response_seconds = response_minutes * 60 if response_minutes is not None else None
    row.fulfilment_seconds = fulfilment_minutes * 60 if fulfilment_minutes is not None else None
    row.basis = basis.strip()
    db.session.flush()
    record(
        "sla.channel_norm_updated",
        now=now,
        actor=actor,
        target=version,
        ip=ip,
        channel=channel_code,
        seconds={"from": list(before), "to": [row.response_seconds, row.fulfilment_seconds]},
    )
