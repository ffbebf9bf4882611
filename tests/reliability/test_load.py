"""The load test in its quick, bounded form: 20 staff users for 20 s against gunicorn with
two workers on PostgreSQL; no request may fail or answer 5xx (the full run, 200 users for
10 minutes, is `make bench`). No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.reliability.conftest import ROOT


@pytest.mark.skipif(not os.environ.get("HAI_TEST_DATABASE_URL"), reason="PostgreSQL run only")
def test_quick_load_has_no_failures_and_no_server_errors(tmp_path):
    out = tmp_path / "load.txt"
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--users", "20", "--seconds", "20",
         "--workers", "2", "--staff", "10", "--tickets", "200", "--spawn-rate", "10",
         "--wait", "1,3", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "result: no failures, no 5xx" in out.read_text()
