"""Engine creation and migration. SQLite runs in WAL mode with a busy timeout and takes its
write lock at BEGIN (so two writers never deadlock on a lock upgrade); PostgreSQL uses psycopg 3.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from ledgerbridge.domain.errors import StorageUnavailableError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    readonly = conn.get_execution_options().get("ledgerbridge_readonly")
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=8,
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, **kwargs)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (safe to run again)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """The engine plus the two ways to use it: ``read()`` and ``write()`` (one transaction,
    committed on success, rolled back on error). A database that cannot be reached raises
    StorageUnavailableError (the API answers 503, so the platform retries)."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **kwargs)
        self.dialect = self.engine.dialect.name
        # SQLite has one writer at a time; a writer that finds the lock taken sleeps in
        # SQLite's busy handler (up to 100 ms a try). Queuing our own threads on a Python lock
        # hands the database over at once. Other processes still meet the busy timeout.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if self.dialect == "sqlite" else nullcontext()
        )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._guard():
            conn = self.engine.connect().execution_options(ledgerbridge_readonly=True)
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._write_lock, self._guard(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def rehearse(self) -> Iterator[Connection]:
        """A write transaction that is always rolled back: see what would be written."""
        with self._write_lock, self._guard():
            conn = self.engine.connect()
            transaction = conn.begin()
            try:
                yield conn
            finally:
                transaction.rollback()
                conn.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            if exc.connection_invalidated or _unreachable(exc):
                raise StorageUnavailableError(f"storage unavailable: {exc.orig}") from None
            raise
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise StorageUnavailableError(f"storage unavailable: {exc.orig}") from None
            raise

    def migrate(self) -> None:
        migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _unreachable(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(
        s in text
        for s in (
            "connection",
            "could not connect",
            "unable to open",
            "server closed",
            "terminating",
            "disk i/o",
            "readonly database",
        )
    )
