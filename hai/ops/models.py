"""The scheduler's record of each job's last run, read by the health endpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hai.db_types import UTCDateTime
from hai.extensions import db


class JobRun(db.Model):
    """One row per job id, overwritten by every run (the log keeps the history)."""

    __tablename__ = "job_run"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column()
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The exception's class name of the last failed run: never its message, which may
    # carry addresses or personal data.
    error: Mapped[str] = mapped_column(String(120), default="")
