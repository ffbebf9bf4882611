"""A real SMTP server (aiosmtpd on loopback) that records what it receives, and
an address where nothing listens."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Received:
    session: object
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class RecordingHandler:
    """Keeps every message; refuses the recipients in ``refuse`` and answers DATA
    with the scripted replies in ``data_replies`` (then 250); keeps what it accepts."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    data_replies: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Kotak surat tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.data_replies.pop(0) if self.data_replies else "250 2.0.0 Diterima"
        if reply.startswith("250"):
            self.received.append(
                Received(session, envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return reply

    @property
    def connections(self) -> int:
        """How many SMTP sessions delivered at least one message."""
        return len({id(r.session) for r in self.received})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


def _start(**kwargs):
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller, SmtpServer("127.0.0.1", controller.port, handler)


@pytest.fixture
def smtp_server():
    controller, server = _start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server_with_auth():
    """A server that offers AUTH over plain text (loopback only) and refuses every login."""

    def refuse_everyone(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    controller, server = _start(authenticator=refuse_everyone, auth_require_tls=False)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def dead_port():
    """A loopback port bound but not listening: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def use_smtp(app, monkeypatch):
    """Point the app's SMTP settings at a host and port."""

    def point(port: int, host: str = "127.0.0.1", **extra):
        monkeypatch.setitem(app.config, "HAI_SMTP_HOST", host)
        monkeypatch.setitem(app.config, "HAI_SMTP_PORT", port)
        for key, value in extra.items():
            monkeypatch.setitem(app.config, key, value)

    return point
