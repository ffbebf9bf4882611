"""Load test: simulated staff users against gunicorn with several workers on PostgreSQL,
on loopback only, bounded in time.

It makes a fresh database on the PostgreSQL server of HAI_TEST_DATABASE_URL (see
scripts/with-postgres.sh), migrates and seeds it, creates staff agents and tickets, starts
``gunicorn -w WORKERS wsgi:app`` on a free loopback port, runs locust headless
(bench/locustfile.py: sign in once, then queue, ticket pages, catalog and HAIPEDIA
searches, home, and internal notes), and prints per request type: count, failures, 5xx,
median and p95 (ms), plus the same for a bare health-less baseline (the login page). The
figures are also written to ``--out`` (default bench/results/load.txt).

  bash scripts/with-postgres.sh python -m bench.load                  # 200 users, 10 min
  bash scripts/with-postgres.sh python -m bench.load --users 20 --seconds 20   # quick

Exit status 1 when any request failed or answered 5xx (tests/reliability/test_load.py
runs the quick form in `make test`).
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "beban-uji-2026-kata-sandi"  # noqa: S105 (generated load-test accounts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(server: str) -> str:
    name = f"hai_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def prepare(url: str, *, staff: int, tickets: int) -> list[int]:
    """Schema, reference data, staff agents and open tickets; returns the ticket ids."""
    from flask_migrate import upgrade

    from hai import create_app
    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.config import DevelopmentConfig
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.reference import load_reference_data
    from hai.tickets.services import RequesterData, create_ticket, take

    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        now = utcnow()
        load_reference_data(now=now)
        agents = [
            create_user(
                email=f"agen{n}@load.test",
                name=f"Agen Beban {n}",
                password=PASSWORD,
                roles={Role.AGEN_L1},
                now=now,
                actor=None,
            )
            for n in range(staff)
        ]
        db.session.commit()
        ids = []
        start = now - timedelta(days=10)
        for n in range(tickets):
            received = start + timedelta(minutes=7 * n)
            ticket = create_ticket(
                channel_code="email",
                received_at=received,
                requester=RequesterData(f"Pemohon {n}", f"p{n}@load.test", "", 1, "", ""),
                subject=f"Pertanyaan SP2D dan revisi DIPA nomor {n}",
                description="Mohon penjelasan.",
                now=received,
                actor=agents[n % staff],
            )
            take(ticket, actor=agents[n % staff], now=received + timedelta(minutes=1))
            ids.append(ticket.id)
            if n % 200 == 0:
                db.session.commit()
        db.session.commit()
        db.engine.dispose()
    return ids


def serve(url: str, port: int, workers: int, instance: str, log: Path) -> subprocess.Popen:
    """gunicorn on a loopback port; its stderr (the app's JSON access log, one line per
    request) goes to ``log``: a pipe nobody reads fills up in seconds and blocks every
    worker on its next log line (what stalled the first full runs)."""
    env = {
        **os.environ,
        "HAI_DATABASE_URL": url,
        "HAI_INSTANCE_PATH": instance,
        "HAI_ENV": "development",
        "HAI_RUN_SCHEDULER": "0",
    }
    proc = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--no-control-socket", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError("gunicorn exited:\n" + tail) from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def run_locust(
    port: int,
    *,
    users: int,
    seconds: int,
    staff: int,
    ids: list[int],
    out: str,
    wait: str,
    rate: float,
):
    env = {
        **os.environ,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_STAFF": str(staff),
        "LOAD_TICKETS": ",".join(map(str, ids)),
        "LOAD_WAIT": wait,
    }
    subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "-u", str(users), "-r", str(rate), "-t", f"{seconds}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", out, "--only-summary",
         "--stop-timeout", "10", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, check=False, timeout=seconds + 300,
    )  # fmt: skip
    with open(f"{out}_stats.csv", newline="") as f:
        stats = list(csv.DictReader(f))
    with open(f"{out}_failures.csv", newline="") as f:
        failures = list(csv.DictReader(f))
    return stats, failures


def report(
    stats, failures, *, users: int, seconds: int, workers: int, wait: str, rate: float
) -> tuple[str, bool]:
    lines = [
        f"Load test: {users} simulated staff users for {seconds} s against gunicorn "
        f"-w {workers} on PostgreSQL, loopback; each user waits {wait.replace(',', '-')} s "
        f"between clicks, {rate:g} users start per second.",
        f"{'request':<32}{'count':>8}{'fail':>6}{'5xx':>6}{'median ms':>11}{'p95 ms':>9}",
    ]
    server_errors = sum(
        int(f["Occurrences"]) for f in failures if f["Error"].strip().startswith("5")
    )
    baseline = None
    for row in stats:
        name = row["Name"] if row["Name"] != "Aggregated" else "(all)"
        if name == "/login":
            baseline = float(row["95%"])
        fives = sum(
            int(f["Occurrences"])
            for f in failures
            if f["Name"] == row["Name"] and f["Error"].strip().startswith("5")
        )
        if name == "(all)":
            fives = server_errors
        lines.append(
            f"{name:<32}{row['Request Count']:>8}{row['Failure Count']:>6}{fives:>6}"
            f"{float(row['50%']):>11.0f}{float(row['95%']):>9.0f}"
        )
    total = next(r for r in stats if r["Name"] == "Aggregated")
    lines.append(f"throughput: {float(total['Requests/s']):.1f} requests/s over the run")
    if baseline:
        lines.append(
            f"p95 of all requests / p95 of the login page (baseline): "
            f"{float(total['95%']) / baseline:.1f}×"
        )
    for f in failures:
        lines.append(f"failure: {f['Method']} {f['Name']}: {f['Error']} × {f['Occurrences']}")
    ok = int(total["Failure Count"]) == 0 and server_errors == 0
    lines.append("result: " + ("no failures, no 5xx" if ok else "FAILURES"))
    return "\n".join(lines), ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument(
        "--wait",
        default="5,15",
        help="MIN,MAX seconds a user waits between clicks (default 5,15: an agent reads the "
        "ticket, talks or types between pages; 1,3 is a stress beyond any agent's pace)",
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=None,
        help="users starting per second (default: users/100, a shift signing in over ~100 s)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load.txt"))
    args = parser.parse_args(argv)
    server = os.environ.get("HAI_TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        print("bench.load needs PostgreSQL: bash scripts/with-postgres.sh python -m bench.load")
        return 2
    rate = args.spawn_rate or max(1.0, args.users / 100)
    url = create_database(server)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            t0 = time.perf_counter()
            ids = prepare(url, staff=args.staff, tickets=args.tickets)
            print(f"prepared {args.tickets} tickets, {args.staff} agents "
                  f"in {time.perf_counter() - t0:.0f} s")  # fmt: skip
            port = free_port()
            log = Path(tmp) / "gunicorn.log"
            server_proc = serve(url, port, args.workers, str(Path(tmp) / "instance"), log)
            try:
                stats, failures = run_locust(
                    port, users=args.users, seconds=args.seconds, staff=args.staff, ids=ids,
                    out=str(Path(tmp) / "locust"), wait=args.wait, rate=rate,
                )  # fmt: skip
            finally:
                server_proc.terminate()
                try:
                    server_proc.wait(timeout=30)
                except subprocess.TimeoutExpired:  # workers stuck under overload
                    print("gunicorn did not stop within 30 s of SIGTERM: killed")
                    server_proc.kill()
                    server_proc.wait(timeout=30)
                server_log = log.read_text(errors="replace")
        finally:
            drop_database(server, url)
    text_, ok = report(stats, failures, users=args.users, seconds=args.seconds,
                       workers=args.workers, wait=args.wait, rate=rate)  # fmt: skip
    timeouts = server_log.count("WORKER TIMEOUT")
    tracebacks = server_log.count("Traceback")
    text_ += (
        f"\ngunicorn log: {len(server_log.splitlines()):,} lines, {timeouts} worker timeouts, "
        f"{tracebacks} tracebacks"
    )
    ok = ok and timeouts == 0 and tracebacks == 0
    print(text_)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text_ + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
