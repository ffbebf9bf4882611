"""Keep secrets carried in URLs (activation, password reset and survey links) out of
access logs."""

from __future__ import annotations

import logging
import re

# /daftar/aktivasi/<token>, /lupa-sandi/<token> and /survei/<token>: the token is a
# credential.
SECRET_PATHS = re.compile(r"(/daftar/aktivasi/|/lupa-sandi/|/survei/)[^\s/?\"]+")


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[disembunyikan]", text)


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactSecretPaths) for f in logger.filters):
        logger.addFilter(RedactSecretPaths())
