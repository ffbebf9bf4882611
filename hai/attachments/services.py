"""Attaching uploaded files to a record, listing them, and serving one as a download.

Access control is the caller's job: ``send_attachment`` serves whatever it is given.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from flask import Response, send_file
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from hai.attachments.models import Attachment
from hai.attachments.storage import path_for, remove_stored, save_stream
from hai.attachments.validation import FIELD, KNOWN_CONTENT_TYPES, display_name
from hai.errors import RuleError
from hai.extensions import db

MAX_FILES_PER_CALL = 5

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def attach_files(
    files: list[FileStorage],
    *,
    owner_type: str,
    owner_id: int,
    event_id: int | None = None,
    uploader,
    now: datetime,
    root: Path,
) -> list[Attachment]:
    """Store and record every file, or none of them.

    If one file is refused, the files already written by this call are deleted and a
    ``RuleError`` naming the file is raised. Rows are added and flushed, not committed.
    A later rollback of the caller's transaction leaves the files on disk (see
    ``discard_files``).
    """
    if len(files) > MAX_FILES_PER_CALL:
        raise RuleError(f"Paling banyak {MAX_FILES_PER_CALL} berkas per unggahan.", FIELD)
    written: list[str] = []
    try:
        rows = []
        for upload in files:
            name = upload.filename or ""
            try:
                stored = save_stream(upload.stream, root=root, filename=name)
            except RuleError as exc:
                reason = exc.message[:1].lower() + exc.message[1:]
                raise RuleError(f'Berkas "{display_name(name)}" ditolak: {reason}', FIELD) from exc
            written.append(stored.stored_name)
            rows.append(
                Attachment(
                    owner_type=owner_type,
                    owner_id=owner_id,
                    event_id=event_id,
                    filename=stored.detected.display_name,
                    stored_name=stored.stored_name,
                    content_type=stored.detected.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    uploaded_at=now,
                    uploaded_by_id=uploader.id if uploader is not None else None,
                )
            )
        db.session.add_all(rows)
        db.session.flush()
    except BaseException:
        for stored_name in written:
            remove_stored(root, stored_name)
        raise
    return rows


def discard_files(attachments: list[Attachment], root: Path) -> None:
    """Delete the files of attachments whose rows were rolled back (or deleted)."""
    for att in attachments:
        remove_stored(root, att.stored_name)


def attachments_of(owner_type: str, owner_id: int) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )


def send_attachment(att: Attachment, root: Path) -> Response:
    """The file as a download: never rendered inline in our origin.

    Call only after checking that the user may see the record ``att`` belongs to.
    """
    try:
        path = path_for(root, att.stored_name)
    except ValueError:
        raise NotFound() from None
    if not path.is_file():
        raise NotFound()
    content_type = att.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    elif content_type not in KNOWN_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = send_file(
        _LazyFile(path),
        mimetype=content_type.split(";")[0],
        as_attachment=True,
        download_name=att.filename or path.name,
        etag=False,
    )
    response.content_length = path.stat().st_size
    response.headers["Content-Type"] = content_type  # as stored, charset included
    response.headers.update(DOWNLOAD_HEADERS)
    return response


class _LazyFile(io.RawIOBase):
    """A stored file opened on the first read and closed at its end.

    A response that is never read (HEAD) or read to the end but never closed (a test
    client) then holds no open file; a WSGI server closes it as usual otherwise.
    """

    def __init__(self, path: Path):
        super().__init__()
        self._path = path
        self._file: io.BufferedReader | None = None
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if self._done:
            return 0
        if self._file is None:
            self._file = open(self._path, "rb")  # noqa: SIM115 (closed at EOF or in close)
        count = self._file.readinto(buffer)
        if not count:
            self._done = True
            self._file.close()
        return count

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()
