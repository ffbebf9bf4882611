"""Request ids, the access line, JSON and text logs, ProxyFix behind a setting."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
from flask import g, request

from hai import create_app
from hai.config import ConfigError, ProductionConfig, TestingConfig
from hai.web.requestlog import JsonFormatter, TextFormatter, install_handler

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def probe_app(tmp_path):
    """An app of its own with a route that logs, and one that shows what it was told
    about the client (no database needed)."""

    def build(**overrides):
        app = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'probe.db'}",
                "INSTANCE_PATH": str(tmp_path),
                "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                **overrides,
            },
        )

        @app.get("/_probe")
        def probe():
            logging.getLogger("hai.probe").warning("probe seen")
            return {
                "request_id": g.request_id,
                "remote_addr": request.remote_addr,
                "scheme": request.scheme,
                "host": request.host,
            }

        return app

    return build


def access_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "hai.access"]


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/login").headers["X-Request-Id"]
    second = client.get("/login").headers["X-Request-Id"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "incoming",
    ["3f2b8c1e-6a0d-4c7e-9d2a-1b5e8f0c7a9d", "0123456789abcdef0123456789abcdef", "lb-1.req:42_x"],
)
def test_a_well_formed_incoming_id_is_kept(client, incoming):
    response = client.get("/login", headers={"X-Request-Id": incoming})
    assert response.headers["X-Request-Id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 101, "id with spaces", "id\r\nX-Evil: 1", '{"forged": "log"}', "-leading"],
)
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    # Through the environ: the test client refuses a header with a newline.
    response = client.get("/login", environ_overrides={"HTTP_X_REQUEST_ID": incoming})
    assert HEX32.fullmatch(response.headers["X-Request-Id"])


def test_every_record_of_a_request_has_its_id(probe_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = probe_app()
    response = app.test_client().get("/_probe", headers={"X-Request-Id": "req-abcdef12"})
    assert response.get_json()["request_id"] == "req-abcdef12"
    (probe,) = [r for r in caplog.records if r.name == "hai.probe"]
    assert probe.request_id == "req-abcdef12"
    (access,) = access_records(caplog)
    assert access.request_id == "req-abcdef12"
    outside = logging.getLogger("hai.probe").makeRecord("hai.probe", 20, "f", 1, "x", (), None)
    assert outside.request_id == "-", "outside a request"


def test_access_line_fields_without_query_and_with_redaction(client, caplog, make_user, login_as):
    caplog.set_level(logging.INFO, logger="hai.access")
    client.get("/login?next=/tickets&email=rahasia@kemenkeu.go.id")
    client.get("/survei/AbCdEf0123456789TokenRahasia")
    first, second = access_records(caplog)[-2:]
    assert first.method == "GET" and first.path == "/login" and first.status == 200
    assert isinstance(first.duration_ms, float) and first.duration_ms >= 0
    assert first.user_id is None
    assert "rahasia" not in first.getMessage() and "?" not in first.getMessage()
    assert second.path == "/survei/[disembunyikan]" and second.status == 404
    assert "TokenRahasia" not in second.getMessage()

    from hai.auth.roles import Role

    user = make_user(Role.AGEN_L1)
    login_as(user)
    caplog.clear()
    client.get("/tickets")
    (line,) = [r for r in access_records(caplog) if r.path == "/tickets"]
    assert line.user_id == user.id and line.status == 200


def test_static_and_health_lines_are_debug(client, caplog):
    caplog.set_level(logging.DEBUG, logger="hai.access")
    client.get("/health/db")
    (line,) = access_records(caplog)
    assert line.levelno == logging.DEBUG


def test_json_formatter(probe_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = probe_app()
    app.test_client().get("/_probe", headers={"X-Request-Id": "req-json-0001"})
    (access,) = access_records(caplog)
    data = json.loads(JsonFormatter().format(access))
    assert data["request_id"] == "req-json-0001"
    assert data["logger"] == "hai.access" and data["level"] == "INFO"
    assert {k: data[k] for k in ("method", "path", "status", "user_id")} == {
        "method": "GET",
        "path": "/_probe",
        "status": 200,
        "user_id": None,
    }
    assert isinstance(data["duration_ms"], float)
    assert data["ts"].endswith("+00:00")


def test_json_formatter_redacts_messages_and_tracebacks():
    logger = logging.getLogger("hai.test")
    try:
        raise ValueError("/daftar/aktivasi/TokenRahasia123")
    except ValueError:
        record = logger.makeRecord(
            "hai.test", logging.ERROR, "f", 1, "open %s", ("/survei/Tok123",), sys.exc_info()
        )
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "open /survei/[disembunyikan]"
    assert "TokenRahasia123" not in data["exc_info"] and "ValueError" in data["exc_info"]
    text = TextFormatter().format(record)
    assert "[-]" in text and "Tok123" not in text


def test_log_format_setting(probe_app, tmp_path):
    assert ProductionConfig.LOG_FORMAT == "json"
    assert TestingConfig.LOG_FORMAT == "text"
    with pytest.raises(ConfigError, match="HAI_LOG_FORMAT"):
        probe_app(LOG_FORMAT="xml")
    app = probe_app(LOG_FORMAT="json")
    root = logging.getLogger()
    level = root.level
    handler = install_handler(app)
    try:
        assert isinstance(handler.formatter, JsonFormatter)
        again = install_handler(app)
        assert handler not in root.handlers and again in root.handlers, "replaced, not added"
    finally:
        root.removeHandler(again)
        root.setLevel(level)


def test_scheduler_job_records_carry_the_run_id(app, db_session, caplog):
    from hai.scheduler import Job, run_job

    caplog.set_level(logging.INFO, logger="hai.scheduler")
    run_job(app, Job("test.quiet", lambda now: 0, "interval", {"minutes": 1}, "Uji"))
    (done,) = [r for r in caplog.records if "test.quiet done" in r.getMessage()]
    assert done.request_id.startswith("job-test.quiet-")


def test_proxy_headers_are_ignored_unless_configured(probe_app):
    headers = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hai.kemenkeu.go.id",
    }
    plain = probe_app().test_client().get("/_probe", headers=headers).get_json()
    assert plain["remote_addr"] == "127.0.0.1" and plain["scheme"] == "http"
    behind = probe_app(PROXY_HOPS=1).test_client().get("/_probe", headers=headers).get_json()
    assert behind["remote_addr"] == "203.0.113.7"
    assert behind["scheme"] == "https" and behind["host"] == "hai.kemenkeu.go.id"
