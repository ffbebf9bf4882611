"""Polling a mailbox over IMAP (stdlib ``imaplib``).

Each pass takes in the folder's unseen messages, oldest first, each in its own
transaction (``hai.mail.ingest.ingest_and_commit``), and only after the commit marks
the message ``\\Seen`` or moves it to the processed folder. A message whose ingest
fails stays unseen and is tried again on the next pass; should marking fail after
the commit, the next pass finds the Message-ID already taken in and changes nothing.
Messages are fetched with ``BODY.PEEK[]``, which does not set ``\\Seen`` by itself.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from hai.config import as_flag
from hai.mail.ingest import ingest_and_commit

log = logging.getLogger(__name__)

ERROR_MAX = 300


@dataclass(frozen=True)
class ImapSettings:
    host: str = ""
    port: int = 993
    username: str = ""
    password: str = field(default="", repr=False)  # never in logs or reprs
    folder: str = "INBOX"
    use_ssl: bool = True
    starttls: bool = False
    processed_folder: str = ""  # empty: leave the message in place, marked \Seen
    timeout: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_config(cls, config: Mapping) -> ImapSettings:
        """From the app config (HAI_IMAP_*); values may be strings."""
        use_ssl = as_flag(config.get("HAI_IMAP_SSL", True))
        port = config.get("HAI_IMAP_PORT") or (993 if use_ssl else 143)
        return cls(
            host=str(config.get("HAI_IMAP_HOST") or "").strip(),
            port=int(port),
            username=str(config.get("HAI_IMAP_USER") or ""),
            password=str(config.get("HAI_IMAP_PASSWORD") or ""),
            folder=str(config.get("HAI_IMAP_FOLDER") or "INBOX"),
            use_ssl=use_ssl,
            starttls=as_flag(config.get("HAI_IMAP_STARTTLS", False)),
            processed_folder=str(config.get("HAI_IMAP_PROCESSED_FOLDER") or ""),
            timeout=float(config.get("HAI_IMAP_TIMEOUT") or 30),
        )


def _quote(mailbox: str) -> str:
    """A mailbox name as an IMAP quoted string (imaplib sends arguments as given)."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _describe(exc: BaseException, settings: ImapSettings) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if settings.password:
        text = text.replace(settings.password, "***")
    return " ".join(text.split())[:ERROR_MAX]


def connect(settings: ImapSettings) -> imaplib.IMAP4:
    """A logged-in connection: IMAP over TLS, or plain IMAP upgraded with STARTTLS if set."""
    if settings.use_ssl:
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.host,
            settings.port,
            ssl_context=ssl.create_default_context(),
            timeout=settings.timeout,
        )
    else:
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls and not settings.use_ssl:
            imap.starttls(ssl_context=ssl.create_default_context())
        imap.login(settings.username, settings.password)
    except BaseException:
        _close(imap)
        raise
    return imap


def _close(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        with contextlib.suppress(OSError):
            imap.shutdown()


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    typ, data = imap.capability()
    if typ != "OK" or not data or not data[0]:
        return set(imap.capabilities)
    return {c.upper() for c in data[0].decode("ascii", "replace").split()}


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        raise imaplib.IMAP4.error(f"{what}: {typ} {data!r}"[:ERROR_MAX])


def _fetch(imap: imaplib.IMAP4, uid: bytes) -> bytes | None:
    typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    _check(typ, data, "FETCH")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None  # gone meanwhile (expunged by another client)


def _mark_done(imap: imaplib.IMAP4, uid: bytes, settings: ImapSettings, can_move: bool) -> bool:
    """Seen, or moved to the processed folder. Returns True when an EXPUNGE is owed."""
    if not settings.processed_folder:
        typ, data = imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        _check(typ, data, "STORE")
        return False
    target = _quote(settings.processed_folder)
    if can_move:
        typ, data = imap.uid("MOVE", uid, target)
        _check(typ, data, "MOVE")
        return False
    typ, data = imap.uid("COPY", uid, target)
    _check(typ, data, "COPY")
    typ, data = imap.uid("STORE", uid, "+FLAGS", "(\\Seen \\Deleted)")
    _check(typ, data, "STORE")
    return True


def poll_mailbox(now: datetime, *, settings: ImapSettings | None = None, batch: int = 50) -> dict:
    """Take in up to ``batch`` unseen messages of the configured folder.

    Commits once per message (each message is its own transaction). Returns counts:
    ``fetched``, ``ingested`` and ``failed``, by outcome (``new_ticket``, ``reply``…),
    and ``error`` when the server could not be used; ``{"enabled": False}`` when no
    host is configured.
    """
    settings = settings or ImapSettings.from_config(current_app.config)
    if not settings.enabled:
        return {"enabled": False}
    counts: dict = {"fetched": 0, "ingested": 0, "failed": 0}
    try:
        imap = connect(settings)
    except (imaplib.IMAP4.error, OSError) as exc:
        counts["error"] = error = _describe(exc, settings)
        log.warning("imap: cannot log in to %s:%s (%s)", settings.host, settings.port, error)
        return counts
    try:
        can_move = "MOVE" in _capabilities(imap)
        typ, data = imap.select(_quote(settings.folder))
        _check(typ, data, "SELECT")
        typ, data = imap.uid("SEARCH", None, "UNSEEN")
        _check(typ, data, "SEARCH")
        uids = sorted((data[0] or b"").split(), key=int)[:batch]
        expunge = False
        for uid in uids:
            raw = _fetch(imap, uid)
            if raw is None:
                continue
            counts["fetched"] += 1
            try:
                row = ingest_and_commit(raw, now=now)
            except Exception:
                # Left unseen: the next pass tries again.
                log.exception("imap: message UID %s not taken in", uid.decode())
                counts["failed"] += 1
                continue
            counts["ingested"] += 1
            counts[row.outcome.value] = counts.get(row.outcome.value, 0) + 1
            expunge = _mark_done(imap, uid, settings, can_move) or expunge
        if expunge:
            imap.expunge()
    except (imaplib.IMAP4.error, OSError) as exc:
        counts["error"] = error = _describe(exc, settings)
        log.warning("imap: %s:%s failed mid-pass (%s)", settings.host, settings.port, error)
    finally:
        _close(imap)
    return counts
