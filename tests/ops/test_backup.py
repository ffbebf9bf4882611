"""`hai backup` / `hai restore`: a database with tickets, attachments (real files) and
audit records is backed up, wiped and restored; every row count and every file's bytes
come back. SQLite always; PostgreSQL when HAI_TEST_DATABASE_URL points to a server.

These tests build databases of their own (a backup reads committed data through its
own connection), never the rolled-back test database.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from hai import create_app
from hai.config import TestingConfig
from hai.extensions import db
from hai.ops.backup import (
    MANIFEST,
    SQLITE_MEMBER,
    BackupError,
    code_revision,
    create_backup,
    pg_environment,
    restore_backup,
)
from tests.attachments.conftest import SAMPLES

PG_URL = os.environ.get("HAI_TEST_DATABASE_URL", "")
on_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"), reason="needs HAI_TEST_DATABASE_URL (PostgreSQL)"
)


def build_app(tmp: Path, url: str):
    return create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(tmp),
            "UPLOAD_FOLDER": str(tmp / "uploads"),
        },
    )


def populate(app) -> None:
    """Schema, reference data, staff, three tickets with attachments, audit records."""
    from flask_migrate import upgrade

    from hai.attachments.services import attach_files
    from hai.attachments.storage import upload_root
    from hai.audit.services import record
    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.db_types import utcnow
    from hai.reference import load_reference_data
    from hai.tickets.services import RequesterData, create_ticket

    with app.app_context():
        upgrade()
        now = utcnow()
        load_reference_data(now=now)
        agent = create_user(
            email="agen.cadangan@kemenkeu.go.id",
            name="Agen Cadangan",
            password="frasa-sandi-cadangan-uji",
            roles=[Role.AGEN_L1],
            now=now,
            actor=None,
            actor_label="test",
        )
        db.session.flush()
        for n in range(3):
            ticket = create_ticket(
                channel_code="email",
                received_at=now - timedelta(hours=n + 1),
                requester=RequesterData(name=f"Pemohon {n}", email=f"pemohon{n}@example.id"),
                subject=f"SP2D belum terbit {n}",
                description="Mohon bantuan.",
                now=now,
                actor=agent,
            )
            files = [
                FileStorage(io.BytesIO(SAMPLES["pdf"]), filename=f"surat-{n}.pdf"),
                FileStorage(io.BytesIO(SAMPLES["png"]), filename=f"layar-{n}.png"),
                FileStorage(
                    io.BytesIO(f"Catatan tiket {n}: {uuid.uuid4()}\n".encode()),
                    filename=f"catatan-{n}.txt",
                ),
            ]
            attach_files(
                files,
                owner_type="ticket",
                owner_id=ticket.id,
                uploader=agent,
                now=now,
                root=upload_root(app),
            )
        record("test.backup_marker", now=now, actor=agent, note="sebelum cadangan")
        db.session.commit()


def snapshot(app) -> tuple[dict[str, int], dict[str, bytes]]:
    """Every table's row count (read afresh, not from any manifest) and every upload."""
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            quote = engine.dialect.identifier_preparer.quote
            counts = {
                name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar()  # noqa: S608
                for name in names
            }
        db.session.remove()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = {p.name: p.read_bytes() for p in sorted(uploads.iterdir()) if p.is_file()}
    return counts, files


def check_content(app) -> None:
    """The restored data is usable through the models, not only countable."""
    from hai.attachments.models import Attachment
    from hai.audit.models import AuditEvent
    from hai.tickets.models import Ticket

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 3
        attachments = db.session.scalars(select(Attachment)).all()
        assert len(attachments) == 9
        uploads = Path(app.config["UPLOAD_FOLDER"])
        for att in attachments:
            assert (uploads / att.stored_name).stat().st_size == att.size
        marker = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "test.backup_marker")
        )
        assert marker.details == {"note": "sebelum cadangan"}
        db.session.remove()


def wipe_sqlite(app) -> None:
    with app.app_context():
        db.engine.dispose()
    database = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    for path in Path(app.config["UPLOAD_FOLDER"]).iterdir():
        path.unlink()


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backup-sqlite")
    app = build_app(tmp, f"sqlite:///{tmp / 'hai.db'}")
    populate(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def sqlite_archive(sqlite_source, tmp_path_factory):
    from hai.db_types import utcnow

    before = snapshot(sqlite_source)
    # The database is live in WAL mode: committed rows still sit in the -wal file, which
    # a copy of hai.db alone would miss.
    database = Path(make_url(sqlite_source.config["SQLALCHEMY_DATABASE_URI"]).database)
    with sqlite_source.app_context(), db.engine.connect():
        assert Path(f"{database}-wal").stat().st_size > 0
        summary = create_backup(sqlite_source, tmp_path_factory.mktemp("archives"), now=utcnow())
    return summary.path, before


def rewrite(archive: Path, target: Path, *, manifest=None, members=None) -> Path:
    """A copy of ``archive`` with the manifest changed and members replaced or dropped."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif members and member.name in members:
                data = members[member.name]
                if data is None:
                    continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_sqlite_round_trip_gives_back_every_row_and_file(sqlite_source, sqlite_archive, tmp_path):
    archive, (counts, files) = sqlite_archive
    assert counts["ticket"] == 3 and counts["attachment"] == 9 and counts["audit_event"] > 1
    assert len(files) == 9
    assert oct(archive.stat().st_mode & 0o777) == "0o600", "personal data: owner only"
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert names[0] == SQLITE_MEMBER and names[-1] == MANIFEST
    assert manifest["schema_revision"] == code_revision()
    assert manifest["dialect"] == "sqlite"
    assert manifest["database"]["tables"]["ticket"] == 3
    assert sum(1 for n in manifest["files"] if n.startswith("uploads/")) == 9

    target = build_app(tmp_path, f"sqlite:///{tmp_path / 'restored.db'}")
    restore_backup(target, archive)
    assert snapshot(target) == (counts, files)
    check_content(target)
    with target.app_context():
        db.engine.dispose()

    # And into the very place it came from, after losing everything.
    wipe_sqlite(sqlite_source)
    restore_backup(sqlite_source, archive)
    assert snapshot(sqlite_source) == (counts, files)
    check_content(sqlite_source)


def test_restore_refuses_a_non_empty_target_unless_forced(sqlite_source, sqlite_archive):
    archive, (counts, files) = sqlite_archive
    with sqlite_source.app_context():
        from hai.audit.services import record
        from hai.db_types import utcnow

        record("test.after_backup", now=utcnow(), actor_label="test")
        db.session.commit()
    stray = Path(sqlite_source.config["UPLOAD_FOLDER"]) / ("f" * 32 + ".txt")
    stray.write_bytes(b"added after the backup\n")
    with pytest.raises(BackupError, match="Tujuan tidak kosong.*--force"):
        restore_backup(sqlite_source, archive)
    restore_backup(sqlite_source, archive, force=True)
    assert snapshot(sqlite_source) == (counts, files), "the newer row and file are gone"


def test_restore_refuses_another_schema_revision(sqlite_archive, tmp_path):
    archive, _ = sqlite_archive
    old = rewrite(
        archive,
        tmp_path / "old.tar.gz",
        manifest=lambda m: {**m, "schema_revision": "732d68f80eba"},
    )
    target = build_app(tmp_path, f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match="revisi skema 732d68f80eba"):
        restore_backup(target, old)
    assert not (tmp_path / "target.db").exists(), "nothing touched"


@pytest.mark.parametrize(
    "damage",
    ["flipped_byte", "truncated", "changed_file", "missing_file", "extra_member", "no_manifest"],
)
def test_restore_refuses_a_corrupt_archive(sqlite_archive, tmp_path, damage):
    archive, (_, files) = sqlite_archive
    name = "uploads/" + sorted(files)[0]
    broken = tmp_path / "broken.tar.gz"
    data = archive.read_bytes()
    if damage == "flipped_byte":
        middle = len(data) // 2
        broken.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
        message = "Arsip rusak"
    elif damage == "truncated":
        broken.write_bytes(data[: len(data) // 2])
        message = "Arsip rusak"
    elif damage == "changed_file":
        rewrite(archive, broken, members={name: b"not what was backed up"})
        message = "tidak cocok dengan manifest"
    elif damage == "missing_file":
        rewrite(archive, broken, members={name: None})
        message = "berkas hilang"
    elif damage == "extra_member":
        with tarfile.open(archive, "r:gz") as src, tarfile.open(broken, "w:gz") as dst:
            for member in src:
                dst.addfile(member, src.extractfile(member))
            info = tarfile.TarInfo("../../etc/cron.d/evil")
            info.size = 1
            dst.addfile(info, io.BytesIO(b"x"))
        message = "anggota tak dikenal"
    else:
        rewrite(archive, broken, members={MANIFEST: None})
        message = "manifest.json tidak ada"
    target = build_app(tmp_path, f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match=message):
        restore_backup(target, broken)
    assert not (tmp_path / "target.db").exists()
    assert not any((tmp_path / "uploads").iterdir())
    assert not list(tmp_path.glob(".hai-restore-*")), "the staging folder is removed"


def test_restore_refuses_another_database_engine(sqlite_archive, tmp_path):
    archive, _ = sqlite_archive
    other = rewrite(archive, tmp_path / "pg.tar.gz", manifest=lambda m: {**m, "dialect": "x"})
    target = build_app(tmp_path, f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match="jenis basis data yang sama"):
        restore_backup(target, other)


def test_cli_backup_and_restore(sqlite_source, tmp_path):
    runner = sqlite_source.test_cli_runner()
    archive = tmp_path / "cli.tar.gz"
    result = runner.invoke(args=["hai", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "cadangan ditulis" in result.output and "9 lampiran" in result.output
    again = runner.invoke(args=["hai", "backup", str(archive)])
    assert again.exit_code == 1 and "sudah ada" in again.output

    refused = runner.invoke(args=["hai", "restore", str(archive)])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = runner.invoke(args=["hai", "restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    assert "9 lampiran" in forced.output

    missing = runner.invoke(args=["hai", "restore", str(tmp_path / "nope.tar.gz")])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output


def test_pg_environment_keeps_the_password_out_of_the_command_line():
    env = pg_environment(
        make_url("postgresql+psycopg://hai:s3cret@db.internal:5433/hai?sslmode=require")
    )
    assert env["PGPASSWORD"] == "s3cret" and env["PGHOST"] == "db.internal"
    assert env["PGPORT"] == "5433" and env["PGDATABASE"] == "hai"
    assert env["PGSSLMODE"] == "require"


# --- PostgreSQL ---------------------------------------------------------------------


@pytest.fixture
def pg_database():
    """A database of its own on the test server; dropped (and recreated) on demand."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"hai_backup_{uuid.uuid4().hex[:8]}"

    def recreate():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    recreate()
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False), recreate
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@on_postgres
def test_postgresql_round_trip(pg_database, tmp_path):
    from hai.db_types import utcnow

    url, recreate = pg_database
    app = build_app(tmp_path, url)
    populate(app)
    counts, files = snapshot(app)
    assert counts["ticket"] == 3 and len(files) == 9
    summary = create_backup(app, tmp_path / "pg.tar.gz", now=utcnow())
    assert summary.manifest["dialect"] == "postgresql"
    assert summary.manifest["database"]["tables"] == counts

    with app.app_context():
        db.engine.dispose()
    recreate()
    for path in Path(app.config["UPLOAD_FOLDER"]).iterdir():
        path.unlink()
    restore_backup(app, summary.path)
    assert snapshot(app) == (counts, files)
    check_content(app)

    with pytest.raises(BackupError, match="Tujuan tidak kosong"):
        restore_backup(app, summary.path)
    restore_backup(app, summary.path, force=True)
    assert snapshot(app) == (counts, files)
    with app.app_context():
        db.engine.dispose()
