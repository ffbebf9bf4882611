"""Attachment files on disk, under ``UPLOAD_FOLDER`` (``instance/uploads``).

Files are stored under generated names (32 hex characters and the checked
extension), never under anything the user typed; an upload is streamed to a
temporary file in the same folder, checked there, then renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, NamedTuple

from flask import Flask

from hai.attachments.validation import (
    ALLOWED_EXTENSIONS,
    HEAD_BYTES,
    MAX_BYTES,
    MSG_TOO_BIG,
    DetectedFile,
    check_upload,
    refuse,
)

CHUNK = 64 * 1024
TEMP_PREFIX = ".upload-"
STORED_NAME_RE = re.compile(
    r"[0-9a-f]{32}\.(?:" + "|".join(sorted(ALLOWED_EXTENSIONS, key=len, reverse=True)) + r")"
)


class StoredFile(NamedTuple):
    stored_name: str
    size: int
    sha256: str
    detected: DetectedFile


def upload_root(app: Flask) -> Path:
    """The folder attachments live in (created, owner-only, when missing)."""
    root = Path(app.config["UPLOAD_FOLDER"]).resolve()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def path_for(root: Path, stored_name: str) -> Path:
    """The file of a stored name; anything but a generated name is refused."""
    if not isinstance(stored_name, str) or not STORED_NAME_RE.fullmatch(stored_name):
        raise ValueError("not a stored attachment name")
    base = Path(root).resolve()
    path = base / stored_name
    if path.parent != base:  # cannot happen with the pattern above; kept as a backstop
        raise ValueError("not a stored attachment name")
    return path


def save_stream(stream: BinaryIO, *, root: Path, filename: str) -> StoredFile:
    """Copy ``stream`` into ``root``, check it as ``filename`` and give it a generated name.

    Stops with ``RuleError`` as soon as more than ``MAX_BYTES`` have been read, or when
    ``check_upload`` refuses the content; the temporary file is removed either way.
    Returns the stored name, size, SHA-256 (hex) and what ``check_upload`` detected
    (extension, content type, display name).
    """
    root = Path(root)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=root)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        head = b""
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise refuse(MSG_TOO_BIG)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        detected = check_upload(filename, head, tmp, size)
        while True:
            stored_name = f"{secrets.token_hex(16)}.{detected.extension}"
            target = path_for(root, stored_name)
            if not target.exists():
                break
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return StoredFile(stored_name, size, digest.hexdigest(), detected)


def remove_stored(root: Path, stored_name: str) -> None:
    """Delete a stored file; a file already gone is not an error."""
    with contextlib.suppress(FileNotFoundError):
        path_for(root, stored_name).unlink()
