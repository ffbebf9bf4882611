"""A real IMAP server for tests: pymap's in-memory backend in a child process on a
loopback port (no TLS), filled and inspected with stdlib ``imaplib`` like any client."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as default_policy

USER = "hai-masuk"
PASSWORD = "rahasia-imap"  # noqa: S105 (a throwaway test server)

_START = "import sys; from pymap.main import main; sys.argv[0] = 'pymap'; sys.exit(main())"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ImapServer:
    def __init__(self, port: int):
        self.host = "127.0.0.1"
        self.port = port
        self._client: imaplib.IMAP4 | None = None

    @contextmanager
    def client(self, folder: str | None = None):
        """One logged-in connection kept for the helpers (a login costs pymap ~0.3 s)."""
        if self._client is None:
            self._client = imaplib.IMAP4(self.host, self.port, timeout=10)
            self._client.login(USER, PASSWORD)
        if folder:
            typ, data = self._client.select(f'"{folder}"')
            assert typ == "OK", data
        yield self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.logout()
            self._client = None

    def create(self, folder: str) -> None:
        with self.client() as imap:
            typ, data = imap.create(f'"{folder}"')
            assert typ == "OK", data

    def append(self, folder: str, raw: bytes, *, seen: bool = False) -> None:
        with self.client() as imap:
            typ, data = imap.append(f'"{folder}"', "(\\Seen)" if seen else None, None, raw)
            assert typ == "OK", data

    def subjects(self, folder: str, criterion: str = "ALL") -> list[str]:
        """The subjects of the folder's messages matching ``criterion``, oldest first."""
        with self.client(folder) as imap:
            typ, data = imap.uid("SEARCH", None, criterion)
            assert typ == "OK", data
            subjects = []
            for uid in (data[0] or b"").split():
                typ, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
                assert typ == "OK", fetched
                message = message_from_bytes(fetched[0][1], policy=default_policy)
                subjects.append(str(message["Subject"]))
            return subjects


@contextmanager
def running_imap_server():
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
        [
            sys.executable,
            "-c",
            _START,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-data",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "pymap did not start: " + process.stderr.read().decode(errors="replace")
                    ) from None
                time.sleep(0.05)
        server = ImapServer(port)
        try:
            yield server
        finally:
            server.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
