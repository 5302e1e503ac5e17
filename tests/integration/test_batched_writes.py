"""Database.batched: units of work from many threads share a transaction on SQLite (group
commit); a unit that raises loses nothing of the others and leaves nothing of its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from ledgerbridge.domain.errors import StorageUnavailableError
from ledgerbridge.domain.journal import JournalEntry, Line
from ledgerbridge.service import setup
from ledgerbridge.store import database, journal
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries


def _entry(key: str) -> JournalEntry:
    value = Decimal("1.00")
    return JournalEntry.balanced(
        key=key,
        ledger="default",
        effective_date=date(2026, 3, 2),
        description="test",
        source=None,
        lines=[
            Line("1000", value, "EUR", value, "EUR"),
            Line("4000", -value, "EUR", -value, "EUR"),
        ],
    )


class Refused(Exception):
    pass


def _unit(
    key: str, *, fail: bool = False, hold: threading.Event | None = None
) -> Callable[[Connection], str | None]:
    def work(conn: Connection) -> str | None:
        entry_id = journal.insert_entry(conn, _entry(key), event_ids=[])
        if hold is not None:
            hold.wait(timeout=10)
        if fail:
            raise Refused(key)
        return entry_id

    return work


def _keys(db: Database) -> list[str]:
    with db.read() as conn:
        return sorted(conn.execute(select(entries.c.key)).scalars())


@pytest.fixture
def ledger(db: Database) -> Database:
    setup.create_ledger(db, "default", "EUR", "retail")
    return db


def test_a_unit_that_raises_loses_nothing_of_the_others(ledger: Database) -> None:
    release = threading.Event()
    keys = [f"k{n:02}" for n in range(12)]
    with ThreadPoolExecutor(13) as pool:
        first = pool.submit(ledger.batched, _unit("first", hold=release))
        # the others queue up behind the first (which holds the write lock on SQLite) ...
        futures = {k: pool.submit(ledger.batched, _unit(k, fail=k in ("k03", "k07"))) for k in keys}
        time.sleep(0.3)
        release.set()  # ... and then run together
        assert first.result(timeout=20)
        for key, future in futures.items():
            if key in ("k03", "k07"):
                with pytest.raises(Refused):
                    future.result(timeout=20)
            else:
                assert future.result(timeout=20)
    assert _keys(ledger) == sorted(["first", *(k for k in keys if k not in ("k03", "k07"))])


def test_the_same_key_from_many_threads_is_written_once(ledger: Database) -> None:
    start = threading.Barrier(10)

    def submit(_: int) -> str | None:
        start.wait(timeout=10)
        return ledger.batched(_unit("same"))

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(submit, range(10)))
    assert sum(r is not None for r in results) == 1
    with ledger.read() as conn:
        assert conn.execute(select(func.count()).select_from(entries)).scalar() == 1


def test_a_unit_alone_that_raises_rolls_back(ledger: Database) -> None:
    with pytest.raises(Refused):
        ledger.batched(_unit("alone", fail=True))
    assert _keys(ledger) == []


def test_a_database_that_cannot_be_written_is_storage_unavailable(sqlite_db: Database) -> None:
    setup.create_ledger(sqlite_db, "default", "EUR", "retail")
    sqlite_db.dispose()
    path = sqlite_db.url.removeprefix("sqlite:///")
    readonly = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(StorageUnavailableError):
            readonly.batched(_unit("nowhere"))
    finally:
        readonly.dispose()


def test_more_units_than_a_batch_takes_run_once_each(
    ledger: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BATCH_LIMIT", 2)
    release = threading.Event()
    calls: list[str] = []

    def counted(key: str, hold: threading.Event | None = None) -> Callable[[Connection], Any]:
        inner = _unit(key, hold=hold)

        def work(conn: Connection) -> str | None:
            calls.append(key)
            return inner(conn)

        return work

    keys = [f"k{n:02}" for n in range(9)]
    with ThreadPoolExecutor(10) as pool:
        first = pool.submit(ledger.batched, counted("first", release))
        futures = [pool.submit(ledger.batched, counted(k)) for k in keys]
        time.sleep(0.3)
        release.set()
        assert first.result(timeout=20)
        assert all(f.result(timeout=20) for f in futures)
    assert sorted(calls) == sorted(["first", *keys])
    assert _keys(ledger) == sorted(["first", *keys])
