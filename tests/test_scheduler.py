"""The job registry, the scheduler it builds, and running one job."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from hai.audit.models import AuditEvent
from hai.auth.roles import Role
from hai.catalog.models import CatalogVersion, VersionState
from hai.scheduler import Job, acquire_leadership, build_scheduler, jobs, run_job
from hai.web.timefmt import today_wib


def job(job_id: str) -> Job:
    return next(j for j in jobs() if j.id == job_id)


def test_registry_lists_the_catalog_job():
    registry = jobs()
    ids = [j.id for j in registry]
    assert "catalog.retire_superseded" in ids
    assert len(ids) == len(set(ids)), "job ids are unique"
    retire = job("catalog.retire_superseded")
    assert retire.trigger == "cron"
    assert retire.trigger_args == {"hour": 0, "minute": 5}
    assert retire.description


def test_build_scheduler_registers_every_job(app):
    scheduler = build_scheduler(app)
    assert not scheduler.running
    scheduled = {j.id: j for j in scheduler.get_jobs()}
    assert set(scheduled) == {j.id for j in jobs()}
    for registered in jobs():
        entry = scheduled[registered.id]
        assert entry.name == registered.description
        assert entry.args == (app, registered)
        assert entry.max_instances == 1 and entry.coalesce
    assert str(scheduler.timezone) == app.config["SCHEDULER_TIMEZONE"]


@pytest.fixture
def scheduled_version(db_session, make_user):
    """A draft of the catalog in force, activated to take effect ten days from now."""
    from hai.catalog.services import activate_version, create_draft
    from hai.db_types import utcnow

    admin = make_user(Role.ADMIN)
    now = utcnow()
    today = today_wib(now)
    current = db_session.scalar(
        select(CatalogVersion).where(CatalogVersion.state == VersionState.ACTIVE)
    )
    draft = create_draft(current, code="T-2099", title="Versi uji", now=now, actor=admin)
    effective = today + timedelta(days=10)
    activate_version(draft, effective_from=effective, today=today, now=now, actor=admin)
    db_session.commit()
    assert current.state is VersionState.ACTIVE, "not replaced before its date"
    return current, draft, effective


def retired_events(db_session) -> list[AuditEvent]:
    return list(
        db_session.scalars(select(AuditEvent).where(AuditEvent.action == "catalog.version_retired"))
    )


def test_run_job_retires_the_replaced_version_once(app, db_session, scheduled_version, monkeypatch):
    current, new, effective = scheduled_version
    commits = []
    real_commit = db_session.commit
    monkeypatch.setattr(db_session, "commit", lambda: (commits.append(1), real_commit())[1])
    # 10:00 WIB on the day the new version takes effect.
    frozen = datetime.combine(effective, time(3, 0), tzinfo=UTC)
    retire = job("catalog.retire_superseded")

    the_day_before = run_job(app, retire, now=frozen - timedelta(days=1))
    assert the_day_before == []
    db_session.refresh(current)
    assert current.state is VersionState.ACTIVE

    first = run_job(app, retire, now=frozen)
    assert first == [current.code]
    assert len(commits) == 2, "every run commits"
    db_session.refresh(current)
    assert current.state is VersionState.RETIRED
    assert current.retired_at == frozen
    (event,) = retired_events(db_session)
    assert event.at == frozen and event.details["replaced_by"] == new.code

    second = run_job(app, retire, now=frozen + timedelta(minutes=5))
    assert second == []
    db_session.refresh(current)
    assert current.retired_at == frozen, "a second run changes nothing"
    assert len(retired_events(db_session)) == 1


def test_run_job_with_nothing_to_do_changes_nothing(app, db_session):
    frozen = datetime(2030, 1, 2, 3, 0, tzinfo=UTC)
    states = dict(db_session.execute(select(CatalogVersion.code, CatalogVersion.state)).all())
    retire = job("catalog.retire_superseded")
    assert run_job(app, retire, now=frozen) == []
    assert run_job(app, retire, now=frozen) == []
    db_session.expire_all()
    assert dict(db_session.execute(select(CatalogVersion.code, CatalogVersion.state)).all()) == (
        states
    )
    assert retired_events(db_session) == []


def test_failing_job_rolls_back_and_raises(app, db_session):
    from hai.audit.services import record

    def broken(now):
        record("test.partial_work", now=now, actor_label="system")
        raise RuntimeError("job gagal")

    failing = Job("test.broken", broken, "interval", {"minutes": 1}, "Uji kegagalan")
    with pytest.raises(RuntimeError, match="job gagal"):
        run_job(app, failing, now=datetime(2030, 1, 2, tzinfo=UTC))
    left = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "test.partial_work"))
    assert left is None, "the failed run's work is rolled back"


def test_acquire_leadership(app):
    with app.app_context():
        from hai.extensions import db

        dialect = db.engine.dialect.name
    lock = acquire_leadership(app)
    if dialect != "postgresql":
        assert lock is True
        return
    # PostgreSQL: the advisory lock is held by the returned connection.
    from sqlalchemy import text

    from hai.scheduler import ADVISORY_LOCK_KEY

    try:
        assert lock is not None and lock is not True
        assert acquire_leadership(app) is None, "a second scheduler stays idle"
    finally:
        lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
        lock.close()
