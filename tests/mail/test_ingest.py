"""Email in: raw messages become tickets, replies on tickets, or recorded auto-replies
and bounces; the `hai ingest-email` command; and a real SMTP server (aiosmtpd on
loopback) that pipes what it receives into that command, as postfix would."""

from __future__ import annotations

import base64
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hai.attachments.models import Attachment
from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.mail import ingest as ingest_module
from hai.mail.ingest import html_to_text, ingest_message, strip_quoted
from hai.mail.models import InboundEmail, InboundOutcome, OutboxMessage
from hai.tickets import services
from hai.tickets.models import EventKind, Ticket, TicketStatus
from tests.mail.conftest import free_port
from tests.tickets.conftest import at

NOW = at(2026, 3, 2, 10)  # a Monday, 10.00 WIB
SENT = at(2026, 3, 2, 9, 15)
SENDER = "Sri Operator <Sri@Satker.go.id>"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def make_email(
    *,
    subject: str = "Tidak bisa login SAKTI",
    body: str | None = "Selamat pagi,\nsaya tidak bisa login ke SAKTI sejak kemarin.\n",
    sender: str = SENDER,
    date: datetime | None = SENT,
    message_id: str | None = "<pesan-1@satker.go.id>",
    html: str | None = None,
    attachments: tuple = (),
    headers: dict | None = None,
) -> bytes:
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = sender
    msg["To"] = "HAI-DJPb <hai.djpb@kemenkeu.go.id>"
    msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    if message_id is not None:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for filename, data, mime in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def take_in(db_session, uploads):
    """Ingest raw bytes at ``now`` (default NOW) into a per-test upload folder."""

    def run(raw: bytes, now: datetime = NOW, **kwargs) -> InboundEmail:
        row = ingest_message(raw, now=now, upload_dir=uploads, **kwargs)
        db_session.commit()
        return row

    return run


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def ticket_of(db_session, row: InboundEmail) -> Ticket:
    assert row.ticket_id is not None, row.note
    return db_session.get(Ticket, row.ticket_id)


def stored_files(uploads) -> list[str]:
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


# --- new messages ---------------------------------------------------------------------


def test_new_message_becomes_an_email_ticket_received_at_its_date(db_session, take_in):
    row = take_in(make_email())
    assert row.outcome is InboundOutcome.NEW_TICKET
    assert row.message_id == "<pesan-1@satker.go.id>"
    assert row.from_addr == "sri@satker.go.id"
    assert row.sent_at == SENT and row.ingested_at == NOW
    ticket = ticket_of(db_session, row)
    assert ticket.number.startswith("HAI-2026-")
    assert ticket.channel_code == "email"
    assert ticket.received_at == SENT
    assert ticket.created_at == NOW
    assert ticket.created_by_id is None
    assert ticket.requester_name == "Sri Operator"
    assert ticket.requester_email == "sri@satker.go.id"
    assert ticket.requester.email == "sri@satker.go.id"
    assert ticket.subject == "Tidak bisa login SAKTI"
    assert "tidak bisa login ke SAKTI" in ticket.description
    assert ticket.status is TicketStatus.NEW
    assert ticket.scope is None and ticket.service is None  # L1 triages it
    assert ticket.response_due_at is not None  # the SLA clock runs from the Date
    created = ticket.events[0]
    assert created.kind is EventKind.CREATED and created.data["channel"] == "email"


def test_html_only_body_becomes_text_never_markup(db_session, take_in):
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>Halo &amp; selamat siang,</p><script>alert('xss')</script>"
        "<div>SP2D <b>belum</b> terbit.<br>Terima kasih</div>"
        '<img src="x" onerror="alert(1)"></body></html>'
    )
    ticket = ticket_of(db_session, take_in(make_email(body=None, html=html)))
    assert ticket.description == "Halo & selamat siang,\n\nSP2D belum terbit.\nTerima kasih"
    assert "<" not in ticket.description and "alert" not in ticket.description


def test_plain_text_is_preferred_over_html(db_session, take_in):
    raw = make_email(body="Versi teks.", html="<p>Versi HTML.</p>")
    assert ticket_of(db_session, take_in(raw)).description == "Versi teks."


def test_empty_subject_and_name_are_filled_in(db_session, take_in):
    raw = make_email(subject="", sender="budi.s@kppn.go.id")
    ticket = ticket_of(db_session, take_in(raw))
    assert ticket.subject == "(tanpa subjek)"
    assert ticket.requester_name == "budi.s"


def test_future_date_is_received_now_and_noted(db_session, take_in):
    row = take_in(make_email(date=NOW + timedelta(days=3)))
    ticket = ticket_of(db_session, row)
    assert ticket.received_at == NOW
    assert row.sent_at == NOW + timedelta(days=3)  # what the header said
    assert "masa depan" in row.note


def test_missing_date_is_received_now_and_noted(db_session, take_in):
    row = take_in(make_email(date=None))
    assert ticket_of(db_session, row).received_at == NOW
    assert row.sent_at is None and "Tanggal" in row.note


def test_same_message_id_twice_makes_one_ticket(db_session, take_in):
    first = take_in(make_email())
    tickets_before = count(db_session, Ticket)
    again = take_in(make_email(body="Dikirim ulang oleh server."), now=NOW + timedelta(hours=1))
    assert again.id == first.id
    assert again.ingested_at == NOW  # nothing changed
    assert count(db_session, Ticket) == tickets_before
    assert count(db_session, InboundEmail) == 1


def test_without_message_id_the_same_bytes_are_one_message(db_session, take_in):
    raw = make_email(message_id=None)
    first = take_in(raw)
    assert first.message_id.startswith("<") and "tanpa-message-id" in first.message_id
    assert take_in(raw).id == first.id
    other = take_in(make_email(message_id=None, body="Pesan lain."))
    assert other.id != first.id and other.message_id != first.message_id
    assert count(db_session, Ticket) == 2


def test_no_sender_address_is_refused_without_a_ticket(db_session, take_in):
    row = take_in(make_email(sender="tanpa alamat"))
    assert row.outcome is InboundOutcome.REFUSED and row.ticket_id is None
    assert "From" in row.note
    assert count(db_session, Ticket) == 0


# --- attachments ------------------------------------------------------------------------


def test_disguised_attachment_refused_but_the_ticket_is_made(db_session, take_in, uploads):
    raw = make_email(
        attachments=(
            ("surat-permohonan.pdf", PDF, "application/pdf"),
            ("laporan.pdf", EXE, "application/pdf"),  # a program named .pdf
        )
    )
    row = take_in(raw)
    ticket = ticket_of(db_session, row)
    kept = list(db_session.scalars(select(Attachment).where(Attachment.owner_id == ticket.id)))
    assert [a.filename for a in kept] == ["surat-permohonan.pdf"]
    assert kept[0].event_id == ticket.events[0].id  # shown with the message it came with
    assert kept[0].uploaded_by_id is None
    assert stored_files(uploads) == [kept[0].stored_name]
    note = next(e for e in ticket.events if e.kind is EventKind.NOTE)
    assert "laporan.pdf" in note.body and "tidak sesuai" in note.body
    assert not note.kind.is_public  # internal
    assert "1 lampiran ditolak" in row.note and "laporan.pdf" in row.note


def test_unexpected_error_leaves_nothing_behind(db_session, uploads, monkeypatch):
    raw = make_email(attachments=(("surat.pdf", PDF, "application/pdf"),))

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(ingest_module, "record", broken)
    before = count(db_session, Ticket), count(db_session, Attachment)
    with pytest.raises(RuntimeError):
        ingest_message(raw, now=NOW, upload_dir=uploads)
    assert (count(db_session, Ticket), count(db_session, Attachment)) == before
    assert count(db_session, InboundEmail) == 0
    assert stored_files(uploads) == []  # the file written before the error is gone


# --- replies ------------------------------------------------------------------------------


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGEN_L1, name="Andi L1")


@pytest.fixture
def first_ticket(db_session, take_in) -> Ticket:
    return ticket_of(db_session, take_in(make_email()))


def reply_to(ticket: Ticket, **kwargs) -> bytes:
    kwargs.setdefault("subject", f"Re: [{ticket.number}] Tidak bisa login SAKTI")
    kwargs.setdefault("message_id", "<balasan-1@satker.go.id>")
    kwargs.setdefault("date", NOW + timedelta(minutes=30))
    kwargs.setdefault(
        "body",
        "Sudah saya coba lagi, masih gagal.\n\n"
        "Pada Sen, 2 Mar 2026 pukul 10.05, HAI-DJPb <hai.djpb@kemenkeu.go.id> menulis:\n"
        "> Mohon dicoba kembali.\n",
    )
    return make_email(**kwargs)


def test_reply_by_ticket_number_in_the_subject(db_session, take_in, first_ticket):
    row = take_in(reply_to(first_ticket), now=NOW + timedelta(hours=1))
    assert row.outcome is InboundOutcome.REPLY and row.ticket_id == first_ticket.id
    assert "nomor tiket pada subjek" in row.note
    message = first_ticket.events[-1]
    assert message.kind is EventKind.REQUESTER_MESSAGE
    assert message.action == "requester_message"
    assert message.body == "Sudah saya coba lagi, masih gagal."  # quoted history gone
    assert message.actor_label == "Sri Operator <sri@satker.go.id>"
    assert count(db_session, Ticket) == 1


def test_number_in_subject_from_someone_else_makes_their_own_ticket(
    db_session, take_in, first_ticket
):
    raw = reply_to(first_ticket, sender="Orang Lain <lain@contoh.id>")
    row = take_in(raw, now=NOW + timedelta(hours=1))
    assert row.outcome is InboundOutcome.NEW_TICKET
    assert row.ticket_id != first_ticket.id and "bukan pemohonnya" in row.note
    assert all(e.kind is not EventKind.REQUESTER_MESSAGE for e in first_ticket.events)


def test_reply_by_in_reply_to_an_outbox_message(db_session, take_in, first_ticket, agent):
    services.reply(first_ticket, "Mohon dicoba kembali.", actor=agent, now=NOW)
    db_session.commit()
    sent = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject_id == first_ticket.id)
    )
    assert sent is not None and sent.message_id
    raw = reply_to(
        first_ticket,
        subject="Re: pertanyaan saya",  # no number: the header alone finds the ticket
        headers={"In-Reply-To": sent.message_id, "References": sent.message_id},
    )
    row = take_in(raw, now=NOW + timedelta(hours=1))
    assert row.outcome is InboundOutcome.REPLY and row.ticket_id == first_ticket.id
    assert "In-Reply-To" in row.note
    # A later reply to that reply is found through our record of the first one.
    again = reply_to(
        first_ticket,
        subject="Re: Re: pertanyaan saya",
        message_id="<balasan-2@satker.go.id>",
        headers={"In-Reply-To": row.message_id},
    )
    assert take_in(again, now=NOW + timedelta(hours=2)).ticket_id == first_ticket.id


def test_reply_to_a_waiting_ticket_resumes_its_clock(
    db_session, take_in, first_ticket, agent, uploads
):
    services.request_documents(first_ticket, "Mohon kirim tangkapan layar.", actor=agent, now=NOW)
    db_session.commit()
    assert first_ticket.status is TicketStatus.WAITING and first_ticket.paused
    due_before = first_ticket.fulfilment_due_at
    raw = reply_to(first_ticket, attachments=(("layar.pdf", PDF, "application/pdf"),))
    row = take_in(raw, now=at(2026, 3, 3, 10))  # one working day later
    assert row.outcome is InboundOutcome.REPLY
    assert first_ticket.status is TicketStatus.OPEN and not first_ticket.paused
    assert first_ticket.fulfilment_due_at - due_before == timedelta(days=1)
    answered = next(e for e in first_ticket.events if e.action == "requester_answered")
    assert answered.body == "Sudah saya coba lagi, masih gagal."
    att = db_session.scalar(select(Attachment).where(Attachment.owner_id == first_ticket.id))
    assert att.filename == "layar.pdf" and att.event_id == answered.id


def close(ticket, agent, when):
    services.answer(ticket, "Silakan reset kata sandi.", actor=agent, now=when)
    services.confirm_and_close(ticket, "", actor=agent, now=when + timedelta(minutes=5))


def test_reply_to_a_closed_ticket_within_the_window_reopens_it(
    db_session, take_in, first_ticket, agent
):
    close(first_ticket, agent, NOW)
    db_session.commit()
    row = take_in(reply_to(first_ticket), now=NOW + timedelta(days=2))
    assert row.outcome is InboundOutcome.REPLY and row.ticket_id == first_ticket.id
    assert first_ticket.status is TicketStatus.OPEN and first_ticket.reopen_count == 1
    assert any(e.action == "reopened" for e in first_ticket.events)


def test_reply_to_a_ticket_closed_long_ago_makes_a_new_one(
    db_session, take_in, first_ticket, agent
):
    close(first_ticket, agent, NOW)
    db_session.commit()
    later = NOW + timedelta(days=30)
    row = take_in(reply_to(first_ticket, date=later - timedelta(hours=1)), now=later)
    assert row.outcome is InboundOutcome.NEW_TICKET and row.ticket_id != first_ticket.id
    new = ticket_of(db_session, row)
    assert new.description.startswith(f"Lanjutan dari tiket {first_ticket.number}")
    assert first_ticket.status is TicketStatus.CLOSED


# --- auto-replies and bounces -------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, subject",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Tiket Anda"),
        ({"X-Autoreply": "yes"}, "Re: Tiket Anda"),
        ({"X-Autorespond": "Sedang cuti"}, "Re: Tiket Anda"),
        ({"Precedence": "bulk"}, "Buletin"),
        ({}, "Out of Office: Re: Tiket Anda"),
        ({}, "Balasan Otomatis: Tiket Anda"),
        ({}, "Automatic reply: Tiket Anda"),
    ],
)
def test_auto_replies_make_no_ticket(db_session, take_in, headers, subject):
    row = take_in(make_email(subject=subject, headers=headers))
    assert row.outcome is InboundOutcome.AUTO_REPLY and row.ticket_id is None
    assert row.note.startswith("Dikenali dari")
    assert count(db_session, Ticket) == 0


def test_auto_submitted_no_is_a_person(db_session, take_in):
    row = take_in(make_email(headers={"Auto-Submitted": "no"}))
    assert row.outcome is InboundOutcome.NEW_TICKET


def delivery_report(original_message_id: str) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.satker.go.id (Mail Delivery System)\r\n"
        "To: hai.djpb@kemenkeu.go.id\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(SENT)}\r\n"
        "Message-ID: <dsn-1@mx.satker.go.id>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n'
        "\r\n"
        "--B1\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "Pesan Anda tidak dapat dikirim ke sri@satker.go.id.\r\n"
        "--B1\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.satker.go.id\r\n\r\n"
        "Final-Recipient: rfc822; sri@satker.go.id\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n\r\n"
        "--B1\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(f"Message-ID: {original_message_id}\r\nSubject: Jawaban\r\n".encode())
        .decode()
        .replace("\n", "\r\n")
        + "--B1--\r\n"
    ).encode()


def test_bounce_of_our_message_is_noted_and_makes_no_ticket(
    db_session, take_in, first_ticket, agent
):
    services.reply(first_ticket, "Mohon dicoba kembali.", actor=agent, now=NOW)
    db_session.commit()
    sent = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject_id == first_ticket.id)
    )
    row = take_in(delivery_report(sent.message_id), now=NOW + timedelta(minutes=5))
    assert row.outcome is InboundOutcome.BOUNCE and row.ticket_id is None
    assert "DSN" in row.note  # recognised by its type, before its sender or headers
    assert f"email keluar #{sent.id}" in row.note and first_ticket.number in row.note
    assert count(db_session, Ticket) == 1


@pytest.mark.parametrize(
    "sender, headers",
    [
        ("MAILER-DAEMON@mx.contoh.id", {}),
        ("Postmaster <postmaster@contoh.id>", {}),
        ("sri@satker.go.id", {"Return-Path": "<>"}),
    ],
)
def test_bounces_make_no_ticket(db_session, take_in, sender, headers):
    row = take_in(make_email(sender=sender, headers=headers, subject="Delivery failure"))
    assert row.outcome is InboundOutcome.BOUNCE and row.ticket_id is None
    assert count(db_session, Ticket) == 0


# --- text helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jawaban.\n\nOn Mon, 2 Mar 2026, HAI wrote:\n> lama", "Jawaban."),
        ("Jawaban.\n\nOn Mon, 2 Mar 2026 at 10:00 HAI <h@x.id>\nwrote:\n> lama", "Jawaban."),
        ("Jawaban.\n-----Original Message-----\nFrom: HAI", "Jawaban."),
        ("Jawaban.\n\nFrom: HAI <h@x.id>\nSent: Monday\nTo: Sri\nSubject: x\n\nlama", "Jawaban."),
        ("Jawaban.\n\nDari: HAI\nDikirim: Senin\n\nlama", "Jawaban."),
        ("Ya.\n> kutipan\nTidak.", "Ya.\nTidak."),
        ("Terima kasih.\n-- \nSri, Satker 123456", "Terima kasih."),
        ("> semua kutipan", "> semua kutipan"),
        ("From: saya sendiri, bukan kutipan", "From: saya sendiri, bukan kutipan"),
    ],
)
def test_strip_quoted(text, expected):
    assert strip_quoted(text) == expected


def test_html_to_text_drops_scripts_and_decodes_entities():
    assert html_to_text("<p>a &lt;b&gt;</p><script>x()</script><p>c</p>") == "a <b>\n\nc"


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


def fresh_email(**kwargs) -> bytes:
    kwargs.setdefault("date", utcnow() - timedelta(minutes=10))
    return make_email(**kwargs)


def test_command_makes_a_ticket_from_standard_input(runner, db_session):
    result = runner.invoke(args=["hai", "ingest-email"], input=fresh_email())
    assert result.exit_code == 0, result.output
    ticket = db_session.scalar(select(Ticket))
    assert result.output.split()[:2] == ["new_ticket", ticket.number]
    again = runner.invoke(args=["hai", "ingest-email"], input=fresh_email())
    assert again.exit_code == 0 and again.output.split()[:2] == ["new_ticket", ticket.number]
    assert count(db_session, Ticket) == 1


def test_command_auto_reply_exits_zero(runner, db_session):
    raw = fresh_email(headers={"Auto-Submitted": "auto-replied"})
    result = runner.invoke(args=["hai", "ingest-email"], input=raw)
    assert result.exit_code == 0 and result.output.startswith("auto_reply -")


def test_command_database_down_is_a_temporary_failure(runner, db_session, monkeypatch):
    def down(raw, *, now):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(ingest_module, "ingest_and_commit", down)
    result = runner.invoke(args=["hai", "ingest-email"], input=fresh_email())
    assert result.exit_code == 75
    assert "temporary failure" in result.output


def test_command_without_input_is_a_data_error(runner, db_session):
    result = runner.invoke(args=["hai", "ingest-email"], input=b"")
    assert result.exit_code == 65


# --- through a real SMTP server -------------------------------------------------------------


@dataclass
class PipeHandler:
    """An MTA's pipe transport: each message accepted is handed to `hai ingest-email`;
    exit 75 becomes a temporary SMTP failure (451), so the sender keeps the message."""

    runner: object
    results: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        result = self.runner.invoke(args=["hai", "ingest-email"], input=envelope.content)
        self.results.append(result)
        if result.exit_code == 0:
            return "250 2.0.0 Diterima"
        if result.exit_code == 75:
            return "451 4.3.0 Coba lagi nanti"
        return "554 5.6.0 Ditolak"


@pytest.fixture
def mail_server(runner):
    handler = PipeHandler(runner)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def send(controller, raw: bytes) -> None:
    with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as smtp:
        smtp.sendmail("sri@satker.go.id", ["hai.djpb@kemenkeu.go.id"], raw)


def test_smtp_new_message_reply_and_auto_reply(db_session, mail_server, monkeypatch):
    controller, handler = mail_server
    sent = utcnow().replace(microsecond=0) - timedelta(minutes=20)
    send(controller, make_email(date=sent, attachments=(("surat.pdf", PDF, "application/pdf"),)))
    assert handler.results[-1].exit_code == 0, handler.results[-1].output
    ticket = db_session.scalar(select(Ticket))
    assert ticket.channel_code == "email" and ticket.received_at == sent
    assert db_session.scalar(select(Attachment).where(Attachment.owner_id == ticket.id))

    send(controller, reply_to(ticket, date=sent + timedelta(minutes=5)))
    send(
        controller,
        make_email(
            subject="Balasan otomatis: Tiket Anda",
            message_id="<ooo-1@satker.go.id>",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    assert [r.exit_code for r in handler.results] == [0, 0, 0]
    outcomes = db_session.scalars(select(InboundEmail.outcome).order_by(InboundEmail.id))
    assert list(outcomes) == [
        InboundOutcome.NEW_TICKET,
        InboundOutcome.REPLY,
        InboundOutcome.AUTO_REPLY,
    ]
    assert count(db_session, Ticket) == 1
    assert ticket.events[-1].kind is EventKind.REQUESTER_MESSAGE

    # The database goes away: the server answers 451 and keeps nothing of it.
    def down(raw, *, now):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(ingest_module, "ingest_and_commit", down)
    with pytest.raises(smtplib.SMTPDataError) as exc:
        send(controller, make_email(message_id="<pesan-2@satker.go.id>", date=sent))
    assert exc.value.smtp_code == 451
    monkeypatch.undo()
    send(controller, make_email(message_id="<pesan-2@satker.go.id>", date=sent))  # the retry
    assert count(db_session, Ticket) == 2
