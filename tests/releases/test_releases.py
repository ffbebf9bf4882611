"""Releases (PER-8 Pasal 22(7)): the product owner's announcement becomes a release note
in HAIPEDIA and, if chosen, a broadcast request that waits for approval."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hai.auth.roles import Role
from hai.broadcasts.models import Broadcast, BroadcastStatus, RecipientGroup
from hai.cmdb.models import ConfigurationItem
from hai.db_types import utcnow
from hai.haipedia.models import Article, ArticleKind, ArticleStatus, Audience
from hai.org.models import OrgUnit
from hai.releases import services
from hai.releases.models import Release
from hai.web.timefmt import today_wib


def _ci(db_session, code="SAKTI") -> ConfigurationItem:
    return db_session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == code))


def _unit(db_session, code="DIT-SP") -> OrgUnit:
    return db_session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def _data(ci, **over) -> services.ReleaseData:
    values = dict(
        ci_id=ci.id,
        version="2.4.0",
        released_on=today_wib(),
        changes="Menu pembayaran baru.",
        impact="Pengguna perlu memperbarui aplikasi klien.",
    )
    values.update(over)
    return services.ReleaseData(**values)


def test_a_manajer_layanan_publishes_the_release_note_at_once(db_session, make_user):
    manajer = make_user(Role.MANAJER_LAYANAN)
    release = services.announce(_data(_ci(db_session)), actor=manajer, now=utcnow())
    article = release.article
    assert article.kind is ArticleKind.RELEASE_NOTE
    assert article.status is ArticleStatus.PUBLISHED
    assert article.audience is Audience.PUBLIC and article.is_public
    assert "Menu pembayaran baru." in article.live_revision.body
    assert release.broadcast_id is None
    with pytest.raises(services.ReleaseError, match="sudah diumumkan"):
        services.announce(_data(_ci(db_session)), actor=manajer, now=utcnow())


def test_an_l2_product_owner_submits_it_for_review(db_session, make_user):
    owner = make_user(Role.AGEN_L2, unit_id=_unit(db_session).id)
    release = services.announce(
        _data(_ci(db_session), audience=Audience.INTERNAL), actor=owner, now=utcnow()
    )
    assert release.article.status is ArticleStatus.IN_REVIEW
    assert release.article.live_revision is None


def _broadcast_form(db_session, **over) -> dict:
    group = db_session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    data = {
        "ci_id": str(_ci(db_session).id),
        "version": "2.5.0",
        "released_on": today_wib().isoformat(),
        "changes": "Perbaikan modul pelaporan.",
        "impact": "Tidak ada tindakan yang diperlukan.",
        "audience": "public",
        "broadcast": "y",
        "channels": "portal",
        "group_ids": str(group.id),
        "contact_name": "Budi Santoso",
        "contact_position": "Kepala Seksi (Eselon IV)",
        "contact_phone": "021-3449230",
        "contact_email": "budi.santoso@kemenkeu.go.id",
    }
    data.update(over)
    return data


def test_a_release_with_a_broadcast_request(db_session, make_user, signed_in):
    owner = make_user(
        Role.AGEN_L2, email="pemilik.produk@kemenkeu.go.id", unit_id=_unit(db_session).id
    )
    db_session.commit()
    browser = signed_in(owner)
    browser.get("/releases/new")
    response = browser.post("/releases/new", _broadcast_form(db_session))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    release = db_session.scalar(select(Release))
    b = release.broadcast
    assert b.status is BroadcastStatus.SUBMITTED
    assert b.requester_id == owner.id and b.number.startswith("BRD-")
    assert "Perbaikan modul pelaporan." in b.current.content
    page = browser.get(f"/releases/{release.id}").get_data(as_text=True)
    assert b.number in page


def test_a_refused_broadcast_writes_nothing(db_session, make_user, signed_in):
    # Not an official address: the broadcast rules refuse, so no release and no article.
    owner = make_user(Role.AGEN_L2, unit_id=_unit(db_session).id)
    db_session.commit()
    before = (
        _count(db_session, Release),
        _count(db_session, Article),
        _count(db_session, Broadcast),
    )
    browser = signed_in(owner)
    browser.get("/releases/new")
    response = browser.post("/releases/new", _broadcast_form(db_session))
    assert response.status_code == 422
    assert "email kedinasan" in response.get_data(as_text=True)
    after = (
        _count(db_session, Release),
        _count(db_session, Article),
        _count(db_session, Broadcast),
    )
    assert after == before


def test_bad_input_is_shown_beside_the_field(db_session, make_user, signed_in):
    owner = make_user(Role.MANAJER_LAYANAN)
    db_session.commit()
    browser = signed_in(owner)
    browser.get("/releases/new")
    response = browser.post("/releases/new", _broadcast_form(db_session, version="", broadcast=""))
    assert response.status_code == 422
    assert 'id="version-error"' in response.get_data(as_text=True)
    assert _count(db_session, Release) == 0


def test_who_may_announce(db_session, make_user, signed_in):
    for role in (Role.AGEN_L1, Role.PENGGUNA, Role.ADMIN):
        assert signed_in(make_user(role)).get("/releases/new").status_code == 403
    assert signed_in(make_user(Role.AGEN_L3)).get("/releases/new").status_code == 200
    with pytest.raises(services.ReleaseError):
        services.announce(_data(_ci(db_session)), actor=make_user(Role.AGEN_L1), now=utcnow())
