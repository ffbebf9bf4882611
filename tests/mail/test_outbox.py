"""The email outbox against a real SMTP server: enqueueing, delivery, retries,
giving up, the job and the administrators' page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from hai.audit.models import AuditEvent
from hai.audit.services import record
from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.errors import RuleError
from hai.mail import services
from hai.mail.jobs import send_outbox
from hai.mail.models import OutboxMessage, OutboxStatus
from hai.mail.sender import (
    BACKOFF_MINUTES,
    DEFAULT_SENDER,
    MAX_ATTEMPTS,
    SmtpSettings,
    backoff,
    deliver_due,
    due_query,
)
from hai.mail.services import enqueue, requeue
from hai.scheduler import Job, jobs, run_job

NOW = datetime(2030, 1, 2, 3, 0, tzinfo=UTC)  # 10.00 WIB
SUBJECT = "Tiket T-2030-000123 sudah ditindaklanjuti — mohon konfirmasi"
BODY = (
    "Yth. Bapak/Ibu Pengguna Layanan,\n"
    "\n"
    "Permintaan Anda terkait “pembayaran gaji ke-13” sebesar Rp1.500.000,00 telah kami\n"
    "tindak lanjuti oleh KPPN Jakarta II. Mohon konfirmasi dalam 3×24 jam.\n"
    "\n"
    "Salam hangat,\n"
    "HAI-DJPb · Direktorat Jenderal Perbendaharaan\n"
)


def smtp_settings(app) -> SmtpSettings:
    return SmtpSettings.from_config(app.config)


def all_messages(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue(to: str = "pemohon@test.hai", **kwargs) -> OutboxMessage:
    kwargs.setdefault("subject", SUBJECT)
    kwargs.setdefault("body", BODY)
    kwargs.setdefault("now", NOW)
    message = enqueue(to=to, **kwargs)
    assert message is not None
    return message


# --- enqueue -------------------------------------------------------------------------


def test_enqueue_stores_a_due_message(db_session, make_user):
    author = make_user(Role.AGEN_L1)
    message = queue(
        "Pemohon@Test.HAI",
        subject_type="ticket",
        subject_id=123,
        dedupe_key="ticket:123:resolved",
        in_reply_to="<asal@contoh.go.id>",
        created_by=author,
    )
    db_session.expire_all()
    assert message.id is not None
    assert message.status is OutboxStatus.QUEUED
    assert message.to_addr == "Pemohon@test.hai", "the domain is normalized, the local part kept"
    assert message.subject == SUBJECT and message.body == BODY
    assert message.created_at == NOW and message.next_attempt_at == NOW
    assert message.attempts == 0 and message.last_error == "" and message.sent_at is None
    assert message.message_id.startswith("<") and message.message_id.endswith(
        "@hai.kemenkeu.go.id>"
    )
    assert (message.subject_type, message.subject_id) == ("ticket", 123)
    assert message.in_reply_to == "<asal@contoh.go.id>"
    assert message.created_by_id == author.id
    other = queue()
    assert other.message_id != message.message_id


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "bukan-email",
        "pemohon@",
        "@test.hai",
        "pemohon@@test.hai",
        "pemohon@test..hai",
        "pemohon@test.hai\r\nBcc: korban@test.hai",
        "pemohon@test.hai\nBcc: korban@test.hai",
        "pemohon@test.hai, korban@test.hai",
        "Pemohon <pemohon@test.hai>",
        "pëmohon@test.hai",  # needs SMTPUTF8, which relay servers need not offer
    ],
)
def test_invalid_address_is_refused(db_session, address):
    with pytest.raises(RuleError) as refused:
        enqueue(to=address, subject="Uji", body="Uji", now=NOW)
    assert refused.value.field == "to"
    assert refused.value.message == "Alamat email tujuan tidak valid."
    assert all_messages(db_session) == []


def test_line_breaks_in_reply_to_are_refused(db_session):
    with pytest.raises(RuleError) as refused:
        enqueue(
            to="pemohon@test.hai",
            subject="Uji",
            body="Uji",
            now=NOW,
            in_reply_to="<a@b.c>\r\nBcc: korban@test.hai",
        )
    assert refused.value.field == "in_reply_to"
    assert all_messages(db_session) == []


def test_subject_is_kept_on_one_line(db_session):
    message = queue(subject="Halo\r\nBcc: korban@test.hai\nX-Palsu:\tya\u2028lagi\x00  ")
    assert message.subject == "Halo Bcc: korban@test.hai X-Palsu: ya lagi"
    assert len(queue(subject="x" * 1000).subject) == 300


def test_same_dedupe_key_twice_gives_one_row(db_session):
    first = enqueue(to="a@test.hai", subject="Satu", body="1", now=NOW, dedupe_key="k:1")
    second = enqueue(to="b@test.hai", subject="Dua", body="2", now=NOW, dedupe_key="k:1")
    assert first is not None and second is None
    rows = all_messages(db_session)
    assert [(m.to_addr, m.dedupe_key) for m in rows] == [("a@test.hai", "k:1")]
    # Without a key nothing is deduplicated.
    queue()
    queue()
    assert len(all_messages(db_session)) == 3


def test_dedupe_race_rolls_back_only_the_savepoint(db_session, monkeypatch):
    """Another transaction inserted the key after our SELECT: the unique constraint
    refuses the row, and the caller's own work in the transaction survives."""
    queue(dedupe_key="balapan")
    real_exists = services._dedupe_key_exists
    calls = []

    def misses_once(key):
        calls.append(key)
        return False if len(calls) == 1 else real_exists(key)

    monkeypatch.setattr(services, "_dedupe_key_exists", misses_once)
    record("test.before_enqueue", now=NOW, actor_label="uji")  # pending, not flushed
    assert enqueue(to="b@test.hai", subject="x", body="x", now=NOW, dedupe_key="balapan") is None
    assert calls == ["balapan", "balapan"]
    record("test.after_enqueue", now=NOW, actor_label="uji")
    db_session.commit()
    assert len(all_messages(db_session)) == 1
    actions = set(
        db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("test.%")))
    )
    assert actions == {"test.before_enqueue", "test.after_enqueue"}


# --- delivery ------------------------------------------------------------------------


def test_delivered_with_headers_and_utf8_body(app, db_session, smtp_server, use_smtp):
    use_smtp(smtp_server.port)
    message = queue(in_reply_to="<tiket-123@hai.kemenkeu.go.id>")
    db_session.commit()

    counts = deliver_due(smtp_settings(app), now=NOW)

    assert counts == {"sent": 1, "retrying": 0, "failed": 0}
    (received,) = smtp_server.handler.received
    assert received.mail_from == "hai.djpb@kemenkeu.go.id"
    assert received.rcpt_tos == ["pemohon@test.hai"]
    mail = received.message
    assert mail["From"] == DEFAULT_SENDER
    assert mail["To"] == "pemohon@test.hai"
    assert mail["Subject"] == SUBJECT
    assert parsedate_to_datetime(mail["Date"]) == NOW
    assert mail["Message-ID"] == message.message_id
    assert mail["In-Reply-To"] == "<tiket-123@hai.kemenkeu.go.id>"
    assert mail["References"] == "<tiket-123@hai.kemenkeu.go.id>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == BODY
    assert received.raw.isascii(), "encoded for any relay (no 8BITMIME needed)"

    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.SENT
    assert row.sent_at == NOW and row.attempts == 1 and row.last_error == ""

    assert deliver_due(smtp_settings(app), now=NOW + timedelta(minutes=5)) == {
        "sent": 0,
        "retrying": 0,
        "failed": 0,
    }
    assert len(smtp_server.handler.received) == 1, "a sent message is not sent again"


def test_header_injection_in_subject_adds_no_header(app, db_session, smtp_server, use_smtp):
    use_smtp(smtp_server.port)
    queue(subject="Halo\r\nBcc: korban@test.hai\r\nX-Palsu: ya\r\n\r\nIsi palsu")
    deliver_due(smtp_settings(app), now=NOW)

    (received,) = smtp_server.handler.received
    assert received.rcpt_tos == ["pemohon@test.hai"]
    mail = received.message
    assert mail["Bcc"] is None and mail["X-Palsu"] is None
    assert mail["Subject"] == "Halo Bcc: korban@test.hai X-Palsu: ya Isi palsu"
    assert mail.get_content().replace("\r\n", "\n") == BODY


def test_a_line_break_stored_by_other_means_is_never_sent(app, db_session, smtp_server, use_smtp):
    """Second line of defence: the message builder refuses CR/LF in any header."""
    use_smtp(smtp_server.port)
    message = queue()
    message.subject = "Halo\r\nBcc: korban@test.hai"
    db_session.flush()

    counts = deliver_due(smtp_settings(app), now=NOW)

    assert counts == {"sent": 0, "retrying": 1, "failed": 0}
    assert smtp_server.handler.received == []
    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.QUEUED and row.attempts == 1
    assert row.last_error.startswith("ValueError")


def test_one_connection_per_batch_oldest_first(app, db_session, smtp_server, use_smtp):
    use_smtp(smtp_server.port)
    for n in range(5):
        queue(f"pemohon{n}@test.hai", now=NOW - timedelta(minutes=10 - n))
    queue("nanti@test.hai", now=NOW + timedelta(minutes=1))  # not due yet

    assert deliver_due(smtp_settings(app), now=NOW, batch=3)["sent"] == 3
    assert deliver_due(smtp_settings(app), now=NOW, batch=3)["sent"] == 2

    handler = smtp_server.handler
    assert [r.rcpt_tos[0] for r in handler.received] == [f"pemohon{n}@test.hai" for n in range(5)]
    assert handler.connections == 2, "one SMTP session per batch"
    statuses = [(m.to_addr, m.status) for m in all_messages(db_session)]
    assert statuses[-1] == ("nanti@test.hai", OutboxStatus.QUEUED)


def test_due_query_skips_rows_another_sender_holds():
    from sqlalchemy.dialects import postgresql, sqlite

    query = due_query(now=NOW, batch=50)
    on_postgres = str(query.compile(dialect=postgresql.dialect()))
    assert on_postgres.rstrip().endswith("FOR UPDATE SKIP LOCKED")
    assert "FOR UPDATE" not in str(query.compile(dialect=sqlite.dialect()))


def test_nothing_due_opens_no_connection(app, db_session, dead_port, use_smtp):
    use_smtp(dead_port)
    queue(now=NOW + timedelta(hours=1))
    assert deliver_due(smtp_settings(app), now=NOW) == {"sent": 0, "retrying": 0, "failed": 0}
    (row,) = all_messages(db_session)
    assert row.attempts == 0 and row.last_error == ""


def test_server_down_keeps_everything_queued_then_delivers(
    app, db_session, dead_port, smtp_server, use_smtp
):
    use_smtp(dead_port)
    for n in range(3):
        queue(f"pemohon{n}@test.hai")
    db_session.commit()

    counts = deliver_due(smtp_settings(app), now=NOW)

    assert counts == {"sent": 0, "retrying": 3, "failed": 0}
    for row in all_messages(db_session):
        assert row.status is OutboxStatus.QUEUED
        assert row.attempts == 1
        assert row.next_attempt_at == NOW + timedelta(minutes=1)
        assert row.last_error.startswith("ConnectionRefusedError")

    use_smtp(smtp_server.port)  # the server is back
    assert deliver_due(smtp_settings(app), now=NOW + timedelta(seconds=30))["sent"] == 0
    counts = deliver_due(smtp_settings(app), now=NOW + timedelta(minutes=1))

    assert counts == {"sent": 3, "retrying": 0, "failed": 0}
    assert len(smtp_server.handler.received) == 3
    for row in all_messages(db_session):
        assert row.status is OutboxStatus.SENT
        assert row.attempts == 2 and row.sent_at == NOW + timedelta(minutes=1)


def test_an_hour_without_the_mail_server_then_everything_drains_once(
    app, db_session, dead_port, smtp_server, use_smtp
):
    """The scheduler keeps passing every minute for an hour of simulated time while the SMTP
    server is down; when it is back, every message goes out, each exactly once."""
    use_smtp(dead_port)
    for n in range(5):
        queue(f"pemohon{n}@test.hai")
    db_session.commit()
    minute = timedelta(minutes=1)
    at = NOW
    while at < NOW + timedelta(hours=1):
        assert deliver_due(smtp_settings(app), now=at)["sent"] == 0
        at += minute
    rows = all_messages(db_session)
    assert all(r.status is OutboxStatus.QUEUED for r in rows)
    assert all(r.next_attempt_at <= NOW + timedelta(hours=1, minutes=30) for r in rows)

    use_smtp(smtp_server.port)  # back after an hour
    sent = 0
    while sent < 5 and at < NOW + timedelta(hours=3):
        sent += deliver_due(smtp_settings(app), now=at)["sent"]
        at += minute
    assert sent == 5
    assert sorted(m.rcpt_tos[0] for m in smtp_server.handler.received) == [
        f"pemohon{n}@test.hai" for n in range(5)
    ]
    for _ in range(10):  # later passes send nothing twice
        assert deliver_due(smtp_settings(app), now=at)["sent"] == 0
        at += minute
    assert len(smtp_server.handler.received) == 5


def test_server_down_never_gives_a_message_up(app, db_session, dead_port, use_smtp):
    use_smtp(dead_port)
    queue()
    at = NOW
    for _ in range(MAX_ATTEMPTS + 2):
        assert deliver_due(smtp_settings(app), now=at)["failed"] == 0
        (row,) = all_messages(db_session)
        at = row.next_attempt_at
    assert row.status is OutboxStatus.QUEUED and row.attempts == MAX_ATTEMPTS + 2


def test_refused_recipient_backs_off_then_fails(app, db_session, smtp_server, use_smtp):
    use_smtp(smtp_server.port)
    smtp_server.handler.refuse.add("tidak-ada@test.hai")
    queue("tidak-ada@test.hai")
    queue("ada@test.hai")

    first = deliver_due(smtp_settings(app), now=NOW)

    assert first == {"sent": 1, "retrying": 1, "failed": 0}
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["ada@test.hai"]]
    refused, sent = all_messages(db_session)
    assert sent.status is OutboxStatus.SENT
    assert refused.status is OutboxStatus.QUEUED and refused.attempts == 1
    assert "550" in refused.last_error and "Kotak surat tidak ada" in refused.last_error

    pauses = []
    at = NOW
    while refused.status is OutboxStatus.QUEUED:
        pauses.append(refused.next_attempt_at - at)
        at = refused.next_attempt_at
        assert deliver_due(smtp_settings(app), now=at - timedelta(seconds=1))["retrying"] == 0
        deliver_due(smtp_settings(app), now=at)
        refused = all_messages(db_session)[0]

    expected = [1, 5, 15, 60, 240, 240, 240]
    assert pauses == [timedelta(minutes=m) for m in expected]
    assert refused.status is OutboxStatus.FAILED
    assert refused.attempts == MAX_ATTEMPTS and refused.sent_at is None
    assert "550" in refused.last_error
    later = at + timedelta(days=1)
    assert deliver_due(smtp_settings(app), now=later) == {"sent": 0, "retrying": 0, "failed": 0}


def test_backoff_schedule():
    assert BACKOFF_MINUTES == (1, 5, 15, 60, 240)
    assert [backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 240, 240, 240)
    ]


def test_connection_closed_mid_batch_loses_nothing(app, db_session, smtp_server, use_smtp):
    """421 after the first message: it is sent; the second waits without counting
    against it, the third is untouched and still due."""
    use_smtp(smtp_server.port)
    for n in range(3):
        queue(f"pemohon{n}@test.hai", now=NOW - timedelta(minutes=3 - n))
    smtp_server.handler.data_replies.extend(["250 OK", "421 4.3.2 Layanan dihentikan"])

    counts = deliver_due(smtp_settings(app), now=NOW)

    assert counts == {"sent": 1, "retrying": 2, "failed": 0}
    first, second, third = all_messages(db_session)
    assert first.status is OutboxStatus.SENT
    assert second.status is OutboxStatus.QUEUED and second.attempts == 1
    assert "421" in second.last_error
    assert second.next_attempt_at == NOW + timedelta(minutes=1)
    assert third.status is OutboxStatus.QUEUED and third.attempts == 0
    assert third.next_attempt_at <= NOW, "still due"

    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["pemohon0@test.hai"]]
    assert deliver_due(smtp_settings(app), now=NOW + timedelta(minutes=1))["sent"] == 2
    assert smtp_server.handler.connections == 2


def test_failed_login_keeps_messages_and_hides_the_password(
    app, db_session, smtp_server_with_auth, use_smtp, caplog, monkeypatch
):
    password = "Rahasia-SMTP-7731"
    use_smtp(smtp_server_with_auth.port, HAI_SMTP_USER="hai.djpb", HAI_SMTP_PASSWORD=password)
    settings = smtp_settings(app)
    assert password not in repr(settings)
    queue()

    # Alembic's fileConfig (run by the app fixture) disables loggers that existed then.
    monkeypatch.setattr(logging.getLogger("hai.mail.sender"), "disabled", False)
    with caplog.at_level(logging.DEBUG, logger="hai"):
        counts = deliver_due(settings, now=NOW)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("hai")]

    assert counts == {"sent": 0, "retrying": 1, "failed": 0}
    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.QUEUED and row.attempts == 1
    assert row.last_error.startswith("SMTPAuthenticationError")
    assert password not in row.last_error
    assert ours, "the failure is logged"
    assert not [line for line in ours if password in line]
    assert smtp_server_with_auth.handler.received == []


def test_settings_from_config():
    assert SmtpSettings.from_config({}) == SmtpSettings(
        host="localhost",
        port=25,
        username="",
        password="",
        starttls=False,
        use_ssl=False,
        sender="HAI-DJPb <hai.djpb@kemenkeu.go.id>",
        timeout=10.0,
    )
    from_env = SmtpSettings.from_config(
        {
            "HAI_SMTP_HOST": "smtp.kemenkeu.go.id",
            "HAI_SMTP_PORT": "587",
            "HAI_SMTP_USER": "hai.djpb",
            "HAI_SMTP_PASSWORD": "s3cret",
            "HAI_SMTP_STARTTLS": "true",
            "HAI_SMTP_SSL": "0",
            "HAI_MAIL_FROM": "HAI <hai@contoh.go.id>",
            "HAI_SMTP_TIMEOUT": "30",
        }
    )
    assert (from_env.host, from_env.port, from_env.timeout) == ("smtp.kemenkeu.go.id", 587, 30.0)
    assert from_env.starttls is True and from_env.use_ssl is False
    assert from_env.sender == "HAI <hai@contoh.go.id>"
    assert "s3cret" not in repr(from_env)


# --- giving up, and trying again -----------------------------------------------------


def failed_message(db_session, to: str = "gagal@test.hai") -> OutboxMessage:
    message = queue(to, subject="Email yang gagal")
    message.status = OutboxStatus.FAILED
    message.attempts = MAX_ATTEMPTS
    message.last_error = "SMTPRecipientsRefused: 550 5.1.1 Kotak surat tidak ada"
    message.next_attempt_at = NOW + timedelta(hours=4)
    db_session.commit()
    return message


def test_requeue_puts_a_failed_message_back(app, db_session, make_user, smtp_server, use_smtp):
    admin = make_user(Role.ADMIN)
    message = failed_message(db_session)
    later = NOW + timedelta(days=1)

    requeue(message, now=later, actor=admin, ip="10.0.0.1")
    db_session.commit()

    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.QUEUED
    assert row.attempts == 0 and row.next_attempt_at == later
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.requeued"))
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.id,
        "OutboxMessage",
        str(row.id),
    )
    assert event.at == later and event.ip_address == "10.0.0.1"
    assert event.details["previous_attempts"] == MAX_ATTEMPTS
    assert event.details["to"] == "gagal@test.hai"

    use_smtp(smtp_server.port)
    assert deliver_due(smtp_settings(app), now=later)["sent"] == 1
    with pytest.raises(RuleError):
        requeue(all_messages(db_session)[0], now=later, actor=admin)


# --- the scheduled job ----------------------------------------------------------------


def test_job_sends_through_run_job(app, db_session, smtp_server, use_smtp):
    use_smtp(smtp_server.port)
    queue()
    db_session.commit()
    job = Job("mail.send_outbox", send_outbox, "interval", {"minutes": 1}, "Kirim email")

    assert run_job(app, job, now=NOW) == {"sent": 1, "retrying": 0, "failed": 0}
    assert run_job(app, job, now=NOW + timedelta(minutes=1)) == {
        "sent": 0,
        "retrying": 0,
        "failed": 0,
    }
    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.SENT
    assert len(smtp_server.handler.received) == 1


def test_job_is_in_the_registry():
    registered = [j for j in jobs() if j.func is send_outbox]
    if not registered:
        pytest.skip("mail.send_outbox is not in hai.scheduler._jobs() yet")
    (job,) = registered
    assert job.id == "mail.send_outbox"
    assert job.trigger == "interval" and job.trigger_args == {"minutes": 1}
    assert job.description


# --- the administrators' page --------------------------------------------------------


@pytest.fixture
def outbox_pages(app):
    if "mail" not in app.blueprints:
        pytest.skip("the mail blueprint is not registered in hai/__init__.py yet")


def test_outbox_page_lists_newest_first_with_filter(outbox_pages, db_session, make_user, login_as):
    queue("lama@test.hai", subject="Yang lama", now=NOW - timedelta(hours=2))
    failed_message(db_session)
    sent = queue("terkirim@test.hai", subject="Sudah terkirim", now=NOW + timedelta(hours=1))
    sent.status, sent.sent_at, sent.attempts = OutboxStatus.SENT, NOW, 1
    queue("baru@test.hai", subject="<b>Paling baru</b>", now=NOW + timedelta(hours=2))
    db_session.commit()
    browser = login_as(make_user(Role.ADMIN))

    page = browser.get("/admin/outbox")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    order = [html.index(a) for a in ("baru@", "terkirim@", "gagal@", "lama@")]
    assert order == sorted(order), "newest first"
    assert "&lt;b&gt;Paling baru&lt;/b&gt;" in html
    for label in ("Antre", "Terkirim", "Gagal"):
        assert f'">{label}</span>' in html
    assert "550 5.1.1 Kotak surat tidak ada" in html
    assert html.count("Kirim ulang</button>") == 1

    failed_only = browser.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "gagal@test.hai" in failed_only and "lama@test.hai" not in failed_only
    assert "terkirim@test.hai" not in failed_only
    queued_only = browser.get("/admin/outbox?status=queued").get_data(as_text=True)
    assert "lama@test.hai" in queued_only and "baru@test.hai" in queued_only
    assert "gagal@test.hai" not in queued_only
    assert browser.get("/admin/outbox?status=apa&page=x").status_code == 200


def test_retry_button_requeues_and_is_audited(outbox_pages, db_session, make_user, login_as):
    message = failed_message(db_session)
    admin = make_user(Role.ADMIN)
    browser = login_as(admin)
    html = browser.get("/admin/outbox?status=failed").get_data(as_text=True)
    action = f"/admin/outbox/{message.id}/retry"
    assert f'action="{action}"' in html

    before = utcnow()
    response = browser.post(action, {"status": "failed"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/outbox?status=failed")
    (row,) = all_messages(db_session)
    assert row.status is OutboxStatus.QUEUED and row.attempts == 0
    assert before <= row.next_attempt_at <= utcnow()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.requeued"))
    assert event.actor_id == admin.id and event.target_id == str(row.id)
    page = browser.get("/admin/outbox").get_data(as_text=True)
    assert "dimasukkan kembali ke antrean" in page

    # A second click (now QUEUED) changes nothing and says why.
    browser.post(action, {})
    assert "Hanya email yang gagal" in browser.get("/admin/outbox").get_data(as_text=True)
    assert (
        db_session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "mail.requeued")
        )
        == 1
    )
    assert browser.post("/admin/outbox/999999/retry", {}).status_code == 404


def test_retry_needs_the_csrf_token(outbox_pages, db_session, make_user, login_as):
    message = failed_message(db_session)
    browser = login_as(make_user(Role.ADMIN))
    response = browser.post(f"/admin/outbox/{message.id}/retry", {}, csrf=False)
    assert response.status_code == 400
    assert all_messages(db_session)[0].status is OutboxStatus.FAILED


@pytest.mark.parametrize("role", [Role.AGEN_L1, Role.KOORDINATOR, Role.MANAJER_LAYANAN])
def test_outbox_is_for_administrators_only(outbox_pages, db_session, make_user, login_as, role):
    message = failed_message(db_session)
    browser = login_as(make_user(role))
    assert browser.get("/admin/outbox").status_code == 403
    assert browser.post(f"/admin/outbox/{message.id}/retry", {}).status_code == 403
    assert all_messages(db_session)[0].status is OutboxStatus.FAILED


def test_outbox_sends_anonymous_visitors_to_login(outbox_pages, client):
    response = client.get("/admin/outbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
