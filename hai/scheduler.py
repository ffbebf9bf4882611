"""The one registry of scheduled jobs, and the scheduler process that runs them.

The scheduler runs as its own process (`flask --app wsgi hai scheduler`), never
inside web workers. Each run has an app context and commits or rolls back; jobs
are idempotent. On PostgreSQL a session-level advisory lock keeps a second
scheduler process idle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import text

from hai.db_types import utcnow
from hai.extensions import db

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x4841_4931  # "HAI1"


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[datetime], object]
    trigger: str  # "cron" or "interval"
    trigger_args: dict
    description: str


def _jobs() -> list[Job]:
    from hai.broadcasts.jobs import deliver_broadcasts
    from hai.catalog.jobs import retire_superseded_versions
    from hai.mail.jobs import poll_imap, send_outbox
    from hai.problems.jobs import suggest as suggest_problems
    from hai.qa.stats import rebuild_job, refresh_job
    from hai.reports.services import draft_due_reports
    from hai.surveys.jobs import deliver_invitations
    from hai.tickets.jobs import flag_breaches, flag_recent_breaches

    return [
        Job(
            id="mail.send_outbox",
            func=send_outbox,
            trigger="interval",
            trigger_args={"minutes": 1},
            description="Kirim email dari kotak keluar melalui SMTP, dengan percobaan ulang.",
        ),
        Job(
            id="mail.poll_imap",
            func=poll_imap,
            trigger="interval",
            trigger_args={"minutes": 1},
            description="Ambil email masuk dari kotak surat IMAP menjadi tiket atau balasan.",
        ),
        Job(
            id="tickets.flag_breaches",
            func=flag_recent_breaches,
            trigger="interval",
            trigger_args={"minutes": 2},
            description="Tandai tiket yang berisiko atau melewati SLA/OLA dan beri tahu petugas.",
        ),
        Job(
            id="tickets.sweep_breaches",
            func=flag_breaches,
            trigger="cron",
            trigger_args={"hour": 1, "minute": 15},
            description="Periksa ulang seluruh tiket terbuka atas pelanggaran SLA/OLA (harian).",
        ),
        Job(
            id="broadcasts.deliver",
            func=deliver_broadcasts,
            trigger="interval",
            trigger_args={"minutes": 1},
            description="Kirim broadcast yang disetujui ke setiap penerima, dengan coba ulang.",
        ),
        Job(
            id="surveys.deliver",
            func=deliver_invitations,
            trigger="interval",
            trigger_args={"minutes": 1},
            description="Kirim undangan survei ke setiap penerima, sekali, dengan coba ulang.",
        ),
        Job(
            id="catalog.retire_superseded",
            func=retire_superseded_versions,
            trigger="cron",
            trigger_args={"hour": 0, "minute": 5},
            description="Versi katalog yang mulai berlaku menggantikan versi sebelumnya.",
        ),
        Job(
            id="reports.draft_due",
            func=draft_due_reports,
            trigger="cron",
            trigger_args={"hour": 6, "minute": 0},
            description="Susun draf laporan bulanan dan triwulanan pada tanggal 1 dan beri tahu "
            "pemeriksanya.",
        ),
        Job(
            id="qa.refresh_stats",
            func=refresh_job,
            trigger="interval",
            trigger_args={"minutes": 1},
            description="Perbarui angka dasbor QA untuk hari yang berubah (praagregasi harian).",
        ),
        Job(
            id="qa.rebuild_stats",
            func=rebuild_job,
            trigger="cron",
            trigger_args={"hour": 2, "minute": 30},
            description="Hitung ulang seluruh angka dasbor QA dari tiket (rekonsiliasi harian).",
        ),
        Job(
            id="problems.suggest",
            func=suggest_problems,
            trigger="interval",
            trigger_args={"minutes": 15},
            description="Sarankan masalah dari kumpulan tiket gangguan pada ruang lingkup atau "
            "item konfigurasi yang sama (5 tiket dalam 24 jam kerja).",
        ),
    ]


def run_job(app: Flask, job: Job, now: datetime | None = None) -> object:
    """Run one job in an app context: commit on success, roll back on error."""
    from hai.web.requestlog import log_context, new_id

    with app.app_context(), log_context(f"job-{job.id}-{new_id()[:12]}"):
        from hai.ops.services import record_run

        try:
            result = job.func(now or utcnow())
            # In the job's own transaction: the record says its work was committed. The
            # wall-clock time, whatever ``now`` the job was given (the health endpoint).
            record_run(job.id, ok=True, at=utcnow())
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            _record_failure(job, exc)
            raise
        log.info("job %s done: %r", job.id, result)
        return result


def _record_failure(job: Job, exc: Exception) -> None:
    """Note a failed run in a transaction of its own; a failure here is only logged, so
    that it cannot hide the job's own error."""
    from hai.ops.services import record_run

    try:
        record_run(job.id, ok=False, at=utcnow(), error=type(exc).__name__)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the failed run of job %s", job.id)


def acquire_leadership(app: Flask):
    """On PostgreSQL, hold an advisory lock for the life of the process.

    Returns the connection holding it (keep it open), or None if another
    scheduler holds it. On SQLite there is one app server per file, so no lock.
    """
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return True
    conn = engine.connect()
    got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
    if not got:
        conn.close()
        return None
    return conn


def build_scheduler(app: Flask, *, background: bool = False):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone=app.config["SCHEDULER_TIMEZONE"])
    for job in _jobs():
        scheduler.add_job(
            run_job,
            trigger=job.trigger,
            args=(app, job),
            id=job.id,
            name=job.description,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
            **job.trigger_args,
        )
    return scheduler


def jobs() -> list[Job]:
    return _jobs()


def start_in_process(app: Flask):
    """For `make run` only: the jobs in a thread of the development server.

    Production runs `flask --app wsgi hai scheduler` as its own process instead.
    """
    scheduler = build_scheduler(app, background=True)
    scheduler.start()
    log.info("scheduler started inside the development server")
    return scheduler
