"""axe-core on every main page, as every role would see it: no violation of impact
"serious" or "critical".

The server runs on the demo data (`hai demo`: one account per role, tickets, broadcasts,
disasters, articles, reports, schedules, changes, problems …). Each role logs in once and
visits its home page and every page of its navigation (hai/web/nav.py, so a new page is
checked as soon as it is in the menu), then the first record linked from each list page
(a ticket, an article, a change request …). A page already checked for an earlier role
is not checked again, except the home page, which differs per role. axe-core is vendored
in tests/browser/vendor (never served by the app) and injected by Playwright.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from hai import create_app
from hai.config import TestingConfig
from hai.extensions import db

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text("utf-8")
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
PUBLIC_PAGES = ["/login", "/daftar", "/daftar/kirim-ulang", "/haipedia"]
checked: set[str] = set()


def _demo_accounts() -> list[tuple[str, str]]:
    """(role, email): the first demo account of each role."""
    from hai.demo import DEMO_USERS

    accounts: dict[str, str] = {}
    for demo in DEMO_USERS:
        accounts.setdefault(demo.role.value, demo.email)
    return list(accounts.items())


ACCOUNTS = _demo_accounts()


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("a11y")
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.db'}",
            "INSTANCE_PATH": str(tmp),
            "UPLOAD_FOLDER": str(tmp / "uploads"),
        },
    )
    with app.app_context():
        from flask_migrate import upgrade

        from hai.db_types import utcnow
        from hai.reference import load_reference_data

        upgrade()
        load_reference_data(now=utcnow())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["hai", "demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def demo_server(demo_app):
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def axe_context(chromium):
    # bypass_csp: the app's CSP allows only its own scripts; axe comes from the test.
    context = chromium.new_context(locale="id-ID", timezone_id="Asia/Jakarta", bypass_csp=True)
    context.add_init_script(AXE)
    yield context
    context.close()


def pattern(path: str) -> str:
    """/tickets/123 and /tickets/456 are one page."""
    return re.sub(r"\d+", "<n>", path)


def audit(page, base: str, path: str) -> list[str]:
    response = page.goto(base + path, wait_until="networkidle")
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    found = page.evaluate(RUN_AXE)
    return [
        f"{path}: {v['impact']} {v['id']} ({v['help']}) at {'; '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def first_record_link(page, base: str, list_path: str) -> str | None:
    """The first link in the page's main content to one record under the list's path."""
    prefix = re.escape(list_path.rstrip("/"))
    record = re.compile(rf"{prefix}(/[a-z-]+)*/\d+")
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if href.startswith(base) and record.fullmatch(parts.path) and "/attachments/" not in href:
            return parts.path
    return None


def navigation_paths(app, email: str) -> list[str]:
    from hai.auth.models import User
    from hai.web.nav import navigation_for

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        paths = [link.url for link in navigation_for(user)]
        db.session.remove()
    return paths


def test_public_pages(axe_context, demo_server):
    page = axe_context.new_page()
    problems = []
    for path in PUBLIC_PAGES:
        checked.add(pattern(path))
        problems += audit(page, demo_server, path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("role", "email"), ACCOUNTS, ids=[role for role, _ in ACCOUNTS])
def test_pages_of_each_role(axe_context, demo_app, demo_server, role, email):
    from hai.demo import DEMO_PASSWORD

    page = axe_context.new_page()
    page.goto(f"{demo_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{demo_server}/home")

    problems = audit(page, demo_server, "/home")
    for path in navigation_paths(demo_app, email):
        if pattern(path) in checked:
            continue
        checked.add(pattern(path))
        problems += audit(page, demo_server, path)
        detail = first_record_link(page, demo_server, path)
        if detail and pattern(detail) not in checked:
            checked.add(pattern(detail))
            problems += audit(page, demo_server, detail)
    assert not problems, f"{role}:\n" + "\n".join(problems)
