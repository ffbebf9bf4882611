"""Storage on disk, attach_files (all or nothing) and send_attachment."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from hai.attachments import services
from hai.attachments.models import Attachment
from hai.attachments.services import attach_files, attachments_of, send_attachment
from hai.attachments.storage import path_for, save_stream, upload_root
from hai.attachments.validation import MAX_BYTES
from hai.db_types import utcnow
from hai.errors import RuleError
from tests.attachments.conftest import SAMPLES

OWNER = 990_001  # owner_id has no foreign key; a number no seeded ticket uses


def files_in(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_upload_root_is_the_configured_folder(app):
    root = upload_root(app)
    assert root == Path(app.config["UPLOAD_FOLDER"]).resolve()
    assert root.is_dir()


# --- save_stream ------------------------------------------------------------------------


def test_save_stream_writes_under_a_generated_name(upload_dir):
    data = SAMPLES["pdf"]
    stored = save_stream(io.BytesIO(data), root=upload_dir, filename="../../laporan.PDF")
    assert stored.stored_name.endswith(".pdf")
    assert len(stored.stored_name) == 32 + 4
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.detected.display_name == "laporan.PDF"
    path = path_for(upload_dir, stored.stored_name)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # never executable, owner only
    assert files_in(upload_dir) == [stored.stored_name]  # no temporary file left


def test_two_uploads_of_the_same_file_get_different_names(upload_dir):
    first = save_stream(io.BytesIO(SAMPLES["png"]), root=upload_dir, filename="a.png")
    second = save_stream(io.BytesIO(SAMPLES["png"]), root=upload_dir, filename="a.png")
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256


class EndlessZeros(io.RawIOBase):
    """A client that never stops sending."""

    def __init__(self):
        self.sent = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = len(buffer)
        buffer[:n] = bytes(n)
        self.sent += n
        return n


def test_save_stream_stops_just_after_15_mb(upload_dir):
    stream = EndlessZeros()
    with pytest.raises(RuleError) as info:
        save_stream(stream, root=upload_dir, filename="besar.pdf")
    assert "15 MB" in info.value.message
    assert info.value.field == "attachments"
    assert MAX_BYTES < stream.sent <= MAX_BYTES + 1024 * 1024
    assert files_in(upload_dir) == []


def test_save_stream_refusal_leaves_nothing(upload_dir):
    with pytest.raises(RuleError, match="tidak sesuai dengan ekstensinya"):
        save_stream(io.BytesIO(SAMPLES["png"]), root=upload_dir, filename="foto.pdf")
    assert files_in(upload_dir) == []


# --- path_for -------------------------------------------------------------------------


def test_path_for_accepts_generated_names(upload_dir):
    name = "0123456789abcdef0123456789abcdef.pdf"
    assert path_for(upload_dir, name) == upload_dir.resolve() / name


@pytest.mark.parametrize(
    "name",
    [
        "../0123456789abcdef0123456789abcdef.pdf",
        "../../etc/passwd",
        "/etc/passwd",
        "0123456789abcdef0123456789abcdef.pdf/../../x",
        "sub/0123456789abcdef0123456789abcdef.pdf",
        "0123456789ABCDEF0123456789ABCDEF.pdf",
        "0123456789abcdef0123456789abcdef.exe",
        "0123456789abcdef0123456789abcdef.pdf\x00.txt",
        "0123456789abcdef0123456789abcdef.pdf\n",
        ".upload-abc.part",
        "laporan.pdf",
        "",
        "..",
    ],
)
def test_path_for_refuses_anything_else(upload_dir, name):
    with pytest.raises(ValueError):
        path_for(upload_dir, name)


# --- attach_files ---------------------------------------------------------------------


@pytest.fixture
def uploader(make_user):
    return make_user()


def test_attach_files_stores_and_records_every_file(db_session, upload, upload_dir, uploader):
    now = utcnow()
    rows = attach_files(
        [
            upload("Surat Permohonan.pdf", SAMPLES["pdf"]),
            upload('"><svg onload=alert(1)>.jpg', SAMPLES["jpg"]),
            upload("catatan.txt", SAMPLES["txt"]),
        ],
        owner_type="ticket",
        owner_id=OWNER,
        event_id=None,
        uploader=uploader,
        now=now,
        root=upload_dir,
    )
    assert [r.filename for r in rows] == [
        "Surat Permohonan.pdf",
        '"><svg onload=alert(1)>.jpg',
        "catatan.txt",
    ]
    assert [r.content_type for r in rows] == [
        "application/pdf",
        "image/jpeg",
        "text/plain; charset=utf-8",
    ]
    assert all(r.id is not None and r.uploaded_by_id == uploader.id for r in rows)
    assert rows[0].sha256 == hashlib.sha256(SAMPLES["pdf"]).hexdigest()
    assert rows[0].size == len(SAMPLES["pdf"])
    assert sorted(files_in(upload_dir)) == sorted(r.stored_name for r in rows)
    db_session.expire_all()
    assert [a.id for a in attachments_of("ticket", OWNER)] == [r.id for r in rows]
    assert attachments_of("ticket", OWNER + 1) == []
    assert attachments_of("broadcast", OWNER) == []


def test_attach_files_is_all_or_nothing(db_session, upload, upload_dir, uploader):
    before = db_session.scalar(select(func.count()).select_from(Attachment))
    with pytest.raises(RuleError) as info:
        attach_files(
            [
                upload("foto.png", SAMPLES["png"]),
                upload("surat.pdf", SAMPLES["pdf"]),
                upload("palsu.pdf", SAMPLES["png"]),  # a PNG renamed .pdf
                upload("tidak-dibaca.docx", SAMPLES["docx"]),
            ],
            owner_type="ticket",
            owner_id=OWNER,
            uploader=uploader,
            now=utcnow(),
            root=upload_dir,
        )
    assert info.value.field == "attachments"
    assert "palsu.pdf" in info.value.message
    assert "isi berkas tidak sesuai dengan ekstensinya" in info.value.message
    assert files_in(upload_dir) == []
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == before


def test_attach_files_removes_its_files_when_the_rows_cannot_be_written(
    db_session, upload, upload_dir, uploader, monkeypatch
):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(db_session, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        attach_files(
            [upload("a.pdf", SAMPLES["pdf"]), upload("b.png", SAMPLES["png"])],
            owner_type="ticket",
            owner_id=OWNER,
            uploader=uploader,
            now=utcnow(),
            root=upload_dir,
        )
    monkeypatch.undo()
    db_session.rollback()
    assert files_in(upload_dir) == []


def test_at_most_five_files_per_call(db_session, upload, upload_dir, uploader):
    files = [upload(f"f{i}.png", SAMPLES["png"]) for i in range(6)]
    with pytest.raises(RuleError, match="5 berkas"):
        attach_files(
            files,
            owner_type="ticket",
            owner_id=OWNER,
            uploader=uploader,
            now=utcnow(),
            root=upload_dir,
        )
    assert files_in(upload_dir) == []
    rows = attach_files(
        files[:5],
        owner_type="ticket",
        owner_id=OWNER,
        uploader=uploader,
        now=utcnow(),
        root=upload_dir,
    )
    assert len(rows) == 5


def test_discard_files_removes_the_files_of_rolled_back_rows(
    db_session, upload, upload_dir, uploader
):
    rows = attach_files(
        [upload("a.pdf", SAMPLES["pdf"])],
        owner_type="ticket",
        owner_id=OWNER,
        uploader=uploader,
        now=utcnow(),
        root=upload_dir,
    )
    services.discard_files(rows, upload_dir)
    assert files_in(upload_dir) == []


# --- send_attachment ------------------------------------------------------------------


def stored_attachment(root: Path, filename: str, ext: str, **fields) -> Attachment:
    stored = save_stream(io.BytesIO(SAMPLES[ext]), root=root, filename=filename)
    return Attachment(
        owner_type="ticket",
        owner_id=OWNER,
        filename=stored.detected.display_name,
        stored_name=stored.stored_name,
        content_type=fields.get("content_type", stored.detected.content_type),
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=utcnow(),
    )


def download(app, att: Attachment, root: Path):
    with app.test_request_context():
        response = send_attachment(att, root)
        try:
            response.direct_passthrough = False
            return response.status_code, response.headers, response.get_data()
        finally:
            response.close()


def test_send_attachment_is_a_download_that_is_never_rendered(app, upload_dir):
    att = stored_attachment(upload_dir, "Surat Permohonan.pdf", "pdf")
    status, headers, body = download(app, att, upload_dir)
    assert status == 200
    assert body == SAMPLES["pdf"]
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="Surat Permohonan.pdf"'
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Cache-Control"] == "private, no-store"


def test_send_attachment_text_is_plain_utf8(app, upload_dir):
    att = stored_attachment(upload_dir, "catatan.txt", "txt")
    _, headers, body = download(app, att, upload_dir)
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == SAMPLES["txt"]
    att.content_type = "text/plain"  # a row without a charset still gets one
    assert download(app, att, upload_dir)[1]["Content-Type"] == "text/plain; charset=utf-8"


def test_send_attachment_never_serves_an_unknown_type(app, upload_dir):
    att = stored_attachment(upload_dir, "x.txt", "txt", content_type="text/html")
    assert download(app, att, upload_dir)[1]["Content-Type"] == "application/octet-stream"


def test_send_attachment_quotes_hostile_and_non_ascii_names(app, upload_dir):
    att = stored_attachment(upload_dir, '"><svg onload=alert(1)>.jpg', "jpg")
    _, headers, _ = download(app, att, upload_dir)
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "<svg onload=alert(1)>" in disposition  # inside a quoted-string
    assert '\\"' in disposition  # the quote is escaped, the parameter is not broken
    assert "\n" not in disposition and "\r" not in disposition

    att = stored_attachment(upload_dir, "Bukti Setor Rp 1.000 — Édité.pdf", "pdf")
    disposition = download(app, att, upload_dir)[1]["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition


def test_send_attachment_missing_or_forged_file_is_not_found(app, upload_dir):
    att = stored_attachment(upload_dir, "a.pdf", "pdf")
    path_for(upload_dir, att.stored_name).unlink()
    with app.test_request_context(), pytest.raises(NotFound):
        send_attachment(att, upload_dir)
    att.stored_name = "../../etc/passwd"
    with app.test_request_context(), pytest.raises(NotFound):
        send_attachment(att, upload_dir)


def test_attach_then_download_through_the_app_upload_folder(app, db_session, upload, uploader):
    root = upload_root(app)
    rows = attach_files(
        [upload("bukti.png", SAMPLES["png"])],
        owner_type="ticket",
        owner_id=OWNER,
        uploader=uploader,
        now=utcnow(),
        root=root,
    )
    try:
        status, headers, body = download(app, rows[0], root)
        assert status == 200
        assert body == SAMPLES["png"]
        assert headers["Content-Type"] == "image/png"
    finally:
        services.discard_files(rows, root)


def test_a_download_nobody_reads_or_closes_holds_no_open_file(app, upload_dir):
    import gc

    att = stored_attachment(upload_dir, "a.pdf", "pdf")
    with app.test_request_context():
        unread = send_attachment(att, upload_dir)
        read_only = send_attachment(att, upload_dir)
        assert read_only.headers["Content-Length"] == str(len(SAMPLES["pdf"]))
        read_only.direct_passthrough = False
        assert read_only.get_data() == SAMPLES["pdf"]
    del unread, read_only
    gc.collect()  # an unclosed file would raise ResourceWarning (an error here)


def test_download_through_a_test_client_that_only_reads(app, upload_dir):
    from flask import Flask

    att = stored_attachment(upload_dir, "catatan.txt", "txt")
    mini = Flask("mini")
    mini.add_url_rule("/f", "f", lambda: send_attachment(att, upload_dir))
    response = mini.test_client().get("/f")
    assert response.get_data() == SAMPLES["txt"]
    assert mini.test_client().head("/f").status_code == 200
