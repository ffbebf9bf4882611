"""GET /health for monitoring, GET /health/db for the reverse proxy's checks."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify

from hai.auth.permissions import public
from hai.db_types import utcnow
from hai.ops import health

bp = Blueprint("ops", __name__)


def _max_age() -> timedelta:
    from hai.scheduler import jobs

    minutes = current_app.config.get("HEALTH_SCHEDULER_MAX_AGE_MINUTES")
    return timedelta(minutes=int(minutes)) if minutes else health.default_max_age(jobs())


@bp.get("/health")
@public
def check():
    """The database and the scheduler: 200 when both are well, else 503 with the reasons."""
    from hai.scheduler import jobs

    now = utcnow()
    result = health.check(
        now=now,
        jobs=jobs(),
        max_age=_max_age(),
        timeout_ms=current_app.config["HEALTH_DB_TIMEOUT_MS"],
    )
    body = {
        "status": "ok" if result.ok else "error",
        "checked_at": now.isoformat(),
        "checks": {
            "database": "ok" if result.database else "error",
            "scheduler": result.scheduler,
        },
        "reasons": result.reasons,
        "scheduler_max_age_minutes": int(_max_age().total_seconds() // 60),
        "jobs": result.jobs,
    }
    return jsonify(body), 200 if result.ok else 503


@bp.get("/health/db")
@public
def check_database():
    """The database only: whether this app server can serve (for the proxy's checks)."""
    ok = health.database_answers(current_app.config["HEALTH_DB_TIMEOUT_MS"])
    body = {"status": "ok" if ok else "error", "checks": {"database": "ok" if ok else "error"}}
    return jsonify(body), 200 if ok else 503
