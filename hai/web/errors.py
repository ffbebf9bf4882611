"""Error pages in Indonesian; JSON for API clients; rollback on every error."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from hai.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Permintaan tidak valid", "Permintaan Anda tidak dapat diproses."),
    403: ("Akses ditolak", "Anda tidak memiliki hak untuk membuka halaman ini."),
    404: ("Halaman tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Metode tidak diizinkan", "Cara mengakses halaman ini tidak diizinkan."),
    409: ("Terjadi konflik", "Data telah diubah oleh pengguna lain. Muat ulang lalu coba lagi."),
    413: ("Berkas terlalu besar", "Ukuran berkas atau permintaan melebihi batas."),
    429: ("Terlalu banyak permintaan", "Silakan tunggu sebentar lalu coba lagi."),
    500: (
        "Terjadi kesalahan",
        "Terjadi kesalahan pada sistem. Tim kami telah dicatat kejadiannya.",
    ),
    503: (
        "Layanan tidak tersedia",
        "Sistem sedang tidak dapat melayani. Silakan coba beberapa saat lagi.",
    ),
}

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    text = message or default
    if _wants_json():
        # The API's error shape (hai.api): code, message, fields.
        error = {"code": CODES.get(status, "error"), "message": text, "fields": {}}
        return jsonify(error={**error, "status": status, "title": title}), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return render_error(
            400,
            "Sesi formulir sudah tidak berlaku atau tidak sah (CSRF). "
            "Muat ulang halaman lalu coba lagi.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        message = (
            exc.description
            if status in (400, 409) and exc.description and not exc.description.startswith("The ")
            else None
        )
        return render_error(status, message)

    @app.errorhandler(OperationalError)
    def database_down(exc):
        db.session.rollback()
        log.error("database unavailable: %s", type(exc).__name__)
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(exc):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
