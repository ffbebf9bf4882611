"""Drafting, editing, activating and comparing catalog versions (hai/catalog/services.py
and queries.py), against the seeded database.

History is never rewritten: only drafts change, activation cannot reach into the
past, and the seeded versions keep their content whatever happens to a draft.
The service layer takes ``today`` as an argument, so a fixed day is used here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.auth.roles import Role
from hai.catalog import services as catalog
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion, VersionState
from hai.catalog.queries import compare_versions, version_in_force, version_status
from hai.catalog.services import CatalogError
from hai.db_types import utcnow

TODAY = date(2031, 3, 10)


# --- fixtures and helpers ------------------------------------------------------------


def _version(db_session, code: str) -> CatalogVersion:
    return db_session.scalar(select(CatalogVersion).where(CatalogVersion.code == code))


def _service(version: CatalogVersion, code: str) -> CatalogService:
    return next(s for s in version.services if s.code == code)


def _scope(service: CatalogService, code: str) -> CatalogScope:
    return next(s for s in service.scopes if s.code == code)


def _events(db_session, action: str) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _snapshot(version: CatalogVersion) -> list:
    """Everything a ticket could depend on in a version, in a comparable form."""
    return [
        (
            s.code,
            s.name,
            s.definition,
            s.audience,
            s.responsible_unit_name,
            s.responsible_unit_id,
            s.norm_hours,
            s.norm_text,
            s.position,
            sorted(s.access),
            [
                (
                    sc.code,
                    sc.label,
                    sc.name,
                    sc.norm_hours,
                    sc.depth,
                    sc.position,
                    sc.parent.code if sc.parent else None,
                )
                for sc in s.scopes
            ],
        )
        for s in version.services
    ] + [("linked", u.number, u.name, list(u.codes)) for u in version.linked_units]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def old(db_session):
    return _version(db_session, "2023.0")


@pytest.fixture
def active(db_session):
    return _version(db_session, "2023.1")


@pytest.fixture
def draft(db_session, active, admin):
    version = catalog.create_draft(
        active, code="2031.0", title="Draf revisi uji", now=utcnow(), actor=admin
    )
    db_session.commit()
    return version


def _edit_service(version, service, actor, **changes):
    values = dict(
        code=service.code,
        name=service.name,
        definition=service.definition,
        audience=service.audience,
        responsible_unit_name=service.responsible_unit_name,
        responsible_unit_id=service.responsible_unit_id,
        norm_hours=service.norm_hours,
        norm_text=service.norm_text,
        access=sorted(service.access),
    )
    values.update(changes)
    return catalog.save_service(version, service, now=utcnow(), actor=actor, **values)


def _activate(version, admin, effective_from, today=TODAY):
    return catalog.activate_version(
        version, effective_from=effective_from, today=today, now=utcnow(), actor=admin
    )


# --- create_draft -------------------------------------------------------------------


def test_draft_is_a_deep_copy_of_the_active_version(db_session, active, draft):
    db_session.expire_all()  # compare what was stored, not the objects in memory
    assert draft.state is VersionState.DRAFT
    assert draft.effective_from is None
    assert draft.based_on_id == active.id
    assert len(draft.services) == 19
    depths = [sc.depth for s in draft.services for sc in s.scopes]
    assert (depths.count(1), depths.count(2)) == (254, 94)
    assert _snapshot(draft) == _snapshot(active)


def test_draft_has_its_own_rows(db_session, active, draft):
    active_services = {s.id for s in active.services}
    draft_services = {s.id for s in draft.services}
    assert not active_services & draft_services
    active_scopes = {sc.id for s in active.services for sc in s.scopes}
    draft_scopes = {sc.id for s in draft.services for sc in s.scopes}
    assert len(draft_scopes) == len(active_scopes) == 348
    assert not active_scopes & draft_scopes
    assert all(s.version_id == draft.id for s in draft.services)


def test_draft_parent_links_stay_inside_the_copy(db_session, draft):
    db_session.expire_all()
    children = [sc for s in draft.services for sc in s.scopes if sc.parent_id is not None]
    assert len(children) == 94
    for child in children:
        assert child.parent.service_id == child.service_id, child.code
        assert child.parent.service.version_id == draft.id, child.code


def test_draft_creation_is_audited(db_session, active, draft, admin):
    (event,) = _events(db_session, "catalog.draft_created")
    assert event.actor_id == admin.id
    assert event.target_type == "CatalogVersion"
    assert event.target_id == str(draft.id)
    assert event.details == {"based_on": "2023.1"}


@pytest.mark.parametrize(
    ("code", "title", "field"),
    [("2023.1", "Judul", "code"), ("   ", "Judul", "code"), ("2031.9", "  ", "title")],
)
def test_draft_code_and_title_are_checked(db_session, active, admin, code, title, field):
    before = db_session.scalar(select(func.count()).select_from(CatalogVersion))
    with pytest.raises(CatalogError) as refused:
        catalog.create_draft(active, code=code, title=title, now=utcnow(), actor=admin)
    assert refused.value.field == field
    assert db_session.scalar(select(func.count()).select_from(CatalogVersion)) == before


def test_duplicate_draft_code_message(db_session, draft, active, admin):
    with pytest.raises(CatalogError, match="Kode versi sudah dipakai"):
        catalog.create_draft(active, code="2031.0", title="Lagi", now=utcnow(), actor=admin)


# --- editing a draft ---------------------------------------------------------------


def test_edit_draft_service_is_saved_and_audited(db_session, draft, admin):
    sakti = _service(draft, "ITSM.01.04")
    _edit_service(
        draft,
        sakti,
        admin,
        name="Layanan SAKTI (revisi)",
        norm_hours=16,
        norm_text="",
        access=[1, 8, 9],
    )
    db_session.commit()
    db_session.expire_all()
    assert sakti.name == "Layanan SAKTI (revisi)"
    assert sakti.norm_hours == 16
    assert sakti.norm_text == "16 jam kerja"
    assert sakti.access == {1, 8, 9}
    (event,) = _events(db_session, "catalog.service_updated")
    assert event.actor_id == admin.id
    assert event.target_type == "CatalogService"
    assert event.target_id == str(sakti.id)
    assert event.details == {"version": "2031.0", "code": "ITSM.01.04"}


def test_edit_draft_access_removes_and_adds_rows(db_session, draft, admin):
    broadcast = _service(draft, "BMSM.01")
    _edit_service(draft, broadcast, admin, access=[9, 10])
    db_session.commit()
    db_session.expire_all()
    assert broadcast.access == {9, 10}
    assert not broadcast.allows(8)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": " "}, "code"),
        ({"name": ""}, "name"),
        ({"norm_hours": 0}, "norm_hours"),
        ({"norm_hours": 2001}, "norm_hours"),
        ({"access": [0, 8]}, "access"),
        ({"access": [12]}, "access"),
        ({"code": "itsm.02"}, "code"),  # codes are upper-cased, so this clashes
    ],
)
def test_invalid_service_edits_are_refused(db_session, draft, admin, changes, field):
    sakti = _service(draft, "ITSM.01.04")
    with pytest.raises(CatalogError) as refused:
        _edit_service(draft, sakti, admin, **changes)
    assert refused.value.field == field
    assert _events(db_session, "catalog.service_updated") == []


def test_new_service_in_draft(db_session, draft, admin):
    service = catalog.save_service(
        draft,
        None,
        code="itsm.05",
        name="Layanan Baru",
        definition="",
        audience="",
        responsible_unit_name="",
        responsible_unit_id=None,
        norm_hours=None,
        norm_text="",
        access=[7],
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    db_session.expire_all()
    assert service.code == "ITSM.05"
    assert draft.services[-1].code == "ITSM.05"
    assert len(draft.services) == 20
    assert service.access == {7}
    assert [e.target_id for e in _events(db_session, "catalog.service_created")] == [
        str(service.id)
    ]


def test_edit_draft_scope_is_saved_and_audited(db_session, draft, admin):
    service = _service(draft, "WBSM.01")
    scope = _scope(service, "WBSM.01.02")
    catalog.save_scope(
        service,
        scope,
        code="WBSM.01.02",
        name="Pengaduan disiplin pegawai",
        norm_hours=16,
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    db_session.expire_all()
    assert (scope.name, scope.norm_hours) == ("Pengaduan disiplin pegawai", 16)
    (event,) = _events(db_session, "catalog.scope_updated")
    assert event.actor_id == admin.id
    assert event.target_type == "CatalogScope"
    assert event.target_id == str(scope.id)
    assert event.details == {"version": "2031.0", "code": "WBSM.01.02", "norm_hours": 16}


def test_new_scopes_go_at_the_end_or_under_their_parent(db_session, draft, admin):
    service = _service(draft, "WBSM.01")
    top = catalog.save_scope(
        service,
        None,
        code="WBSM.01.04",
        name="Pengaduan lain",
        norm_hours=24,
        now=utcnow(),
        actor=admin,
    )
    child = catalog.save_scope(
        service,
        None,
        code="WBSM.01.01.a",
        name="Rincian kode etik",
        norm_hours=8,
        parent=_scope(service, "WBSM.01.01"),
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    db_session.expire_all()
    assert [s.code for s in service.scopes] == [
        "WBSM.01.01",
        "WBSM.01.01.a",
        "WBSM.01.02",
        "WBSM.01.03",
        "WBSM.01.04",
    ]
    assert (top.depth, top.parent_id, top.label) == (1, None, "4")
    assert (child.depth, child.parent.code) == (2, "WBSM.01.01")
    assert len(_events(db_session, "catalog.scope_created")) == 2


def test_scope_with_duplicate_code_is_refused(db_session, draft, admin):
    service = _service(draft, "WBSM.01")
    with pytest.raises(CatalogError, match="sudah dipakai") as refused:
        catalog.save_scope(
            service,
            None,
            code="WBSM.01.02",
            name="Duplikat",
            norm_hours=24,
            now=utcnow(),
            actor=admin,
        )
    assert refused.value.field == "code"
    with pytest.raises(CatalogError, match="sudah dipakai"):
        catalog.save_scope(
            service,
            _scope(service, "WBSM.01.03"),
            code="WBSM.01.02",
            name="Ganti kode",
            norm_hours=24,
            now=utcnow(),
            actor=admin,
        )
    db_session.rollback()
    db_session.expire_all()
    assert [s.code for s in service.scopes] == ["WBSM.01.01", "WBSM.01.02", "WBSM.01.03"]


@pytest.mark.parametrize(
    ("code", "name", "norm", "field"),
    [("", "Nama", 24, "code"), ("X.01", " ", 24, "name"), ("X.01", "Nama", 0, "norm_hours")],
)
def test_invalid_scope_is_refused(db_session, draft, admin, code, name, norm, field):
    service = _service(draft, "WBSM.01")
    with pytest.raises(CatalogError) as refused:
        catalog.save_scope(
            service, None, code=code, name=name, norm_hours=norm, now=utcnow(), actor=admin
        )
    assert refused.value.field == field


def test_delete_scope_removes_its_descendants(db_session, draft, active, admin):
    service = _service(draft, "ITSM.01.04")
    parent = next(s for s in service.top_scopes if s.children)
    parent_id = parent.id
    doomed = {parent.id} | {c.id for c in parent.children}
    parent_code = parent.code
    doomed_codes = {parent_code} | {c.code for c in parent.children}
    assert len(doomed) > 1
    before = len(service.scopes)
    catalog.delete_scope(parent, now=utcnow(), actor=admin)
    db_session.commit()
    db_session.expire_all()
    assert len(service.scopes) == before - len(doomed)
    assert not {s.code for s in service.scopes} & doomed_codes
    remaining = db_session.scalars(select(CatalogScope.id).where(CatalogScope.id.in_(doomed)))
    assert list(remaining) == []
    # The same scope in the version in force is untouched.
    assert doomed_codes <= {s.code for s in _service(active, "ITSM.01.04").scopes}
    (event,) = _events(db_session, "catalog.scope_deleted")
    assert event.details == {"version": "2031.0", "code": parent_code}
    assert event.target_id == str(parent_id)


def test_delete_scope_removes_a_three_level_subtree(db_session, draft, admin):
    service = _service(draft, "WBSM.01")
    top = _scope(service, "WBSM.01.01")
    child = catalog.save_scope(
        service,
        None,
        code="WBSM.01.01.a",
        name="Anak",
        norm_hours=8,
        parent=top,
        now=utcnow(),
        actor=admin,
    )
    catalog.save_scope(
        service,
        None,
        code="WBSM.01.01.a.1",
        name="Cucu",
        norm_hours=8,
        parent=child,
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    catalog.delete_scope(top, now=utcnow(), actor=admin)
    db_session.commit()
    db_session.expire_all()
    assert [s.code for s in service.scopes] == ["WBSM.01.02", "WBSM.01.03"]


def test_delete_service_from_draft(db_session, draft, admin):
    sakti = _service(draft, "ITSM.01.04")
    sakti_id = sakti.id
    catalog.delete_service(sakti, now=utcnow(), actor=admin)
    db_session.commit()
    db_session.expire_all()
    assert "ITSM.01.04" not in {s.code for s in draft.services}
    assert db_session.get(CatalogService, sakti_id) is None
    count = db_session.scalar(
        select(func.count()).select_from(CatalogScope).where(CatalogScope.service_id == sakti_id)
    )
    assert count == 0


def test_update_draft_info(db_session, draft, admin):
    catalog.update_version_info(
        draft, title="  Revisi 2031 ", notes=" Norma baru ", now=utcnow(), actor=admin
    )
    db_session.commit()
    db_session.expire_all()
    assert (draft.title, draft.notes) == ("Revisi 2031", "Norma baru")
    assert len(_events(db_session, "catalog.version_updated")) == 1


# --- non-draft versions are read-only -----------------------------------------------


EDITS = {
    "update service": lambda v, a: _edit_service(v, _service(v, "BMSM.01"), a, norm_hours=4),
    "new service": lambda v, a: catalog.save_service(
        v,
        None,
        code="NEW.01",
        name="Baru",
        definition="",
        audience="",
        responsible_unit_name="",
        responsible_unit_id=None,
        norm_hours=8,
        norm_text="",
        access=[1],
        now=utcnow(),
        actor=a,
    ),
    "delete service": lambda v, a: catalog.delete_service(
        _service(v, "BMSM.01"), now=utcnow(), actor=a
    ),
    "update scope": lambda v, a: catalog.save_scope(
        _service(v, "WBSM.01"),
        _service(v, "WBSM.01").scopes[0],
        code="WBSM.01.01",
        name="Diubah",
        norm_hours=1,
        now=utcnow(),
        actor=a,
    ),
    "new scope": lambda v, a: catalog.save_scope(
        _service(v, "WBSM.01"),
        None,
        code="WBSM.01.09",
        name="Baru",
        norm_hours=1,
        now=utcnow(),
        actor=a,
    ),
    "delete scope": lambda v, a: catalog.delete_scope(
        _service(v, "WBSM.01").scopes[0], now=utcnow(), actor=a
    ),
    "version info": lambda v, a: catalog.update_version_info(
        v, title="Diubah", notes="", now=utcnow(), actor=a
    ),
    "activate": lambda v, a: _activate(v, a, TODAY),
    "delete version": lambda v, a: catalog.delete_draft(v, now=utcnow(), actor=a),
}


@pytest.mark.parametrize("version_code", ["2023.0", "2023.1"])
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_non_draft_versions_cannot_be_edited(db_session, admin, version_code, edit):
    version = _version(db_session, version_code)
    before = _snapshot(version)
    events = db_session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(CatalogError, match="tidak dapat diubah"):
        EDITS[edit](version, admin)
    db_session.expire_all()
    assert _snapshot(version) == before
    assert version.state is not VersionState.DRAFT
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_scheduled_version_cannot_be_edited(db_session, draft, admin):
    _activate(draft, admin, TODAY + timedelta(days=7))
    db_session.commit()
    with pytest.raises(CatalogError, match="tidak dapat diubah"):
        _edit_service(draft, _service(draft, "BMSM.01"), admin, norm_hours=4)


# --- activation --------------------------------------------------------------------


def test_activation_date_before_today_is_refused(db_session, draft, admin):
    with pytest.raises(CatalogError, match="tidak boleh sebelum hari ini") as refused:
        _activate(draft, admin, TODAY - timedelta(days=1))
    assert refused.value.field == "effective_from"
    assert draft.state is VersionState.DRAFT
    assert draft.effective_from is None
    assert version_in_force(TODAY).code == "2023.1"


@pytest.mark.parametrize("effective", [date(2023, 6, 30), date(2023, 6, 15)])
def test_activation_must_be_after_the_version_in_force(db_session, draft, admin, effective):
    """Seen from a day before 2023.1 took effect: a new version may not come
    on or before 2023-06-30."""
    with pytest.raises(CatalogError, match="2023.1") as refused:
        _activate(draft, admin, effective, today=date(2023, 6, 1))
    assert refused.value.field == "effective_from"
    assert draft.state is VersionState.DRAFT


def test_activation_must_be_after_a_scheduled_version(db_session, draft, active, admin):
    _activate(draft, admin, TODAY + timedelta(days=30))
    second = catalog.create_draft(active, code="2031.1", title="Kedua", now=utcnow(), actor=admin)
    for effective in (TODAY + timedelta(days=10), TODAY + timedelta(days=30)):
        with pytest.raises(CatalogError, match="2031.0") as refused:
            _activate(second, admin, effective)
        assert refused.value.field == "effective_from"
        assert second.state is VersionState.DRAFT
    _activate(second, admin, TODAY + timedelta(days=31))
    assert second.state is VersionState.ACTIVE


def test_empty_draft_cannot_be_activated(db_session, draft, admin):
    for service in list(draft.services):
        catalog.delete_service(service, now=utcnow(), actor=admin)
    db_session.commit()
    with pytest.raises(CatalogError, match="tanpa layanan"):
        _activate(draft, admin, TODAY)
    assert draft.state is VersionState.DRAFT


def test_activation_today_takes_effect_and_retires_the_previous(db_session, draft, active, admin):
    _activate(draft, admin, TODAY)
    db_session.commit()
    db_session.expire_all()
    assert draft.state is VersionState.ACTIVE
    assert draft.effective_from == TODAY
    assert draft.activated_by_id == admin.id
    assert draft.activated_at is not None
    assert version_in_force(TODAY).id == draft.id
    assert version_status(draft, TODAY) == ("Berlaku", "active")
    assert active.state is VersionState.RETIRED
    assert active.retired_at is not None
    assert version_status(active, TODAY) == ("Tidak berlaku", "retired")
    # The day before, tickets still get 2023.1: history is kept.
    assert version_in_force(TODAY - timedelta(days=1)).id == active.id
    (activated,) = _events(db_session, "catalog.version_activated")
    assert activated.details == {"code": "2031.0", "effective_from": TODAY.isoformat()}
    (retired,) = _events(db_session, "catalog.version_retired")
    assert retired.details == {"versions": ["2023.1"], "replaced_by": "2031.0"}


def test_future_activation_is_scheduled_until_its_day(db_session, draft, active, admin):
    start = TODAY + timedelta(days=14)
    _activate(draft, admin, start)
    db_session.commit()
    assert draft.state is VersionState.ACTIVE
    assert version_status(draft, TODAY) == ("Terjadwal", "scheduled")
    assert version_status(active, TODAY) == ("Berlaku", "active")
    assert version_in_force(TODAY).id == active.id
    assert version_in_force(start - timedelta(days=1)).id == active.id
    assert active.state is VersionState.ACTIVE

    # The daily job on the day before does nothing; on the day itself it retires 2023.1.
    assert catalog.retire_superseded(today=start - timedelta(days=1), now=utcnow()) == []
    assert version_status(draft, start - timedelta(days=1)) == ("Terjadwal", "scheduled")
    assert catalog.retire_superseded(today=start, now=utcnow()) == ["2023.1"]
    db_session.commit()
    db_session.expire_all()
    assert active.state is VersionState.RETIRED
    assert version_status(draft, start) == ("Berlaku", "active")
    assert version_status(active, start) == ("Tidak berlaku", "retired")
    assert version_in_force(start).id == draft.id
    # Idempotent.
    assert catalog.retire_superseded(today=start, now=utcnow()) == []


def test_version_in_force_but_not_yet_retired_reads_as_superseded(db_session, draft, active, admin):
    start = TODAY + timedelta(days=3)
    _activate(draft, admin, start)
    db_session.commit()
    # The day has come but the daily job has not run yet.
    assert version_status(active, start) == ("Digantikan", "retired")
    assert version_in_force(start).id == draft.id


def test_old_versions_are_unchanged_by_the_whole_workflow(db_session, old, active, admin):
    before = {"2023.0": _snapshot(old), "2023.1": _snapshot(active)}
    draft = catalog.create_draft(active, code="2031.0", title="Uji", now=utcnow(), actor=admin)
    wbsm = _service(draft, "WBSM.01")
    _edit_service(draft, wbsm, admin, name="Pengaduan (baru)", norm_hours=8, access=[1])
    catalog.save_scope(
        wbsm,
        wbsm.scopes[0],
        code="WBSM.01.01",
        name="Kode etik",
        norm_hours=8,
        now=utcnow(),
        actor=admin,
    )
    catalog.save_scope(
        wbsm, None, code="WBSM.01.04", name="Baru", norm_hours=8, now=utcnow(), actor=admin
    )
    sakti = _service(draft, "ITSM.01.04")
    catalog.delete_scope(sakti.top_scopes[0], now=utcnow(), actor=admin)
    catalog.delete_service(_service(draft, "BMSM.01"), now=utcnow(), actor=admin)
    _activate(draft, admin, TODAY)
    db_session.commit()
    db_session.expire_all()
    assert {"2023.0": _snapshot(old), "2023.1": _snapshot(active)} == before
    assert (old.effective_from, active.effective_from) == (date(2023, 1, 1), date(2023, 6, 30))


def test_drafts_are_never_in_force(db_session, draft):
    assert version_in_force(TODAY).code == "2023.1"
    assert version_status(draft, TODAY) == ("Draf", "draft")


def test_delete_draft(db_session, draft, admin):
    draft_id = draft.id
    catalog.delete_draft(draft, now=utcnow(), actor=admin)
    db_session.commit()
    assert db_session.get(CatalogVersion, draft_id) is None
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(CatalogService)
            .where(CatalogService.version_id == draft_id)
        )
        == 0
    )


# --- comparing ---------------------------------------------------------------------


def test_compare_2023_0_with_2023_1(db_session, old, active):
    comparison = compare_versions(old, active)
    services = {c.code: c for c in comparison.services}
    scopes = {c.code: c for c in comparison.scopes}
    assert services["ITSM.03"].kind == "removed"
    assert services["ITSM.01.07"].kind == "added"
    assert services["ITSM.01.07"].name == "Layanan monSAKTI"
    assert services["WBSM.01"].kind == "changed"
    assert "Norma: 32 jam kerja → 24 jam kerja" in services["WBSM.01"].details
    assert "BMSM.01" not in services  # same name, norm, access and unit
    for code in ("WBSM.01.01", "WBSM.01.02", "WBSM.01.03"):
        assert scopes[code].kind == "changed", code
        assert "Norma: 32 jam kerja → 24 jam kerja" in scopes[code].details, code
    assert scopes["ITSM.01.07.01"].kind == "added"
    assert scopes["ITSM.03.01"].kind == "removed"
    assert not comparison.is_empty


def test_compare_is_symmetric_in_kind(db_session, old, active):
    back = {c.code: c.kind for c in compare_versions(active, old).services}
    assert back["ITSM.03"] == "added"
    assert back["ITSM.01.07"] == "removed"


def test_compare_fresh_draft_with_its_source_is_empty(db_session, active, draft):
    comparison = compare_versions(active, draft)
    assert comparison.services == []
    assert comparison.scopes == []
    assert comparison.is_empty


def test_compare_shows_draft_edits(db_session, active, draft, admin):
    broadcast = _service(draft, "BMSM.01")
    _edit_service(draft, broadcast, admin, norm_hours=4, norm_text="", access=[8, 9, 10])
    wbsm = _service(draft, "WBSM.01")
    catalog.save_scope(
        wbsm,
        None,
        code="WBSM.01.04",
        name="Pengaduan lain",
        norm_hours=None,
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    comparison = compare_versions(active, draft)
    (service_change,) = comparison.services
    assert service_change.code == "BMSM.01"
    assert service_change.details == [
        "Norma: 8 jam kerja → 4 jam kerja",
        "Jenis pengguna: 8, 9 → 8, 9, 10",
    ]
    (scope_change,) = comparison.scopes
    assert (scope_change.code, scope_change.kind, scope_change.details) == (
        "WBSM.01.04",
        "added",
        ["tanpa norma"],
    )


# --- known bugs ---------------------------------------------------------------------


def test_new_scope_label_does_not_repeat_a_sibling_label(db_session, draft, admin):
    service = _service(draft, "WBSM.01")
    assert [s.label for s in service.scopes] == ["1", "2", "3"]
    catalog.delete_scope(_scope(service, "WBSM.01.02"), now=utcnow(), actor=admin)
    catalog.save_scope(
        service,
        None,
        code="WBSM.01.04",
        name="Pengaduan lain",
        norm_hours=24,
        now=utcnow(),
        actor=admin,
    )
    db_session.commit()
    db_session.expire_all()
    labels = [s.label for s in service.top_scopes]
    assert len(labels) == len(set(labels)), labels  # today: ['1', '3', '3']


def test_new_sub_scope_continues_lettered_labels(db_session, draft, admin):
    service = _service(draft, "ITSM.01.04")
    parent = _scope(service, "ITSM.01.04.01")
    labels = [c.label for c in parent.children]
    assert labels == list("abcdef")
    child = catalog.save_scope(
        service,
        None,
        code="ITSM.01.04.01.g",
        name="Rincian baru",
        norm_hours=24,
        parent=parent,
        now=utcnow(),
        actor=admin,
    )
    assert child.label == "g"


def test_a_service_needs_at_least_one_user_type(db_session, draft, admin):
    service = draft.services[0]
    with pytest.raises(CatalogError) as exc:
        catalog.save_service(
            draft,
            service,
            code=service.code,
            name=service.name,
            definition="",
            audience="",
            responsible_unit_name="",
            responsible_unit_id=None,
            norm_hours=8,
            norm_text="",
            access=[],
            now=utcnow(),
            actor=admin,
        )
    assert exc.value.field == "access"
