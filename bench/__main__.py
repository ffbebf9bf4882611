"""Foundation benchmarks.

- seed parsing (both catalog versions from the source texts)
- loading the catalog into a fresh SQLite database
- catalog search as the browse page runs it (services and scopes in two queries)
  against the first implementation (SQLAlchemy's selectin loader) as baseline
- version_in_force lookups
- Argon2id password verification at the production cost, against the test cost
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def measure(func: Callable[[], object], *, repeat: int, warmup: int = 1) -> float:
    """Median seconds per call."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.2f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def row(name: str, seconds: float, baseline: float | None = None, note: str = "") -> None:
    ratio = f"  baseline/this = {baseline / seconds:5.2f}" if baseline else ""
    print(f"  {name:<58} {fmt(seconds)}{ratio}{'  ' + note if note else ''}")


def main() -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from hai import create_app
    from hai.auth import passwords
    from hai.catalog import seeds
    from hai.catalog.models import CatalogService
    from hai.catalog.queries import search_catalog, version_in_force
    from hai.config import TestingConfig
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.reference import load_reference_data

    print("HAI foundation benchmarks (median of repeated runs)")
    print("seeds")
    row("parse 2023.0 + 2023.1 from the seed texts", measure(seeds.all_seed_versions, repeat=10))

    # HAI_BENCH_DATABASE_URL runs the database figures on PostgreSQL, e.g.
    # `bash scripts/with-postgres.sh env HAI_BENCH_DATABASE_URL=... python -m bench`.
    url = os.environ.get("HAI_BENCH_DATABASE_URL") or os.environ.get("HAI_TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{Path(tmp) / 'bench.db'}",
                "INSTANCE_PATH": tmp,
            },
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            start = time.perf_counter()
            load_reference_data(now=utcnow())
            db.session.commit()
            print(f"database ({db.engine.dialect.name})")
            elapsed = time.perf_counter() - start
            row("load reference data (units, channels, 2 versions, SLA)", elapsed)

            version = version_in_force(date(2026, 1, 5))
            queries = [("", None), ("sakti", None), ("reset password", None), ("", 4)]

            def fast():
                db.session.expire_all()
                for q, t in queries:
                    search_catalog(version, q, t)

            def selectin_baseline():
                # Baseline: the first implementation, scopes by SQLAlchemy's selectin
                # loader. Measured no faster than plain lazy loading for ~20 services
                # on SQLite or PostgreSQL, so search_catalog keeps the simpler lazy load.
                db.session.expire_all()
                for q, t in queries:
                    services = db.session.scalars(
                        select(CatalogService)
                        .where(CatalogService.version_id == version.id)
                        .order_by(CatalogService.position)
                        .options(selectinload(CatalogService.scopes))
                    ).all()
                    words = q.lower().split()
                    for s in services:
                        if t is not None and not s.allows(t):
                            continue
                        for sc in s.scopes:
                            blob = f"{s.code} {s.name} {sc.code} {sc.name}".lower()
                            all(w in blob for w in words)

            baseline = measure(selectin_baseline, repeat=30, warmup=3)
            row("baseline: 4 catalog searches, scopes by selectinload", baseline)
            row(
                "search_catalog ×4 (scopes lazy-loaded)",
                measure(fast, repeat=30, warmup=3),
                baseline,
            )
            row(
                "version_in_force(date)",
                measure(lambda: version_in_force(date(2023, 3, 1)), repeat=200),
            )

    print("passwords")
    passwords.use_fast_hashing(True)
    fast_hash = passwords.hash_password("bench-password-1")
    test_cost = measure(lambda: passwords.verify_password(fast_hash, "bench-password-1"), repeat=20)
    passwords.use_fast_hashing(False)
    strong_hash = passwords.hash_password("bench-password-1")
    prod_cost = measure(
        lambda: passwords.verify_password(strong_hash, "bench-password-1"), repeat=10
    )
    row("Argon2id verify, test cost (baseline)", test_cost)
    row(
        "Argon2id verify, production cost (one login)",
        prod_cost,
        note=f"×{prod_cost / test_cost:.0f} the work of the test cost",
    )


if __name__ == "__main__":
    main()
    print()
    from bench import worktime

    worktime.main([])
