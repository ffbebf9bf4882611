"""What the health endpoint checks: the database answers, and the scheduler keeps running.

Nothing here names a version, a host or an exception message: the answer is public.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from hai.extensions import db
from hai.ops.models import JobRun

log = logging.getLogger(__name__)


@dataclass
class Health:
    database: bool
    scheduler: str  # "ok", "stale", "never" (no run recorded) or "unknown" (database down)
    reasons: list[str] = field(default_factory=list)
    jobs: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.database and self.scheduler == "ok"


def interval_of(job) -> timedelta | None:
    """The period of an interval job; None for a cron job."""
    if job.trigger != "interval":
        return None
    return timedelta(**job.trigger_args)


def default_max_age(jobs) -> timedelta:
    """Three periods of the slowest interval job: one late or failed run is no alarm."""
    periods = [p for p in (interval_of(j) for j in jobs) if p is not None]
    return 3 * max(periods, default=timedelta(minutes=15))


def database_answers(timeout_ms: int) -> bool:
    """A round trip (SELECT 1), given at most ``timeout_ms`` on PostgreSQL."""
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            # SET takes no bind parameters; the value is an int from the configuration.
            db.session.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
        return db.session.execute(text("SELECT 1")).scalar() == 1
    except SQLAlchemyError as exc:
        log.warning("health: database did not answer (%s)", type(exc).__name__)
        db.session.rollback()
        return False


def check(*, now: datetime, jobs, max_age: timedelta, timeout_ms: int) -> Health:
    """The database round trip, then every interval job's last success within ``max_age``."""
    if not database_answers(timeout_ms):
        return Health(database=False, scheduler="unknown", reasons=["database unreachable"])
    try:
        runs = {run.job_id: run for run in db.session.scalars(select(JobRun))}
    except SQLAlchemyError as exc:
        log.warning("health: could not read job runs (%s)", type(exc).__name__)
        db.session.rollback()
        return Health(database=False, scheduler="unknown", reasons=["database unreachable"])
    health = Health(database=True, scheduler="ok")
    for job in jobs:
        run = runs.get(job.id)
        health.jobs[job.id] = {
            "last_success_at": run.last_success_at.isoformat()
            if run and run.last_success_at
            else None,
            "last_run_ok": run.ok if run else None,
        }
    if not runs:
        health.scheduler = "never"
        health.reasons.append("scheduler has not run")
        return health
    minutes = int(max_age.total_seconds() // 60)
    for job in jobs:
        if interval_of(job) is None:
            continue  # daily jobs: shown, not judged
        run = runs.get(job.id)
        if run is None or run.last_success_at is None:
            health.scheduler = "stale"
            health.reasons.append(f"job {job.id} has never succeeded")
        elif now - run.last_success_at > max_age:
            health.scheduler = "stale"
            health.reasons.append(f"job {job.id} has not succeeded in {minutes} minutes")
    return health
