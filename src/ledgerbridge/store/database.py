"""Engine creation and migration. SQLite runs in WAL mode with a busy timeout and takes its
write lock at BEGIN (so two writers never deadlock on a lock upgrade); PostgreSQL uses psycopg 3.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from ledgerbridge.domain.errors import StorageUnavailableError

MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")
V = TypeVar("V")
BATCH_LIMIT = 64
"""Units of work that share one SQLite transaction at the most (see Database.batched)."""


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


def _json_text(value: Any) -> str:
    """JSON columns are written by orjson: a webhook writes several (headers, each line's
    dimensions) and the standard library's encoder cost about 4 % of a request. Keys that are
    not strings become strings, as json.dumps makes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", _json_text)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=8,
            pool_use_lifo=True,  # the connection used last: its page cache is warm
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
        self._queue: deque[_Unit[Any]] = deque()

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

    def batched(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction that is committed before this returns, as
        ``write()`` would; on SQLite, shared with the units other threads submit meanwhile.

        SQLite has one writer at a time and a commit costs more than a webhook's inserts. A
        thread that takes the write lock runs every unit waiting (its own among them, unless an
        earlier holder already ran it) in one transaction and commits once: group commit,
        without a thread of its own. When a unit raises, the transaction rolls back; the units
        before it run again and commit, and the one that raised runs again on its own, so each
        unit sees what it would have seen alone. ``work`` may therefore run more than once: it
        must only read and write through ``conn``. PostgreSQL takes concurrent writers itself:
        there each unit is its own transaction."""
        unit: _Unit[T] = _Unit(work)
        if self.dialect != "sqlite":
            with self.write() as conn:
                return work(conn)
        self._queue.append(unit)
        while not unit.done:  # more than BATCH_LIMIT waiting: ours may be in a later batch
            with self._write_lock:
                if not unit.done:
                    batch: list[_Unit[Any]] = []
                    while self._queue and len(batch) < BATCH_LIMIT:
                        batch.append(self._queue.popleft())
                    self._run(batch)
        with self._guard():
            return unit.result()

    def _run(self, batch: list[_Unit[Any]]) -> None:
        """Run ``batch`` in order in one transaction (the write lock is held)."""
        while batch:
            values: list[Any] = []
            failure: BaseException | None = None
            try:
                with self._guard(), self.engine.begin() as conn:
                    try:
                        for unit in batch:
                            values.append(unit.work(conn))
                    except BaseException as exc:
                        failure = exc
                        raise
            except BaseException as exc:
                if failure is None or not values:  # BEGIN or COMMIT failed, or the first unit
                    for unit in batch if failure is None else batch[:1]:
                        unit.fail(exc)
                    batch = [] if failure is None else batch[1:]
                    continue
                self._run(batch[: len(values)])  # the units before the one that raised
                batch = batch[len(values) :]  # ... which runs again, first
                continue
            for unit, value in zip(batch, values, strict=True):
                unit.succeed(value)
            return

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


class _Unit(Generic[V]):
    """One submitted unit of work and, once run, its value or its exception."""

    __slots__ = ("done", "error", "value", "work")

    def __init__(self, work: Callable[[Connection], V]) -> None:
        self.work = work
        self.done = False
        self.value: V | None = None
        self.error: BaseException | None = None

    def succeed(self, value: V) -> None:
        self.value, self.done = value, True

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True

    def result(self) -> V:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


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
