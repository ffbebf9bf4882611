"""A separate, committed database per test (the suite's own runs in one rolled-back
transaction, which other processes cannot see), on the same engine as the run."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_db(tmp_path):
    server = os.environ.get("HAI_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'reliability.db'}"
        return
    name = f"hai_rel_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()  # a test may restart the server
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def worker(fresh_db, tmp_path):
    """Run ``tests.reliability.worker ACTION`` in a new process on the fresh database."""

    def run(action: str, *, check: bool = True, **env) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "tests.reliability.worker", action],
            cwd=ROOT,
            env={
                **os.environ,
                "HAI_DATABASE_URL": fresh_db,
                "HAI_INSTANCE_PATH": str(tmp_path / "instance"),
                **{k: str(v) for k, v in env.items()},
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{action} failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return result

    return run
