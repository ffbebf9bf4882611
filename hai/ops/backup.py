"""Backups and restores: the database and the attachments folder in one archive.

An archive (``.tar.gz``) holds

* ``database/hai.sqlite3`` — on SQLite, a consistent online copy made with SQLite's
  backup API (never a file copy: a live WAL database is the file *and* its ``-wal``);
* ``database/hai.pgdump`` — on PostgreSQL, ``pg_dump --format=custom`` of the exported
  snapshot in which the rows were counted;
* ``uploads/<stored name>`` — every attachment file (generated names only);
* ``manifest.json`` — last: the format, the schema revision (Alembic), the row count of
  every table, and the size and SHA-256 of every other member.

A restore reads the whole archive into a staging folder and checks it against the
manifest before it touches anything; it refuses an archive of another schema revision
or another database engine, and a target that is not empty unless forced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine

from hai.attachments.storage import STORED_NAME_RE, TEMP_PREFIX, upload_root
from hai.extensions import db

FORMAT = "hai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/hai.sqlite3"
PG_MEMBER = "database/hai.pgdump"
UPLOADS = "uploads/"
CHUNK = 1024 * 1024
MEMBER_RE = re.compile(
    rf"{re.escape(MANIFEST)}|{re.escape(SQLITE_MEMBER)}|{re.escape(PG_MEMBER)}"
    rf"|{re.escape(UPLOADS)}{STORED_NAME_RE.pattern}"
)

PG_COMMANDS = """\
On PostgreSQL the same can be done by hand (the attachments folder is copied apart):
  pg_dump --format=custom --no-owner --no-privileges --file=hai.pgdump "$DATABASE"
  tar -czf uploads.tar.gz -C "$UPLOAD_FOLDER" .
and restored into an empty database with the same schema revision:
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \\
      --dbname="$DATABASE" hai.pgdump
  tar -xzf uploads.tar.gz -C "$UPLOAD_FOLDER"
($DATABASE: a libpq connection string, e.g. postgresql://hai@db.internal/hai; pg_dump
must be of the server's major version or newer.)"""


class BackupError(Exception):
    """Refused or failed: the message tells the operator what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(self.manifest["database"]["tables"].values())

    @property
    def attachments(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(UPLOADS))


# --- helpers ------------------------------------------------------------------------


def code_revision() -> str:
    """The schema revision this code expects (the head of ``migrations/``)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from hai import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing what was read."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _stored_files(root: Path) -> list[Path]:
    """The attachment files in the folder (generated names; temporary uploads skipped)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_file() and STORED_NAME_RE.fullmatch(p.name))


def _table_counts(conn: Connection | sqlite3.Connection, names: list[str], quote) -> dict:
    counts = {}
    for name in sorted(names):
        sql = f"SELECT count(*) FROM {quote(name)}"  # noqa: S608 (names from the catalog)
        if isinstance(conn, sqlite3.Connection):
            counts[name] = conn.execute(sql).fetchone()[0]
        else:
            counts[name] = conn.execute(text(sql)).scalar()
    return counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _sqlite_tables(conn):
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Basis data SQLite di memori atau URI tidak dapat dicadangkan.")
    return Path(database).resolve()


def _dialect(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Basis data {name} tidak didukung oleh hai backup.")
    return name


# --- PostgreSQL tools ---------------------------------------------------------------


def pg_tool(app: Flask, name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``: HAI_PG_BIN, else the newest server
    installation's, else the PATH."""
    configured = app.config.get("PG_BIN")
    if configured:
        path = Path(configured) / name
        if path.is_file():
            return str(path)
        raise BackupError(f"{name} tidak ditemukan di HAI_PG_BIN ({configured}).\n\n{PG_COMMANDS}")

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.parent.name))

    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if installed:
        return str(installed[-1])
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} tidak ditemukan: pasang paket klien PostgreSQL (mis. apt-get install "
        f"postgresql-client) atau atur HAI_PG_BIN.\n\n{PG_COMMANDS}"
    )


def pg_environment(url: URL) -> dict[str, str]:
    """libpq variables for the URL: the password goes in the environment, never in the
    command line where other users of the machine could read it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    mapping = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    query = dict(url.query)
    for key, var in (
        ("host", "PGHOST"),
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("options", "PGOPTIONS"),
    ):
        value = query.get(key)
        if value:
            mapping[var] = value if isinstance(value, str) else value[0]
    env.update({k: v for k, v in mapping.items() if v})
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 (fixed program and arguments, no shell)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} gagal (kode {result.returncode}):\n{detail}")


def _pg_tables(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
    )


def _pg_revision(conn: Connection) -> str | None:
    if "alembic_version" not in _pg_tables(conn):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# --- backup -------------------------------------------------------------------------


def default_name(now: datetime) -> str:
    return f"hai-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def create_backup(app: Flask, dest: Path, *, now: datetime) -> Summary:
    """Write an archive of the database and the attachments to ``dest`` (a file, or a
    folder to put a dated file in); an existing file is never overwritten."""
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / default_name(now)
    if dest.exists():
        raise BackupError(f"{dest} sudah ada; pilih nama lain.")
    with app.app_context():
        engine = db.engine
        dialect = _dialect(engine)
        root = upload_root(app)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".hai-backup-", dir=dest.parent) as work:
        work_dir = Path(work)
        if dialect == "sqlite":
            db_file = work_dir / "hai.sqlite3"
            revision, counts = _sqlite_snapshot(_sqlite_path(engine), db_file)
            member = SQLITE_MEMBER
        else:
            db_file = work_dir / "hai.pgdump"
            revision, counts = _pg_snapshot(app, engine, db_file)
            member = PG_MEMBER
        if revision is None:
            raise BackupError("Basis data belum bermigrasi (tidak ada alembic_version).")
        partial = dest.with_name(f".{dest.name}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                files = {member: _add_file(tar, db_file, member)}
                # After the database: a file uploaded meanwhile is extra (harmless), a row
                # never lacks its file (stored files are never changed, only added).
                for path in _stored_files(root):
                    name = UPLOADS + path.name
                    with contextlib.suppress(FileNotFoundError):
                        files[name] = _add_file(tar, path, name)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat(),
                    "dialect": dialect,
                    "schema_revision": revision,
                    "database": {"member": member, "tables": counts},
                    "files": files,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                tar.addfile(info, _BytesReader(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, dest)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            raise
    return Summary(dest, manifest)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk = self.data[self.pos : end].tobytes()
        self.pos += len(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as f:
        stat = os.fstat(f.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(f)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


def _sqlite_snapshot(source: Path, target: Path) -> tuple[str | None, dict]:
    """Copy the live database with the backup API; count rows in the copy."""
    if not source.exists():
        raise BackupError(f"Berkas basis data {source} tidak ada.")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        src.backup(dst)  # one step: a consistent snapshot, writers wait at most briefly
        # The copy stands alone: no -wal beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
        revision = _sqlite_revision(dst)
        counts = _table_counts(dst, _sqlite_tables(dst), _sqlite_quote)
    finally:
        dst.close()
        src.close()
    return revision, counts


def _pg_snapshot(app: Flask, engine: Engine, target: Path) -> tuple[str | None, dict]:
    """pg_dump of an exported snapshot, the rows counted in that same snapshot."""
    pg_dump = pg_tool(app, "pg_dump")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            revision = _pg_revision(conn)
            quote = engine.dialect.identifier_preparer.quote
            counts = _table_counts(conn, _pg_tables(conn), quote)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                pg_environment(engine.url),
                "pg_dump",
            )
    return revision, counts


# --- restore ------------------------------------------------------------------------


@contextlib.contextmanager
def _staged(archive: Path, staging_parent: Path) -> Iterator[tuple[Path, dict]]:
    """Unpack ``archive`` into a private folder, checking every member against the
    manifest; yields the folder and the manifest."""
    if not archive.is_file():
        raise BackupError(f"Arsip {archive} tidak ditemukan.")
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".hai-restore-", dir=staging_parent) as work:
        staging = Path(work)
        seen: dict[str, dict] = {}
        try:
            with tarfile.open(archive, mode="r:gz") as tar:
                for member in tar:
                    _unpack_member(tar, member, staging, seen)
        except OSError as exc:
            if exc.errno is not None:  # our side: disk full, permissions
                raise BackupError(f"Gagal menulis folder pemulihan sementara: {exc}") from None
            raise BackupError(
                f"Arsip rusak atau bukan arsip cadangan HAI ({type(exc).__name__}: {exc})."
            ) from None
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise BackupError(
                f"Arsip rusak atau bukan arsip cadangan HAI ({type(exc).__name__}: {exc})."
            ) from None
        if MANIFEST not in seen:
            raise BackupError("Arsip rusak: manifest.json tidak ada.")
        try:
            manifest = json.loads((staging / MANIFEST).read_text("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise BackupError("Arsip rusak: manifest.json tidak terbaca.") from None
        _check_manifest(manifest, seen)
        yield staging, manifest


def _unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, staging: Path, seen):
    if member.isdir() and member.name.rstrip("/") in ("database", "uploads"):
        return
    if not member.isfile() or not MEMBER_RE.fullmatch(member.name):
        raise BackupError(f"Arsip rusak: anggota tak dikenal {member.name!r}.")
    if member.name in seen:
        raise BackupError(f"Arsip rusak: {member.name} muncul dua kali.")
    path = staging / member.name
    path.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    digest = hashlib.sha256()
    size = 0
    with source, path.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    seen[member.name] = {"size": size, "sha256": digest.hexdigest()}


def _check_manifest(manifest, seen: dict) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Bukan arsip cadangan HAI (format manifest tidak dikenal).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Versi format arsip {manifest.get('format_version')!r} tidak didukung "
            f"(didukung: {FORMAT_VERSION})."
        )
    files = manifest.get("files")
    database = manifest.get("database")
    if not isinstance(files, dict) or not isinstance(database, dict):
        raise BackupError("Arsip rusak: manifest tidak lengkap.")
    listed = set(files)
    present = set(seen) - {MANIFEST}
    if listed - present:
        raise BackupError(f"Arsip rusak: berkas hilang: {', '.join(sorted(listed - present))}.")
    if present - listed:
        extra = ", ".join(sorted(present - listed))
        raise BackupError(f"Arsip rusak: berkas tidak tercatat di manifest: {extra}.")
    for name in sorted(listed):
        if files[name] != seen[name]:
            raise BackupError(f"Arsip rusak: isi {name} tidak cocok dengan manifest (SHA-256).")
    if database.get("member") not in files:
        raise BackupError("Arsip rusak: basis data tidak ada di arsip.")


def restore_backup(app: Flask, archive: Path, *, force: bool = False) -> Summary:
    """Put back the database and the attachments of ``archive``.

    Checks first (archive intact, same engine, same schema revision, target empty or
    ``force``), then restores; the row counts are compared with the manifest at the end.
    Stop the app servers and the scheduler first.
    """
    archive = Path(archive)
    with app.app_context():
        engine = db.engine
        dialect = _dialect(engine)
        root = upload_root(app)
    expected_revision = code_revision()
    with _staged(archive, Path(app.instance_path)) as (staging, manifest):
        if manifest.get("dialect") != dialect:
            raise BackupError(
                f"Arsip ini dari basis data {manifest.get('dialect')}, tujuan {dialect}: "
                "pulihkan ke jenis basis data yang sama."
            )
        revision = manifest.get("schema_revision")
        if revision != expected_revision:
            raise BackupError(
                f"Arsip ini dari revisi skema {revision}, kode ini pada revisi "
                f"{expected_revision}. Pulihkan dengan versi HAI yang revisinya {revision}, "
                "lalu jalankan `flask --app wsgi db upgrade`."
            )
        stored = _stored_files(root)
        if dialect == "sqlite":
            target = _sqlite_path(engine)
            not_empty = _sqlite_has_tables(target)
        else:
            with engine.connect() as conn:
                not_empty = bool(_pg_tables(conn))
        if (not_empty or stored) and not force:
            what = []
            if not_empty:
                what.append("basis data tujuan berisi tabel")
            if stored:
                what.append(f"folder lampiran berisi {len(stored)} berkas")
            raise BackupError(
                f"Tujuan tidak kosong ({'; '.join(what)}). Pulihkan ke basis data dan folder "
                "lampiran yang kosong, atau tambahkan --force untuk menimpanya."
            )
        db_file = staging / manifest["database"]["member"]
        engine.dispose()
        if dialect == "sqlite":
            counts = _sqlite_restore(db_file, target)
        else:
            counts = _pg_restore(app, engine, db_file, clean=not_empty)
        if counts != manifest["database"]["tables"]:
            differing = sorted(
                name
                for name in set(counts) | set(manifest["database"]["tables"])
                if counts.get(name) != manifest["database"]["tables"].get(name)
            )
            raise BackupError(
                "Jumlah baris setelah pemulihan tidak cocok dengan manifest: "
                + ", ".join(differing)
            )
        for path in stored:
            path.unlink()
        for temp in root.glob(f"{TEMP_PREFIX}*"):
            temp.unlink()
        uploads = staging / UPLOADS
        if uploads.is_dir():
            for path in sorted(uploads.iterdir()):
                shutil.move(path, root / path.name)
                os.chmod(root / path.name, 0o600)
    return Summary(archive, manifest)


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        return bool(_sqlite_tables(conn))
    finally:
        conn.close()


def _sqlite_restore(source: Path, target: Path) -> dict:
    """Copy the archived database over the target with the backup API (so that a WAL
    target and its -wal file stay coherent), then count the rows."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        dst.execute("PRAGMA busy_timeout = 10000")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("Basis data yang dipulihkan gagal diperiksa (quick_check).")
        return _table_counts(dst, _sqlite_tables(dst), _sqlite_quote)
    finally:
        dst.close()
        src.close()


def _pg_restore(app: Flask, engine: Engine, dump: Path, *, clean: bool) -> dict:
    pg_restore = pg_tool(app, "pg_restore")
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    env = pg_environment(engine.url)
    command += [f"--dbname={env.get('PGDATABASE', '')}", str(dump)]
    _run(command, env, "pg_restore")
    with engine.connect() as conn:
        quote = engine.dialect.identifier_preparer.quote
        return _table_counts(conn, _pg_tables(conn), quote)
