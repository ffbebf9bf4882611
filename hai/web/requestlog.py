"""Request ids, structured (JSON) logs and one access line per request.

Every request gets an id: the incoming ``X-Request-Id`` when it is well formed (a
reverse proxy's ``$request_id``), else a new one. It is in ``g.request_id``, in the
response's ``X-Request-Id`` header and on every log record written while the request
runs (``record.request_id``); a scheduler job's records carry the job's run id instead.
Secrets carried in paths are redacted (hai.web.logredact) and query strings are never
logged: searches carry names and numbers of requesters.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from hai.web.logredact import redact

HEADER = "X-Request-Id"
# Letters, digits and . _ : - only, 8 to 100 characters: enough for a UUID or nginx's
# $request_id, nothing that could forge a log line.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "user_id")
QUIET_PATHS = ("/static/", "/health")

access_log = logging.getLogger("hai.access")
_outside_request: ContextVar[str | None] = ContextVar("hai_log_context", default=None)
_HANDLER_MARK = "_hai_handler"


def new_id() -> str:
    return uuid.uuid4().hex


def current_id() -> str:
    """The id of the request (or scheduler job run) being handled; "-" outside both."""
    if has_request_context():
        rid = g.get("request_id")
        if rid:
            return rid
    return _outside_request.get() or "-"


@contextlib.contextmanager
def log_context(run_id: str) -> Iterator[None]:
    """Tag the records written inside the block (a scheduler job's run) with ``run_id``."""
    token = _outside_request.set(run_id)
    try:
        yield
    finally:
        _outside_request.reset(token)


def _install_record_factory() -> None:
    base = logging.getLogRecordFactory()
    if getattr(base, "_hai_request_id", False):
        return

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        record.request_id = current_id()
        return record

    factory._hai_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, and the
    access fields when the record has them."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key in ACCESS_FIELDS:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exc_info"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return redact(super().format(record))


def formatter_for(name: str) -> logging.Formatter:
    if name == "json":
        return JsonFormatter()
    if name == "text":
        return TextFormatter()
    from hai.config import ConfigError

    raise ConfigError(f"HAI_LOG_FORMAT must be json or text, not {name!r}")


def install_handler(app: Flask) -> logging.Handler:
    """One stderr handler on the root logger, in the configured format (replacing the
    one a previous app of this process installed)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(formatter_for(app.config["LOG_FORMAT"]))
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    return handler


def init_app(app: Flask) -> None:
    """Request ids and the access line. Call first in create_app: before_request hooks
    run in the order registered, after_request hooks in reverse, so the id exists for
    every other hook and the duration includes them."""
    _install_record_factory()
    formatter_for(app.config["LOG_FORMAT"])  # a wrong setting fails at start

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if WELL_FORMED.fullmatch(incoming) else new_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_access(response):
        rid = g.get("request_id") or new_id()
        response.headers[HEADER] = rid
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        # The user only if this request already loaded one: looking it up here would
        # touch the session of every static file.
        user = g.get("_login_user")
        user_id = user.id if user is not None and user.is_authenticated else None
        path = redact(request.path)
        quiet = path.startswith(QUIET_PATHS)
        access_log.log(
            logging.DEBUG if quiet and response.status_code < 400 else logging.INFO,
            "%s %s %s %s ms user=%s",
            request.method,
            path,
            response.status_code,
            duration,
            user_id if user_id is not None else "-",
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration,
                "user_id": user_id,
            },
        )
        return response
