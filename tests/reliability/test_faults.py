"""Faults, with real processes on a separate database: the scheduler killed in the middle
of a pass, two schedulers at once, the database restarted under load, SQLite under
concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.reliability.conftest import ROOT

postgres_only = pytest.mark.skipif(
    not os.environ.get("HAI_TEST_DATABASE_URL"), reason="PostgreSQL run only"
)
sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("HAI_TEST_DATABASE_URL")), reason="SQLite run only"
)


def test_scheduler_killed_mid_pass_loses_and_doubles_nothing(worker):
    worker("setup", TICKETS=30)
    killed = worker("breach-killed", check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    # Nothing of the killed pass was kept: it was one transaction.
    assert json.loads(worker("counts").stdout) == {
        "breaches": 0, "distinct_breaches": 0, "notifications": 0, "emails": 0,
    }  # fmt: skip
    worker("breach")  # the restarted scheduler's pass
    after = json.loads(worker("counts").stdout)
    assert after["breaches"] >= 30 and after["breaches"] == after["distinct_breaches"]
    assert after["notifications"] > 0 and after["emails"] > 0
    worker("breach")  # and its next pass records nothing twice
    assert json.loads(worker("counts").stdout) == after


@postgres_only
def test_two_scheduler_processes_only_one_acts(worker, fresh_db, tmp_path):
    worker("setup", TICKETS=1)
    first = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.worker", "leader"],
        cwd=ROOT,
        env={**os.environ, "HAI_DATABASE_URL": fresh_db, "HOLD": "30"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "leader"
        assert worker("leader").stdout.strip() == "standby"
        first.kill()  # the leader dies: its session ends and the lock is free
        first.wait(timeout=10)
        deadline = time.monotonic() + 20
        while worker("leader").stdout.strip() != "leader":
            assert time.monotonic() < deadline, "the lock was never released"
            time.sleep(0.5)
    finally:
        first.kill()
        first.wait(timeout=10)
        first.stdout.close()


@postgres_only
def test_the_app_recovers_when_the_database_restarts_under_load(fresh_db, tmp_path, worker):
    from hai import create_app
    from hai.config import TestingConfig

    worker("setup", TICKETS=1)
    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": fresh_db, "INSTANCE_PATH": str(tmp_path / "app")},
    )
    with app.app_context():
        from hai.api.tokens import issue_token
        from hai.db_types import utcnow
        from hai.extensions import db

        _, secret = issue_token("Uji mulai ulang", now=utcnow(), rate_per_minute=10_000)
        db.session.commit()
    statuses: list[int] = []
    stop = threading.Event()

    def load():
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        while not stop.is_set():  # every call reads the token and writes its record
            statuses.append(client.get("/api/v1/catalog", headers=headers).status_code)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(1)
        as_user = os.environ.get("HAI_TEST_PG_AS", "").split()
        ctl = [os.environ["HAI_TEST_PG_BIN"] + "/pg_ctl", "-D", os.environ["HAI_TEST_PG_DATA"]]
        log = os.path.join(os.path.dirname(os.environ["HAI_TEST_PG_DATA"]), "restart.log")
        subprocess.run([*as_user, *ctl, "-l", log, "-m", "fast", "-w", "restart"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)  # fmt: skip
        time.sleep(1)
        before = len(statuses)
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    after_restart = statuses[before:]
    assert after_restart and set(after_restart) == {200}, sorted(set(after_restart))
    # While it was down, callers got "service unavailable", never a crash.
    assert set(statuses) <= {200, 503}
    with app.app_context():
        db.engine.dispose()


@sqlite_only
def test_sqlite_concurrent_writers_never_see_database_is_locked(worker, fresh_db, tmp_path):
    from hai import create_app
    from hai.api.tokens import issue_token
    from hai.config import TestingConfig
    from hai.db_types import utcnow
    from hai.extensions import db

    worker("setup", TICKETS=0)
    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": fresh_db, "INSTANCE_PATH": str(tmp_path / "app")},
    )
    with app.app_context():
        _, secret = issue_token("Uji tulis bersamaan", now=utcnow(), actor=None)
        db.session.commit()
    statuses: list[int] = []
    per_writer, writers = 15, 6

    def write(n: int):
        client = app.test_client()
        for i in range(per_writer):
            response = client.post(
                "/api/v1/tickets",
                json={
                    "channel": "webchat",
                    "service_code": "ITSM.01.04.01.a",
                    "subject": f"Tulis bersamaan {n}-{i}",
                    "description": "Uji",
                    "requester": {"name": "Pemohon", "email": f"w{n}@satker.go.id", "user_type": 8},
                },
                headers={"Authorization": f"Bearer {secret}"},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses.count(201) == per_writer * writers, sorted(set(statuses))
    with app.app_context():
        from sqlalchemy import func, select

        from hai.tickets.models import Ticket

        assert db.session.scalar(select(func.count()).select_from(Ticket)) == per_writer * writers
        db.engine.dispose()
