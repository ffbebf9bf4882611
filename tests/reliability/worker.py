"""A separate process acting on a separate, committed database (HAI_DATABASE_URL), for the
fault tests: ``python -m tests.reliability.worker ACTION``.

- ``setup``: migrations, reference data, staff, and tickets whose response deadlines have
  passed (so the breach pass has work).
- ``breach``: the scheduler's breach job, as the scheduler runs it (``run_job``).
- ``breach-killed``: the same, killed with SIGKILL in the middle of the pass (after its first
  breach notices are added, before the commit).
- ``counts``: breaches, notifications and queued emails as JSON.
- ``leader``: try to become the scheduler leader; print ``leader`` or ``standby`` and hold
  the lock for HOLD seconds.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import timedelta


def _app():
    from hai import create_app
    from hai.config import TestingConfig

    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": os.environ["HAI_DATABASE_URL"]})


def setup(app) -> None:
    from flask_migrate import upgrade

    from hai.auth.roles import Role
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.reference import load_reference_data
    from hai.tickets.services import RequesterData, create_ticket, take
    from tests.factories import make_user

    with app.app_context():
        upgrade()
        load_reference_data(now=utcnow())
        make_user(Role.MANAJER_LAYANAN, email="manajer@rel.test")
        agent = make_user(Role.AGEN_L1, email="agen@rel.test")
        received = utcnow() - timedelta(days=3)
        for n in range(int(os.environ.get("TICKETS", "30"))):
            ticket = create_ticket(
                channel_code="email",
                received_at=received + timedelta(minutes=n),
                requester=RequesterData(f"Pemohon {n}", f"p{n}@rel.test", "", 1, "", ""),
                subject=f"Uji keandalan {n}",
                description="",
                now=received + timedelta(minutes=n),
                actor=agent,
            )
            take(ticket, actor=agent, now=received + timedelta(minutes=n, seconds=30))
        db.session.commit()


def _breach_job():
    from hai.scheduler import jobs

    return next(j for j in jobs() if j.id == "tickets.sweep_breaches")


def breach(app, *, killed: bool) -> None:
    from hai.scheduler import run_job

    if killed:
        import hai.mail.services as mail

        original = mail.enqueue_many

        def enqueue_then_die(*args, **kwargs):
            original(*args, **kwargs)  # the pass's work is flushed, not committed
            os.kill(os.getpid(), signal.SIGKILL)

        mail.enqueue_many = enqueue_then_die
    run_job(app, _breach_job())


def counts(app) -> dict:
    from sqlalchemy import func, select

    from hai.extensions import db
    from hai.mail.models import OutboxMessage
    from hai.tickets.models import Notification, SlaBreach

    with app.app_context():
        return {
            "breaches": db.session.scalar(select(func.count()).select_from(SlaBreach)),
            "distinct_breaches": db.session.scalar(
                select(func.count()).select_from(
                    select(SlaBreach.ticket_id, SlaBreach.kind).distinct().subquery()
                )
            ),
            "notifications": db.session.scalar(select(func.count()).select_from(Notification)),
            "emails": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


def leader(app) -> None:
    from hai.scheduler import acquire_leadership

    lock = acquire_leadership(app)
    print("leader" if lock is not None else "standby", flush=True)
    time.sleep(float(os.environ.get("HOLD", "0")))


def main() -> None:
    action = sys.argv[1]
    app = _app()
    if action == "setup":
        setup(app)
    elif action in ("breach", "breach-killed"):
        breach(app, killed=action == "breach-killed")
    elif action == "counts":
        print(json.dumps(counts(app)))
    elif action == "leader":
        leader(app)
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
