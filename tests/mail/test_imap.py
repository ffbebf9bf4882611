"""The IMAP poller against a real IMAP server (pymap on loopback, see imap_server.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hai.db_types import utcnow
from hai.mail import imap as imap_module
from hai.mail.imap import ImapSettings, poll_mailbox
from hai.mail.models import InboundEmail, InboundOutcome
from hai.scheduler import jobs, run_job
from hai.tickets.models import Ticket
from tests.mail.imap_server import PASSWORD, USER, running_imap_server
from tests.mail.test_ingest import make_email


@pytest.fixture(scope="module")
def imap_server():
    with running_imap_server() as server:
        yield server


@pytest.fixture
def folder(imap_server):
    name = f"HAI-{uuid.uuid4().hex[:8]}"
    imap_server.create(name)
    return name


@pytest.fixture
def use_imap(app, monkeypatch, imap_server, folder):
    """Point the app's IMAP settings at the test server's folder (plain IMAP on loopback)."""

    def point(**extra):
        settings = {
            "HAI_IMAP_HOST": imap_server.host,
            "HAI_IMAP_PORT": str(imap_server.port),
            "HAI_IMAP_USER": USER,
            "HAI_IMAP_PASSWORD": PASSWORD,
            "HAI_IMAP_FOLDER": folder,
            "HAI_IMAP_SSL": "0",
            "HAI_IMAP_STARTTLS": "0",
            "HAI_IMAP_PROCESSED_FOLDER": "",
            **extra,
        }
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    point()
    return point


def email(n: int, **kwargs) -> bytes:
    kwargs.setdefault("date", utcnow().replace(microsecond=0) - timedelta(hours=1))
    return make_email(subject=f"Pertanyaan {n}", message_id=f"<imap-{n}@satker.go.id>", **kwargs)


def poll(app, **kwargs) -> dict:
    with app.app_context():
        return poll_mailbox(utcnow(), **kwargs)


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_unseen_messages_become_tickets_and_are_marked_seen(
    app, db_session, imap_server, folder, use_imap
):
    imap_server.append(folder, email(1))
    imap_server.append(folder, email(2, headers={"Auto-Submitted": "auto-replied"}))
    imap_server.append(folder, email(3), seen=True)  # read by a person: not ours to take
    counts = poll(app)
    assert counts == {"fetched": 2, "ingested": 2, "failed": 0, "new_ticket": 1, "auto_reply": 1}
    assert [t.subject for t in db_session.scalars(select(Ticket))] == ["Pertanyaan 1"]
    assert imap_server.subjects(folder, "UNSEEN") == []
    assert imap_server.subjects(folder) == ["Pertanyaan 1", "Pertanyaan 2", "Pertanyaan 3"]
    assert poll(app) == {"fetched": 0, "ingested": 0, "failed": 0}


def test_processed_messages_are_moved(app, db_session, imap_server, folder, use_imap):
    done = f"{folder}-selesai"
    imap_server.create(done)
    use_imap(HAI_IMAP_PROCESSED_FOLDER=done)
    imap_server.append(folder, email(1))
    imap_server.append(folder, email(2))
    assert poll(app)["new_ticket"] == 2
    assert imap_server.subjects(folder) == []
    assert imap_server.subjects(done) == ["Pertanyaan 1", "Pertanyaan 2"]


def test_without_move_processed_messages_are_copied_then_expunged(
    app, db_session, imap_server, folder, use_imap, monkeypatch
):
    done = f"{folder}-selesai"
    imap_server.create(done)
    use_imap(HAI_IMAP_PROCESSED_FOLDER=done)
    monkeypatch.setattr(imap_module, "_capabilities", lambda imap: set())  # an older server
    imap_server.append(folder, email(1))
    assert poll(app)["ingested"] == 1
    assert imap_server.subjects(folder) == []
    assert imap_server.subjects(done) == ["Pertanyaan 1"]


def test_a_message_that_fails_stays_unseen_for_the_next_pass(
    app, db_session, imap_server, folder, use_imap, monkeypatch, caplog
):
    imap_server.append(folder, email(1))
    imap_server.append(folder, email(2))
    real = imap_module.ingest_and_commit

    def flaky(raw, *, now):
        if b"Pertanyaan 1" in raw:
            raise RuntimeError("disk penuh")
        return real(raw, now=now)

    monkeypatch.setattr(imap_module, "ingest_and_commit", flaky)
    first = poll(app)
    assert (first["fetched"], first["ingested"], first["failed"]) == (2, 1, 1)
    assert imap_server.subjects(folder, "UNSEEN") == ["Pertanyaan 1"]
    assert count(db_session, InboundEmail) == 1
    assert "not taken in" in caplog.text

    monkeypatch.setattr(imap_module, "ingest_and_commit", real)
    assert poll(app)["new_ticket"] == 1
    assert imap_server.subjects(folder, "UNSEEN") == []
    assert count(db_session, Ticket) == 2


def test_a_message_taken_in_before_is_only_marked(app, db_session, imap_server, folder, use_imap):
    imap_server.append(folder, email(1))
    assert poll(app)["new_ticket"] == 1
    imap_server.append(folder, email(1))  # the same Message-ID again (marking had failed)
    again = poll(app)
    assert again["ingested"] == 1 and again["new_ticket"] == 1  # the existing row
    assert count(db_session, Ticket) == 1 and count(db_session, InboundEmail) == 1
    assert imap_server.subjects(folder, "UNSEEN") == []


def test_wrong_password_is_reported_without_the_password(
    app, db_session, imap_server, folder, use_imap
):
    use_imap(HAI_IMAP_PASSWORD="salah-sandi-123")
    imap_server.append(folder, email(1))
    counts = poll(app)
    assert counts["fetched"] == 0 and "error" in counts
    assert "salah-sandi-123" not in counts["error"]
    assert imap_server.subjects(folder, "UNSEEN") == ["Pertanyaan 1"]


def test_unknown_folder_is_reported(app, db_session, use_imap):
    use_imap(HAI_IMAP_FOLDER="Tidak Ada")
    assert "SELECT" in poll(app)["error"]


def test_no_host_means_the_poller_is_off(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "HAI_IMAP_HOST", "")
    assert poll(app) == {"enabled": False}


def test_settings_from_config():
    assert ImapSettings.from_config({}).enabled is False
    ssl_default = ImapSettings.from_config({"HAI_IMAP_HOST": "imap.kemenkeu.go.id"})
    assert (ssl_default.port, ssl_default.use_ssl, ssl_default.folder) == (993, True, "INBOX")
    plain = ImapSettings.from_config(
        {"HAI_IMAP_HOST": "h", "HAI_IMAP_SSL": "0", "HAI_IMAP_STARTTLS": "ya"}
    )
    assert (plain.port, plain.use_ssl, plain.starttls) == (143, False, True)
    secret = ImapSettings.from_config({"HAI_IMAP_HOST": "h", "HAI_IMAP_PASSWORD": "rahasia"})
    assert "rahasia" not in repr(secret)


def test_the_job_polls_through_run_job(app, db_session, imap_server, folder, use_imap):
    job = next(j for j in jobs() if j.id == "mail.poll_imap")
    assert job.trigger == "interval" and job.trigger_args == {"minutes": 1}
    imap_server.append(folder, email(1))
    result = run_job(app, job, now=utcnow())
    assert result["new_ticket"] == 1
    row = db_session.scalar(select(InboundEmail))
    assert row.outcome is InboundOutcome.NEW_TICKET
