"""The `flask --app wsgi hai …` commands."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from hai.db_types import utcnow
from hai.extensions import db

hai_cli = AppGroup("hai", help="Perintah administrasi HAI.")


@hai_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="Kode peran; boleh diulang. Contoh: admin, agen_l1, pengguna.",
)
@click.option("--unit", "unit_code", default="", help="Kode unit organisasi, mis. DIT-SITP.")
@click.option(
    "--user-type",
    type=click.IntRange(1, 11),
    default=None,
    help="Jenis pengguna katalog (1–11), wajib untuk peran pengguna.",
)
def create_user_command(email, name, roles, unit_code, user_type):
    """Create an account (the first administrator in production, for instance)."""
    from sqlalchemy import select

    from hai.auth.roles import Role
    from hai.auth.services import AccountError, create_user
    from hai.org.models import OrgUnit

    try:
        role_set = [Role.from_code(code) for code in roles]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--role") from None
    unit_id = None
    if unit_code:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code.upper()))
        if unit is None:
            raise click.BadParameter(f"unknown unit code {unit_code!r}", param_hint="--unit")
        unit_id = unit.id
    password = os.environ.get("HAI_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise click.UsageError("set HAI_NEW_PASSWORD or run in a terminal to be prompted")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email=email,
            name=name,
            password=password,
            roles=role_set,
            unit_id=unit_id,
            user_type=user_type,
            now=utcnow(),
            actor=None,
            actor_label="cli",
        )
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.field or 'user'}: {exc.message}") from None
    db.session.commit()
    click.echo(
        f"created user {user.email} with roles {', '.join(r.value for r in user.sorted_roles())}"
    )


@hai_cli.command("create-token")
@click.option("--name", required=True, help="Nama integrasi, mis. 'WhatsApp HAI-DJPb'.")
@click.option("--rate", "rate_per_minute", default=120, show_default=True, type=int)
def create_token_command(name, rate_per_minute):
    """Issue an API token for an integration; prints it once (only its hash is kept)."""
    from hai.api.tokens import issue_token
    from hai.errors import RuleError

    try:
        token, secret = issue_token(
            name, now=utcnow(), actor_label="cli", rate_per_minute=rate_per_minute
        )
    except RuleError as exc:
        db.session.rollback()
        raise click.UsageError(str(exc)) from exc
    db.session.commit()
    click.echo(f"Token untuk {token.name} (simpan sekarang, tidak ditampilkan lagi):")
    click.echo(secret)


@hai_cli.command("seed")
def seed_command():
    """Load reference data: units, channels, both catalog versions, SLA parameters (idempotent)."""
    from hai.reference import load_reference_data

    loaded = load_reference_data(now=utcnow())
    db.session.commit()
    versions = ", ".join(loaded["catalog_versions"]) or "none (already there)"
    sla = ", ".join(loaded["sla_versions"]) or "none (already there)"
    click.echo(
        f"units added: {loaded['units']}; channels added: {loaded['channels']}; "
        f"catalog versions loaded: {versions}; SLA parameters loaded: {sla}"
    )


@hai_cli.command("demo")
def demo_command():
    """Create one demo user per role and print their credentials."""
    from hai.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_users

    if not current_app.config["ALLOW_DEMO_USERS"]:
        raise click.ClickException("demo users are refused when HAI_ENV=production")
    from hai.broadcasts.demo import load_demo_broadcasts
    from hai.changes.demo import load_demo_changes
    from hai.disasters.demo import load_demo_disasters
    from hai.haipedia.demo import load_demo_articles
    from hai.problems.demo import load_demo_service_management
    from hai.qa import stats
    from hai.qa.demo import load_demo_qa
    from hai.reports.demo import load_demo_reports
    from hai.schedules.demo import load_demo_schedules
    from hai.surveys.demo import load_demo_survey
    from hai.tickets.demo import load_demo_tickets
    from hai.tickets.demo_history import load_demo_history

    def history(*, now):
        return load_demo_history(
            now=now, tickets=current_app.config.get("DEMO_HISTORY_TICKETS", 600)
        )

    # (what, loader) in dependency order, each committed on its own.
    loaders = [
        ("demo users created", lambda *, now: len(load_demo_users(now=now))),
        ("demo tickets created", load_demo_tickets),
        ("past tickets (history) created", history),
        ("demo broadcasts created", load_demo_broadcasts),
        ("demo surveys created", load_demo_survey),
        ("demo disaster reports created", load_demo_disasters),
        ("demo evaluations created", load_demo_qa),
        ("demo articles created", load_demo_articles),
        ("demo reports created", load_demo_reports),
        ("demo roster entries created", load_demo_schedules),
        ("demo change requests created", load_demo_changes),
        ("demo problems created", load_demo_service_management),
    ]
    made = []
    for what, load in loaders:
        made.append(f"{what}: {load(now=utcnow())}")
        db.session.commit()
    stats.refresh(utcnow())  # the dashboard's figures, without waiting for the scheduler
    db.session.commit()
    click.echo("; ".join(made))
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for demo in DEMO_USERS:
        click.echo(f"  {demo.role.label:<40} {demo.email}")


@hai_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once now, then exit.")
def scheduler_command(once):
    """Run the job scheduler in this process."""
    from hai.scheduler import acquire_leadership, build_scheduler, jobs, run_job

    app = current_app._get_current_object()
    if once:
        for job in jobs():
            result = run_job(app, job)
            click.echo(f"{job.id}: {result!r}")
        return
    lock = acquire_leadership(app)
    while lock is None:
        click.echo("another scheduler holds the lock; waiting", err=True)
        time.sleep(app.config.get("HAI_SCHEDULER_RETRY_SECONDS", 30))
        lock = acquire_leadership(app)
    click.echo("scheduler started")
    build_scheduler(app).start()


@hai_cli.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path):
    """Back up the database and the attachments into one archive (.tar.gz).

    PATH is the archive to write, or a folder to put hai-backup-<time>.tar.gz in. SQLite:
    an online copy through SQLite's backup API; PostgreSQL: pg_dump (custom format) of
    one snapshot. The manifest inside lists the schema revision, the rows of every table
    and the SHA-256 of every file. The archive holds personal data: it is written
    readable by its owner only; keep it encrypted and off this machine.
    """
    from hai.ops.backup import BackupError, create_backup

    try:
        summary = create_backup(current_app._get_current_object(), path, now=utcnow())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = summary.manifest
    click.echo(
        f"cadangan ditulis: {summary.path} ({manifest['dialect']}, revisi skema "
        f"{manifest['schema_revision']}, {summary.rows} baris dalam "
        f"{len(manifest['database']['tables'])} tabel, {summary.attachments} lampiran)"
    )


@hai_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Timpa basis data dan folder lampiran yang tidak kosong.",
)
def restore_command(path, force):
    """Restore an archive written by `hai backup` into this configuration's database
    and attachments folder.

    The archive is checked against its manifest first; one of another schema revision
    or another database engine is refused. The target must be empty unless --force.
    Stop the app servers and the scheduler before restoring.
    """
    from hai.ops.backup import BackupError, restore_backup

    try:
        summary = restore_backup(current_app._get_current_object(), path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = summary.manifest
    click.echo(
        f"dipulihkan dari {summary.path} (dibuat {manifest['created_at']}, revisi skema "
        f"{manifest['schema_revision']}): {summary.rows} baris, {summary.attachments} lampiran"
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(hai_cli)


EX_DATAERR = 65  # sysexits.h: the input was not a message; the mail server bounces it
EX_TEMPFAIL = 75  # sysexits.h: try again later; the mail server keeps the message queued


@hai_cli.command("ingest-email")
def ingest_email_command():
    """Take in one raw email from standard input (a mail server's pipe).

    Exit 0 when the message is handled (a ticket, a reply, a duplicate, an
    auto-reply or bounce, or a refusal recorded with its reason); 75 when it could
    not be stored (database down, disk full, a fault of ours), so that the mail
    server keeps the message and tries again rather than bouncing it to the sender.
    """
    import logging

    from hai.mail.ingest import MAX_MESSAGE_BYTES, describe, ingest_and_commit

    ctx = click.get_current_context()
    raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
    if not raw.strip():
        click.echo("no message on standard input", err=True)
        ctx.exit(EX_DATAERR)
    if len(raw) > MAX_MESSAGE_BYTES:
        click.echo(f"message larger than {MAX_MESSAGE_BYTES} bytes refused", err=True)
        ctx.exit(EX_DATAERR)
    try:
        row = ingest_and_commit(raw, now=utcnow())
        click.echo(describe(row))
    except Exception as exc:  # noqa: BLE001 (every failure is "try again later" for the MTA)
        logging.getLogger(__name__).exception("ingest-email failed")
        click.echo(f"temporary failure, message not stored: {type(exc).__name__}", err=True)
        ctx.exit(EX_TEMPFAIL)
