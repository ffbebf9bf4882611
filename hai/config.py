"""Configuration from HAI_* environment variables.

``HAI_ENV`` picks the class: ``development`` (default), ``testing`` or ``production``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """Raised when the environment cannot give a safe configuration."""


_TRUE = {"1", "true", "yes", "on", "ya"}


def as_flag(value) -> bool:
    """A yes/no setting, from a bool or from an environment string ("1", "true", "ya")."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def _instance_path() -> Path:
    return Path(os.environ.get("HAI_INSTANCE_PATH", DEFAULT_INSTANCE)).resolve()


def _database_url(instance: Path) -> str:
    return os.environ.get("HAI_DATABASE_URL") or f"sqlite:///{instance / 'hai.db'}"


class BaseConfig:
    ENV_NAME = "base"
    INSTANCE_PATH = _instance_path()
    SQLALCHEMY_DATABASE_URI = _database_url(INSTANCE_PATH)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # Attachments; with several app servers, a folder every one of them mounts (NFS).
    UPLOAD_FOLDER = os.environ.get("HAI_UPLOAD_FOLDER") or str(INSTANCE_PATH / "uploads")
    # Up to five attachments of 15 MB each in one form, plus the form itself.
    MAX_CONTENT_LENGTH = 80 * 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the (server-checked) session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "hai_session"
    # Server-side session limits (hai.auth.sessions).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("HAI_SESSION_IDLE_MINUTES", "30")))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("HAI_SESSION_MAX_HOURS", "10")))
    # Login throttling (hai.auth.throttle).
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    # "Lupa kata sandi" (hai.auth.resets): how long an emailed link works, and how many
    # requests one account and one network address may make in an hour.
    PASSWORD_RESET_LIFETIME = timedelta(
        minutes=int(os.environ.get("HAI_PASSWORD_RESET_MINUTES", "30"))
    )
    PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = 3
    PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 10
    ALLOW_DEMO_USERS = True
    # Outgoing email (hai.mail.sender); flags accept 1/true/yes/on.
    HAI_SMTP_HOST = os.environ.get("HAI_SMTP_HOST", "localhost")
    HAI_SMTP_PORT = int(os.environ.get("HAI_SMTP_PORT", "25"))
    HAI_SMTP_USER = os.environ.get("HAI_SMTP_USER", "")
    HAI_SMTP_PASSWORD = os.environ.get("HAI_SMTP_PASSWORD", "")
    HAI_SMTP_STARTTLS = os.environ.get("HAI_SMTP_STARTTLS", "0")
    HAI_SMTP_SSL = os.environ.get("HAI_SMTP_SSL", "0")
    HAI_MAIL_FROM = os.environ.get("HAI_MAIL_FROM", "HAI-DJPb <hai.djpb@kemenkeu.go.id>")
    HAI_SMTP_TIMEOUT = float(os.environ.get("HAI_SMTP_TIMEOUT", "10"))
    # Incoming email (hai.mail.imap): an empty host turns the mailbox poller off. The
    # port defaults to 993 with HAI_IMAP_SSL, else 143 (with HAI_IMAP_STARTTLS if set).
    HAI_IMAP_HOST = os.environ.get("HAI_IMAP_HOST", "")
    HAI_IMAP_PORT = os.environ.get("HAI_IMAP_PORT", "")
    HAI_IMAP_USER = os.environ.get("HAI_IMAP_USER", "")
    HAI_IMAP_PASSWORD = os.environ.get("HAI_IMAP_PASSWORD", "")
    HAI_IMAP_FOLDER = os.environ.get("HAI_IMAP_FOLDER", "INBOX")
    HAI_IMAP_SSL = os.environ.get("HAI_IMAP_SSL", "1")
    HAI_IMAP_STARTTLS = os.environ.get("HAI_IMAP_STARTTLS", "0")
    # Where taken-in messages go; empty = they stay in the folder, marked \Seen.
    HAI_IMAP_PROCESSED_FOLDER = os.environ.get("HAI_IMAP_PROCESSED_FOLDER", "")
    HAI_IMAP_TIMEOUT = float(os.environ.get("HAI_IMAP_TIMEOUT", "30"))
    DISPLAY_TIMEZONE = "Asia/Jakarta"
    # `make run` sets HAI_RUN_SCHEDULER=1 to run the jobs inside the development server.
    RUN_SCHEDULER_IN_PROCESS = os.environ.get("HAI_RUN_SCHEDULER") == "1"
    HAI_REOPEN_DAYS = int(os.environ.get("HAI_REOPEN_DAYS", "7"))
    # Portal accounts one network address may register per hour.
    HAI_REGISTRATIONS_PER_HOUR = int(os.environ.get("HAI_REGISTRATIONS_PER_HOUR", "10"))
    # Where users reach HAI (links in emails sent by the scheduler, which has no request),
    # e.g. https://hai.kemenkeu.go.id; empty: http://localhost:5000.
    HAI_PUBLIC_URL = os.environ.get("HAI_PUBLIC_URL", "").rstrip("/")
    # Email domains of official (government) accounts on the requester portal;
    # subdomains count. User types 2, 3, 8 and 9 (DJPb's own offices) must use one.
    HAI_OFFICIAL_DOMAINS = tuple(
        d.strip().lower()
        for d in os.environ.get(
            "HAI_OFFICIAL_DOMAINS", "kemenkeu.go.id,depkeu.go.id,customs.go.id,pajak.go.id"
        ).split(",")
        if d.strip()
    )
    SCHEDULER_TIMEZONE = "Asia/Jakarta"
    # Agent schedules: minutes after a shift's start within which signing in is on time.
    HAI_LATE_GRACE_MINUTES = int(os.environ.get("HAI_LATE_GRACE_MINUTES", "5"))
    # How often a standby scheduler process tries to take over the leadership lock.
    HAI_SCHEDULER_RETRY_SECONDS = float(os.environ.get("HAI_SCHEDULER_RETRY_SECONDS", "30"))
    # The unit running HAI-DJPb: the CAB needs an Eselon III official of it (Pasal 22(6)b).
    HAI_HOME_UNIT = os.environ.get("HAI_HOME_UNIT", "DIT-SITP")
    # Logs: "json" (one object a line, for log shipping) or "text"; production uses json.
    LOG_FORMAT = os.environ.get("HAI_LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("HAI_LOG_LEVEL", "INFO").upper()
    # Reverse proxies in front of the app servers that set X-Forwarded-For/-Proto/-Host
    # (werkzeug's ProxyFix trusts that many hops); 0: the headers are ignored.
    PROXY_HOPS = int(os.environ.get("HAI_PROXY_HOPS", "0"))
    # GET /health: the database must answer within this time; every interval job of the
    # scheduler must have succeeded within the age (empty: 3 × the slowest interval).
    HEALTH_DB_TIMEOUT_MS = int(os.environ.get("HAI_HEALTH_DB_TIMEOUT_MS", "2000"))
    HEALTH_SCHEDULER_MAX_AGE_MINUTES = os.environ.get("HAI_HEALTH_SCHEDULER_MAX_AGE_MINUTES", "")
    # Folder of pg_dump/pg_restore for `hai backup`/`hai restore` on PostgreSQL (empty: the
    # newest /usr/lib/postgresql/*/bin, else the PATH).
    PG_BIN = os.environ.get("HAI_PG_BIN", "")


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    RUN_SCHEDULER_IN_PROCESS = False
    SECRET_KEY = "testing-secret"  # noqa: S105 (tests only)
    # Argon2 at the production cost makes a test suite slow; the algorithm is the same.
    PASSWORD_HASH_FAST = True
    # The demo's past tickets: enough for the reports' rules, few enough to stay fast.
    DEMO_HISTORY_TICKETS = 60


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    ALLOW_DEMO_USERS = False
    LOG_FORMAT = os.environ.get("HAI_LOG_FORMAT", "json")

    @classmethod
    def check(cls) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        if len(secret) < 32:
            raise ConfigError("SECRET_KEY must be set (32+ characters) when HAI_ENV=production")
        cls.SECRET_KEY = secret


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[BaseConfig]:
    name = os.environ.get("HAI_ENV", "development")
    try:
        config = CONFIGS[name]
    except KeyError as exc:
        raise ConfigError(f"HAI_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from exc
    if config is ProductionConfig:
        ProductionConfig.check()
    return config
