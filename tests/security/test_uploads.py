"""Uploads end to end through the portal: a page, a script or an SVG dressed up as an
allowed type is refused and leaves nothing; what is accepted is stored outside the
static folder under a generated name and served only as a download."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hai.attachments.models import Attachment
from hai.auth.roles import Role
from hai.db_types import utcnow
from tests.portal.conftest import service

DISGUISED = [
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "surat.pdf"),
    (b"<html><body onload=alert(1)>", "catatan.txt"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "gambar.png"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "foto.jpg"),
    (b"<script>fetch('/admin/users')</script>", "bukti.txt"),
    (b"alert(document.cookie)", "skrip.js"),
    (b"<svg onload=alert(1)>", "logo.svg"),
    (b"<h1>halo</h1>", "halaman.html"),
    (b"#!/bin/sh\nrm -rf /\n", "pasang.sh"),
]


@pytest.fixture
def requester(db_session, make_user, signed_in):
    from hai.tickets.models import Requester

    user = make_user(Role.PENGGUNA, user_type=1)
    db_session.add(
        Requester(
            name=user.name, email=user.email, user_type=1, user_id=user.id, created_at=utcnow()
        )  # fmt: skip
    )
    db_session.commit()
    return signed_in(user)


def submit(browser, db_session, data: bytes, name: str):
    browser.get("/portal/baru")
    return browser.post(
        "/portal/baru",
        {
            "service": str(service(db_session, "BCSM.02.01").id),
            "scope": "",
            "ticket_type": "question",
            "subject": "Lampiran uji",
            "description": "Uji unggahan.",
            "attachments": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("data", "name"), DISGUISED, ids=[n for _, n in DISGUISED])
def test_disguised_or_active_content_is_refused_and_leaves_nothing(
    app, requester, db_session, data, name
):
    folder = Path(app.config["UPLOAD_FOLDER"])
    before = set(os.listdir(folder)) if folder.exists() else set()
    response = submit(requester, db_session, data, name)
    assert response.status_code == 422, name
    assert "ditolak" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert set(os.listdir(folder)) == before, "no file (not even a temporary one) is left"


def test_an_accepted_file_is_stored_outside_static_and_served_as_a_download(
    app, requester, db_session
):
    response = submit(requester, db_session, b"%PDF-1.4\n%%EOF\n", "../../static/bukti.pdf")
    assert response.status_code == 302
    att = db_session.scalar(select(Attachment))
    stored = Path(app.config["UPLOAD_FOLDER"]) / att.stored_name
    assert stored.is_file() and re.fullmatch(r"[0-9a-f]{32}\.pdf", att.stored_name)
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents
    assert att.filename == "bukti.pdf", "the path the client sent is not kept"
    assert requester.get(f"/static/{att.stored_name}").status_code == 404

    page = requester.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/portal/tiket/\d+/lampiran/\d+)"', page).group(1)
    download = requester.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    download.close()


def test_a_row_claiming_html_is_still_never_served_as_html(app, requester, db_session):
    """Should a row ever say text/html (an old import, a bug), the download is octet-stream."""
    assert submit(requester, db_session, b"catatan biasa\n", "catatan.txt").status_code == 302
    att = db_session.scalar(select(Attachment))
    att.content_type = "text/html"
    db_session.commit()
    page = requester.get(f"/portal/tiket/{att.owner_id}").get_data(as_text=True)
    link = re.search(r'href="(/portal/tiket/\d+/lampiran/\d+)"', page).group(1)
    download = requester.get(link)
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()
