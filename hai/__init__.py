"""HAI — the helpdesk of HAI-DJPb. ``create_app`` builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, session
from flask_login import current_user

from hai.config import BaseConfig, config_from_env
from hai.extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: type[BaseConfig] | None = None, overrides: dict | None = None) -> Flask:
    """Build the app from ``config`` (default: chosen by HAI_ENV) plus ``overrides``."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides or {})
    app.instance_path = str(Path(app.config["INSTANCE_PATH"]))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    _configure_logging(app)
    _apply_proxy_fix(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_web(app)
    from hai.cli import register_cli

    register_cli(app)
    if app.config.get("RUN_SCHEDULER_IN_PROCESS"):
        from hai.scheduler import start_in_process

        start_in_process(app)
    return app


def _configure_logging(app: Flask) -> None:
    from hai.web import requestlog
    from hai.web.logredact import install

    install()
    requestlog.init_app(app)
    # Tests keep pytest's log capture; `flask run --debug` keeps Flask's own handler.
    if not app.debug and not app.testing:
        requestlog.install_handler(app)


def _apply_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from the configured number of proxies."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    from hai.auth.passwords import use_fast_hashing

    use_fast_hashing(bool(app.config.get("PASSWORD_HASH_FAST")))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row does this job

    from hai.db_setup import configure_engine_events

    with app.app_context():
        configure_engine_events(db.engine)

    from hai import models  # noqa: F401  (register every table)
    from hai.auth.sessions import resolve_session
    from hai.db_types import utcnow
    from hai.qa import stats  # noqa: F401  (its flush hook marks the dashboard's days)

    @login_manager.user_loader
    def load_user(user_id: str):
        user = resolve_session(
            session.get("sid"),
            user_id,
            now=utcnow(),
            idle_timeout=app.config["SESSION_IDLE_TIMEOUT"],
            absolute_timeout=app.config["SESSION_ABSOLUTE_TIMEOUT"],
        )
        # The session row may have been touched or ended; this runs before the
        # view does any work, so the commit holds nothing else.
        if db.session.dirty:
            db.session.commit()
        return user


def _register_blueprints(app: Flask) -> None:
    from hai.api.admin import bp as api_admin_bp
    from hai.api.views import bp as api_bp
    from hai.audit.views import bp as audit_bp
    from hai.auth.views import bp as auth_bp
    from hai.broadcasts.views import bp as broadcasts_bp
    from hai.catalog.views import bp as catalog_bp
    from hai.changes.views import bp as changes_bp
    from hai.cmdb.views import bp as cmdb_bp
    from hai.disasters.views import bp as disasters_bp
    from hai.haipedia.views import bp as haipedia_bp
    from hai.home.views import bp as home_bp
    from hai.mail.views import bp as mail_bp
    from hai.ops.views import bp as ops_bp
    from hai.org.views import bp as org_bp
    from hai.portal.views import bp as portal_bp
    from hai.problems.views import bp as problems_bp
    from hai.qa.views import bp as qa_bp
    from hai.releases.views import bp as releases_bp
    from hai.reports.views import bp as reports_bp
    from hai.schedules.views import bp as schedules_bp
    from hai.sla.views import bp as sla_bp
    from hai.surveys.views import bp as surveys_bp
    from hai.tickets.views import bp as tickets_bp

    for bp in (
        home_bp,
        auth_bp,
        catalog_bp,
        org_bp,
        audit_bp,
        sla_bp,
        tickets_bp,
        portal_bp,
        surveys_bp,
        mail_bp,
        api_bp,
        api_admin_bp,
        broadcasts_bp,
        haipedia_bp,
        disasters_bp,
        qa_bp,
        reports_bp,
        changes_bp,
        schedules_bp,
        cmdb_bp,
        problems_bp,
        releases_bp,
        ops_bp,
    ):
        app.register_blueprint(bp)


def _register_web(app: Flask) -> None:
    from hai.auth.permissions import Capability
    from hai.web.errors import register_error_handlers
    from hai.web.htmx import add_vary, is_htmx
    from hai.web.nav import navigation_for, unread_count
    from hai.web.numfmt import format_number
    from hai.web.security import register_security_headers
    from hai.web.timefmt import format_date, format_datetime

    register_error_handlers(app)
    register_security_headers(app)
    app.after_request(add_vary)
    app.jinja_env.filters["tanggal"] = format_date
    app.jinja_env.filters["waktu"] = format_datetime
    app.jinja_env.filters["angka"] = format_number

    @app.context_processor
    def globals_for_templates():
        return {
            "Capability": Capability,
            "is_htmx": is_htmx(),
            "navigation": navigation_for(current_user) if current_user.is_authenticated else [],
            "unread_notifications": unread_count(current_user)
            if current_user.is_authenticated
            else 0,
        }
