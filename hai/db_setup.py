"""Per-connection database settings."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine_events(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def sqlite_pragmas(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin
        # (the module's own handling breaks SAVEPOINT; see SQLAlchemy's pysqlite notes).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # WAL lets readers go on while one writer writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def sqlite_begin(conn):
        # IMMEDIATE: take the write lock when the transaction starts, waiting for it up to
        # the busy timeout. A deferred transaction that reads and then writes cannot wait:
        # if another writer committed meanwhile, SQLite answers "database is locked" at
        # once (its snapshot is stale), which concurrent users would see
        # (tests/reliability). The price: this app's transactions run one at a time, as
        # Rails does on SQLite; the production database is PostgreSQL.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
