"""A live server on loopback and a headless Chromium (Debian's, driven by Playwright).

The live server has its own SQLite database with committed data: a browser test
cannot share the rolled-back transaction of the unit tests.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from hai import create_app
from hai.config import TestingConfig
from hai.extensions import db

CHROMIUM = os.environ.get("HAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "browser-test-passphrase"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.db'}",
            "INSTANCE_PATH": str(tmp),
            "UPLOAD_FOLDER": str(tmp / "uploads"),
        },
    )
    with app.app_context():
        from flask_migrate import upgrade

        from hai.auth.roles import Role
        from hai.auth.services import create_user
        from hai.db_types import utcnow
        from hai.reference import load_reference_data

        upgrade()
        load_reference_data(now=utcnow())
        for email, role, user_type in [
            ("agen@browser.test", Role.AGEN_L1, None),
            ("admin@browser.test", Role.ADMIN, None),
        ]:
            create_user(
                email=email,
                name=f"Uji {role.label}",
                password=PASSWORD,
                roles=[role],
                user_type=user_type,
                now=utcnow(),
                actor=None,
                actor_label="test",
            )
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium logs every 4xx/5xx response as a console error ("Failed to load
    # resource"); a 422 form re-render is expected, so only script errors count.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
