"""Announcing a release (PER-8 Pasal 22(7)): the product owner's announcement becomes a
release-note article in HAIPEDIA and, if chosen, a broadcast request, in one transaction.

The article follows HAIPEDIA's workflow: published at once when the announcer is a
reviewer (the Manajer Layanan), otherwise submitted for the reviewer's decision.

The broadcast request goes through ``hai.broadcasts.services.submit`` with the product
owner as requester, so every rule of PER-8 Pasal 18 and KEP-428 Lampiran II applies and
it waits for L1's check and the Kepala Seksi's approval like any other. Pasal 18(4) lets
users of the Kantor Pusat ask; a staff account carries no catalog user type, so a product
owner of a Kantor Pusat directorate asks as user type 8 (Direktorat Teknis Kantor Pusat);
anyone else is refused by the catalog's access matrix for BMSM.01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from hai.audit.services import record
from hai.auth.permissions import Capability
from hai.cmdb.models import ConfigurationItem
from hai.errors import RuleError
from hai.extensions import db
from hai.haipedia.models import Audience
from hai.org.models import UnitKind
from hai.releases.models import Release

DIRECTORATE_USER_TYPE = 8  # catalog 002 §D.2: Direktorat Teknis Kantor Pusat DJPb
TEXT_MAX = 10_000
# Broadcast rule fields that have no field of their own on the release form.
BROADCAST_FIELDS = {"title": "broadcast", "purpose": "broadcast", "content": "broadcast"}


class ReleaseError(RuleError):
    """A release rule refused the announcement."""


@dataclass
class BroadcastChoice:
    """What the announcer fills in when the release should also be broadcast."""

    channels: list[str]
    group_ids: list[int] = field(default_factory=list)
    other_recipients: str = ""
    urgent: bool = False
    contact_name: str = ""
    contact_position: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass
class ReleaseData:
    ci_id: int | None
    version: str
    released_on: date | None
    changes: str
    impact: str
    audience: Audience = Audience.PUBLIC
    broadcast: BroadcastChoice | None = None


def _text(value: str, name: str, label: str) -> str:
    value = (value or "").strip().replace("\r\n", "\n")
    if not value:
        raise ReleaseError(f"{label} wajib diisi.", name)
    if len(value) > TEXT_MAX:
        raise ReleaseError(f"{label} paling panjang 10.000 karakter.", name)
    return value


def article_body(ci: ConfigurationItem, version: str, released_on: date, changes, impact) -> str:
    owner = ci.owner_unit.name if ci.owner_unit else "-"
    return "\n".join(
        [
            f"**{ci.name}** versi **{version}**, dirilis {released_on:%d-%m-%Y}.",
            f"Pemilik produk: {owner}.",
            "",
            "## Yang berubah",
            "",
            changes,
            "",
            "## Dampak bagi pengguna",
            "",
            impact,
        ]
    )


def announce(data: ReleaseData, *, actor, now: datetime) -> Release:
    from hai.broadcasts import services as broadcasts
    from hai.haipedia import services as kb
    from hai.haipedia.models import ArticleKind, ArticleStatus

    if not actor.can(Capability.RELEASE_ANNOUNCE):
        raise ReleaseError("Hanya pemilik produk yang dapat mengumumkan rilis.")
    ci = db.session.get(ConfigurationItem, data.ci_id) if data.ci_id else None
    if ci is None or not ci.is_active:
        raise ReleaseError("Pilih aplikasi atau proses bisnis yang aktif.", "ci_id")
    version = " ".join((data.version or "").split())
    if not version or len(version) > 40:
        raise ReleaseError("Versi wajib diisi (paling panjang 40 karakter).", "version")
    if data.released_on is None:
        raise ReleaseError("Tanggal rilis wajib diisi.", "released_on")
    changes = _text(data.changes, "changes", "Yang berubah")
    impact = _text(data.impact, "impact", "Dampak bagi pengguna")
    clash = db.session.scalar(
        select(Release.id).where(Release.ci_id == ci.id, Release.version == version)
    )
    if clash is not None:
        raise ReleaseError(f"Rilis {ci.code} versi {version} sudah diumumkan.", "version")
    title = f"Rilis {ci.name} versi {version}"[: kb.TITLE_MAX]
    body = article_body(ci, version, data.released_on, changes, impact)
    try:
        article = kb.create_article(
            kb.ArticleData(
                title=title,
                body=body,
                kind=ArticleKind.RELEASE_NOTE,
                audience=data.audience,
                tags=["rilis", ci.code.lower()],
                reg_number="PER-8/PB/2020",
                reg_article="Pasal 22 ayat (7)",
                note=f"Pengumuman rilis {version}",
            ),
            actor=actor,
            now=now,
        )
        if actor.can(Capability.KB_PUBLISH):
            kb.publish(article, actor=actor, now=now)
        else:
            kb.submit_for_review(article, actor=actor, now=now)
    except kb.ArticleError as exc:
        raise ReleaseError(exc.message, "changes") from None
    release = Release(
        ci_id=ci.id,
        version=version,
        released_on=data.released_on,
        changes=changes,
        impact=impact,
        article_id=article.id,
        announced_by_id=actor.id,
        announced_at=now,
    )
    db.session.add(release)
    if data.broadcast is not None:
        choice = data.broadcast
        in_directorate = actor.unit is not None and actor.unit.kind is UnitKind.DIREKTORAT
        try:
            b = broadcasts.submit(
                actor,
                broadcasts.BroadcastRequest(
                    title=title[: broadcasts.TITLE_MAX],
                    purpose=f"Informasi rilis {ci.name} versi {version} kepada pengguna "
                    "(PER-8 Pasal 22 ayat (7)).",
                    content=f"{title}\n\nYang berubah:\n{changes}\n\n"
                    f"Dampak bagi pengguna:\n{impact}",
                    channels=choice.channels,
                    group_ids=choice.group_ids,
                    other_recipients=choice.other_recipients,
                    urgent=choice.urgent,
                    contact_name=choice.contact_name,
                    contact_position=choice.contact_position,
                    contact_email=choice.contact_email,
                    contact_phone=choice.contact_phone,
                ),
                now=now,
                user_type=DIRECTORATE_USER_TYPE if in_directorate else None,
            )
        except broadcasts.BroadcastError as exc:
            raise ReleaseError(
                exc.message, BROADCAST_FIELDS.get(exc.field or "", exc.field or "broadcast")
            ) from None
        release.broadcast_id = b.id
    db.session.flush()
    record(
        "release.announced",
        now=now,
        actor=actor,
        target=release,
        ci=ci.code,
        version=version,
        article=article.id,
        broadcast=release.broadcast_id,
        article_status=article.status.value
        if article.status is not ArticleStatus.PUBLISHED
        else "published",
    )
    return release


def clarify_broadcast(release: Release, answer: str, *, actor, now: datetime) -> None:
    """The announcer answers a clarification asked about the release's broadcast (a
    staff requester has no portal page for it)."""
    from hai.broadcasts import services as broadcasts

    if release.broadcast is None:
        raise ReleaseError("Rilis ini tidak meminta broadcast.")
    try:
        broadcasts.requester_clarifies(release.broadcast, answer, actor=actor, now=now)
    except broadcasts.BroadcastError as exc:
        raise ReleaseError(exc.message, "body") from None
