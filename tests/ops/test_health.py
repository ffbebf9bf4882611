"""GET /health (database and scheduler) and GET /health/db, and the run record behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from hai import create_app
from hai.config import TestingConfig
from hai.db_types import utcnow
from hai.ops.health import default_max_age, interval_of
from hai.ops.models import JobRun
from hai.ops.services import record_run
from hai.scheduler import Job, jobs, run_job


@pytest.fixture
def no_runs(db_session):
    db_session.execute(delete(JobRun))
    db_session.commit()
    return db_session


def interval_jobs() -> list[Job]:
    return [j for j in jobs() if interval_of(j) is not None]


def all_ran(db_session, at: datetime) -> None:
    for job in jobs():
        record_run(job.id, ok=True, at=at)
    db_session.commit()


def test_the_threshold_is_three_periods_of_the_slowest_interval_job():
    slowest = max(interval_of(j) for j in interval_jobs())
    assert default_max_age(jobs()) == 3 * slowest == timedelta(minutes=45)


def test_never_run_scheduler_is_unhealthy(client, no_runs):
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["checks"] == {"database": "ok", "scheduler": "never"}
    assert body["reasons"] == ["scheduler has not run"]
    assert set(body["jobs"]) == {j.id for j in jobs()}


def test_recent_runs_are_healthy(client, no_runs):
    all_ran(no_runs, utcnow() - timedelta(minutes=10))
    response = client.get("/health")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "scheduler": "ok"}
    assert body["reasons"] == []
    assert body["scheduler_max_age_minutes"] == 45
    for job in jobs():
        assert body["jobs"][job.id]["last_run_ok"] is True
        assert body["jobs"][job.id]["last_success_at"]


def test_a_failed_run_within_the_threshold_is_not_an_alarm(client, no_runs):
    all_ran(no_runs, utcnow() - timedelta(minutes=20))
    record_run("mail.send_outbox", ok=False, at=utcnow(), error="SMTPException")
    no_runs.commit()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["jobs"]["mail.send_outbox"]["last_run_ok"] is False


def test_a_stale_interval_job_is_unhealthy(client, no_runs):
    now = utcnow()
    all_ran(no_runs, now - timedelta(minutes=5))
    record_run("problems.suggest", ok=False, at=now, error="RuntimeError")
    no_runs.execute(
        JobRun.__table__.update()
        .where(JobRun.job_id == "problems.suggest")
        .values(last_success_at=now - timedelta(minutes=46))
    )
    no_runs.commit()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["scheduler"] == "stale"
    assert body["reasons"] == ["job problems.suggest has not succeeded in 45 minutes"]
    assert "RuntimeError" not in response.get_data(as_text=True), "no error detail is public"


def test_an_interval_job_that_never_ran_is_unhealthy(client, no_runs):
    now = utcnow()
    for job in jobs():
        if job.id != "mail.poll_imap":
            record_run(job.id, ok=True, at=now)
    no_runs.commit()
    body = client.get("/health").get_json()
    assert body["checks"]["scheduler"] == "stale"
    assert body["reasons"] == ["job mail.poll_imap has never succeeded"]


def test_daily_jobs_are_shown_but_not_judged(client, no_runs):
    now = utcnow()
    for job in interval_jobs():
        record_run(job.id, ok=True, at=now)
    no_runs.commit()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["jobs"]["tickets.sweep_breaches"] == {
        "last_success_at": None,
        "last_run_ok": None,
    }


def test_the_threshold_can_be_configured(app, client, no_runs, monkeypatch):
    all_ran(no_runs, utcnow() - timedelta(minutes=20))
    monkeypatch.setitem(app.config, "HEALTH_SCHEDULER_MAX_AGE_MINUTES", "10")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["scheduler_max_age_minutes"] == 10


def test_health_is_public_json_without_session_or_secrets(app, client, no_runs):
    all_ran(no_runs, utcnow())
    for url in ("/health", "/health/db"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert "Set-Cookie" not in response.headers, "no session for a health check"
        assert response.headers["Cache-Control"] == "no-store"
        text = response.get_data(as_text=True).lower()
        for secret in ("sqlite", "postgres", "version", "python", "werkzeug", app.instance_path):
            assert secret.lower() not in text


def test_database_only_check(client, no_runs):
    response = client.get("/health/db")
    assert response.status_code == 200, "the proxy's check does not wait for the scheduler"
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_database_down_answers_503(tmp_path):
    # Its own app on a database that cannot be opened (no db_session: that would share
    # the test database's connection).
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'hai.db'}",
            "INSTANCE_PATH": str(tmp_path),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        },
    )
    client = app.test_client()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"] == {"database": "error", "scheduler": "unknown"}
    assert body["reasons"] == ["database unreachable"]
    assert "missing" not in response.get_data(as_text=True)
    response = client.get("/health/db")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "error"}
    with app.app_context():
        from hai.extensions import db

        db.engine.dispose()


def test_run_job_records_success_and_failure(app, no_runs):
    def fine(now):
        return "ok"

    def broken(now):
        raise RuntimeError("gagal")

    frozen = datetime(2030, 1, 2, tzinfo=UTC)
    before = utcnow()
    run_job(app, Job("test.fine", fine, "interval", {"minutes": 1}, "Uji"), now=frozen)
    run = no_runs.get(JobRun, "test.fine")
    assert run.ok and run.error == ""
    assert run.finished_at >= before, "wall-clock time, not the job's frozen now"
    assert run.last_success_at == run.finished_at

    failing = Job("test.fine", broken, "interval", {"minutes": 1}, "Uji")
    with pytest.raises(RuntimeError):
        run_job(app, failing, now=frozen)
    no_runs.expire_all()
    run = no_runs.get(JobRun, "test.fine")
    assert not run.ok and run.error == "RuntimeError"
    assert run.last_success_at < run.finished_at, "the last success is kept"
    assert no_runs.scalar(select(JobRun.job_id).where(JobRun.job_id == "test.fine"))
