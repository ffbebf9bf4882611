"""Recording the scheduler's runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from hai.extensions import db
from hai.ops.models import JobRun


def record_run(job_id: str, *, ok: bool, at: datetime, error: str = "") -> None:
    """Store the outcome of one run of ``job_id`` finished at ``at`` (one row per job).

    An upsert, so that a `hai scheduler --once` beside the running scheduler cannot
    trip over the primary key.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "job_id": job_id,
        "finished_at": at,
        "ok": ok,
        "last_success_at": at if ok else None,
        "error": error[:120],
    }
    stmt = insert(JobRun).values(**values)
    update = {"finished_at": at, "ok": ok, "error": values["error"]}
    if ok:
        update["last_success_at"] = at
    db.session.execute(stmt.on_conflict_do_update(index_elements=["job_id"], set_=update))
    db.session.flush()
