"""Error pages, security headers, the CSP-friendly markup, production settings."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from hai.auth.models import User
from hai.auth.roles import Role

PAGES_FOR_ADMIN = [
    "/home",
    "/account",
    "/catalog",
    "/catalog/versions",
    "/channels",
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/audit",
]


class ScriptScanner(HTMLParser):
    """Collects <script> elements (attributes and body) and inline event handlers."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [(tag, name) for name in attributes if name.startswith("on")]
        if tag == "script":
            self.scripts.append({"src": attributes.get("src"), "body": ""})
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["body"] += data


def scan(html: str) -> ScriptScanner:
    scanner = ScriptScanner()
    scanner.feed(html)
    scanner.close()
    return scanner


@pytest.fixture
def admin_browser(make_user, login_as):
    return login_as(make_user(Role.ADMIN))


# --- error pages -------------------------------------------------------------


def test_unknown_page_gives_indonesian_404(make_user, login_as):
    browser = login_as(make_user(Role.AGEN_L1))
    response = browser.get("/halaman-yang-tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html
    assert "Halaman atau data yang Anda cari tidak ada." in html
    assert 'lang="id"' in html
    assert "Kembali ke beranda" in html
    assert "Not Found" not in html


def test_unknown_object_gives_404(admin_browser, db_session):
    missing = (db_session.scalar(select(func.max(User.id))) or 0) + 1000
    response = admin_browser.get(f"/admin/users/{missing}")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_forbidden_page_gives_indonesian_403(make_user, login_as):
    browser = login_as(make_user(Role.AGEN_L1))
    response = browser.get("/admin/users")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Akses ditolak" in html
    assert "Anda tidak memiliki hak untuk membuka halaman ini." in html
    assert "Forbidden" not in html


def test_wrong_method_gives_indonesian_405(make_user, login_as):
    browser = login_as(make_user(Role.AGEN_L1))
    response = browser.get("/logout")
    assert response.status_code == 405
    assert "Metode tidak diizinkan" in response.get_data(as_text=True)


def test_api_clients_get_json_errors(make_user, login_as):
    browser = login_as(make_user(Role.AGEN_L1))
    response = browser.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.is_json
    assert response.get_json()["error"]["title"] == "Akses ditolak"


def test_unexpected_exception_gives_generic_500_without_details(
    app, make_user, login_as, monkeypatch
):
    def broken_view(*args, **kwargs):
        raise RuntimeError("rahasia-internal: koneksi ke 10.1.2.3 gagal")

    browser = login_as(make_user(Role.AGEN_L1))
    monkeypatch.setitem(app.view_functions, "catalog.channels", broken_view)
    response = browser.get("/channels")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in html
    assert "Terjadi kesalahan pada sistem." in html
    for leak in ("Traceback", "RuntimeError", "rahasia-internal", "10.1.2.3", 'File "'):
        assert leak not in html
    assert response.headers["Cache-Control"] == "no-store"
    monkeypatch.undo()
    assert browser.get("/channels").status_code == 200, "the app keeps working"


# --- security headers --------------------------------------------------------


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = {d.strip() for d in csp.split(";")}
    assert "script-src 'self'" in directives
    assert "frame-ancestors 'none'" in directives
    assert "object-src 'none'" in directives
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/login", "/halaman-yang-tidak-ada"])
def test_security_headers_on_anonymous_pages(client, url):
    response = client.get(url)
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_security_headers_and_no_store_on_logged_in_pages(admin_browser):
    for url in ["/home", "/admin/users", "/admin/audit"]:
        response = admin_browser.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store", url
    fragment = admin_browser.htmx_get("/admin/users")
    assert fragment.headers["Cache-Control"] == "no-store"


def test_htmx_is_served_from_static_and_may_be_cached(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    try:
        assert response.status_code == 200
        assert "javascript" in response.mimetype
        assert b"htmx" in response.get_data()
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        response.close()


def test_pages_load_htmx_and_the_app_script_from_static(client):
    scripts = [s["src"] for s in scan(client.get("/login").get_data(as_text=True)).scripts]
    assert scripts == ["/static/vendor/htmx-2.0.11.min.js", "/static/js/hai.js"]


def test_no_inline_scripts_or_event_handlers_in_pages(app, admin_browser):
    pages = {"/login": app.test_client().get("/login")}
    pages.update({url: admin_browser.get(url) for url in PAGES_FOR_ADMIN})
    for url, response in pages.items():
        assert response.status_code == 200, url
        found = scan(response.get_data(as_text=True))
        assert found.scripts, url
        for script in found.scripts:
            assert script["src"], f"inline <script> on {url}"
            assert script["body"].strip() == "", f"<script> with a body on {url}"
        assert found.handlers == [], f"inline event handlers on {url}: {found.handlers}"


# --- stored XSS --------------------------------------------------------------


def test_script_in_a_users_name_is_shown_escaped(admin_browser, db_session):
    evil = "<script>alert(1)</script>"
    admin_browser.get("/admin/users/new")
    response = admin_browser.post(
        "/admin/users/new",
        {
            "email": "iseng@test.hai",
            "name": evil,
            "position": '"><img src=x onerror=alert(2)>',
            "phone": "",
            "unit_id": "",
            "user_type": "",
            "roles": ["agen_l1"],
            "password": "kuda-baterai-benar-42",
        },
    )
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.email == "iseng@test.hai"))
    assert user.name == evil  # stored as typed, escaped when shown

    for url in ["/admin/users", "/admin/users?q=iseng", f"/admin/users/{user.id}"]:
        html = admin_browser.get(url).get_data(as_text=True)
        assert evil not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        found = scan(html)
        assert all(s["src"] for s in found.scripts), url
        assert found.handlers == [], url
    fragment = admin_browser.htmx_get("/admin/users?q=iseng").get_data(as_text=True)
    assert evil not in fragment and "&lt;script&gt;" in fragment


# --- production configuration ------------------------------------------------


def test_production_config_needs_a_long_secret_key(monkeypatch):
    from hai.config import ConfigError, ProductionConfig, config_from_env

    # check() stores the key on the class: put the original back afterwards.
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig.check()
    monkeypatch.setenv("SECRET_KEY", "x" * 31)
    with pytest.raises(ConfigError):
        ProductionConfig.check()
    monkeypatch.setenv("HAI_ENV", "production")
    with pytest.raises(ConfigError):
        config_from_env()

    secret = "k" * 32
    monkeypatch.setenv("SECRET_KEY", secret)
    assert config_from_env() is ProductionConfig
    assert secret == ProductionConfig.SECRET_KEY
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.ALLOW_DEMO_USERS is False


def test_unknown_environment_name_is_refused(monkeypatch):
    from hai.config import ConfigError, config_from_env

    monkeypatch.setenv("HAI_ENV", "prod")
    with pytest.raises(ConfigError, match="HAI_ENV"):
        config_from_env()


def test_session_cookie_is_http_only_and_same_site(make_user, client, login_as):
    login_as(make_user(Role.AGEN_L1))
    cookie = client.get_cookie("hai_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
