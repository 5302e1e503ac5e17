"""The store on SQLite and PostgreSQL: migrations, minor units, idempotency, immutability."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError

from ledgerbridge.domain.journal import JournalEntry, Line
from ledgerbridge.service import setup
from ledgerbridge.store import inbox, journal
from ledgerbridge.store.database import Database

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _entry(key: str, amount: str, currency: str) -> JournalEntry:
    value = Decimal(amount)
    return JournalEntry.balanced(
        key=key,
        ledger="default",
        effective_date=date(2026, 3, 2),
        description="test",
        source=None,
        lines=[
            Line("1000", value, currency, value, currency),
            Line("4000", -value, currency, -value, currency),
        ],
    )


@pytest.fixture
def ledger(db: Database) -> Database:
    setup.create_ledger(db, "default", "EUR", "retail")
    return db


def test_init_is_safe_to_run_twice(db: Database) -> None:
    assert setup.init(db, "EUR") is True
    assert setup.init(db, "EUR") is False


def test_amounts_round_trip_as_minor_units_per_exponent(ledger: Database) -> None:
    with ledger.write() as conn:
        ids = [
            journal.insert_entry(conn, _entry(f"k{c}", a, c), event_ids=[])
            for a, c in (("1234", "JPY"), ("12.345", "BHD"), ("12.34", "EUR"))
        ]
    with ledger.read() as conn:
        stored = conn.execute(
            text("SELECT currency, amount_minor FROM lines WHERE line_no = 1 ORDER BY currency")
        ).all()
        loaded = [journal.load_entry(conn, i) for i in ids if i]
    assert [(c, int(m)) for c, m in stored] == [("BHD", 12345), ("EUR", 1234), ("JPY", 1234)]
    assert [x[1].lines[0].amount for x in loaded if x] == [
        Decimal("1234"),
        Decimal("12.345"),
        Decimal("12.34"),
    ]


def test_an_entry_key_posts_once(ledger: Database) -> None:
    with ledger.write() as conn:
        first = journal.insert_entry(conn, _entry("shop:sale:1", "10.00", "EUR"), event_ids=[])
        second = journal.insert_entry(conn, _entry("shop:sale:1", "10.00", "EUR"), event_ids=[])
    assert first is not None
    assert second is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE lines SET amount_minor = amount_minor + 1",
        "DELETE FROM lines",
        "UPDATE entries SET description = 'edited'",
        "DELETE FROM entries",
    ],
)
def test_posted_entries_cannot_change_at_the_database(ledger: Database, statement: str) -> None:
    with ledger.write() as conn:
        journal.insert_entry(conn, _entry("k", "10.00", "EUR"), event_ids=[])
    with pytest.raises(DatabaseError, match="immutable"), ledger.write() as conn:
        conn.execute(text(statement))
    with ledger.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM lines")).scalar() == 2


def test_postgres_refuses_an_unbalanced_entry_at_commit(ledger: Database) -> None:
    if ledger.dialect != "postgresql":
        pytest.skip("the deferred balance trigger is PostgreSQL's (SQLite has none)")
    unbalanced = pytest.raises(IntegrityError, match="does not balance")
    with unbalanced, ledger.write() as conn:
        conn.execute(
            text(
                "INSERT INTO entries (id, ledger_id, key, effective_date, posted_at, description) "
                "VALUES ('je_x', 'default', 'x', '2026-03-02', now(), 'bad')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO lines (entry_id, line_no, ledger_id, account_code, amount_minor,"
                " currency, base_amount_minor, base_currency, rate, rate_source, dimensions)"
                " VALUES ('je_x', 1, 'default', '1000', 100, 'EUR', 100, 'EUR', '1', 'identity',"
                " '{}')"
            )
        )


def test_inbox_is_idempotent_on_source_and_platform_event_id(ledger: Database) -> None:
    setup.add_source(
        ledger, source_id="stripe", platform="stripe", ledger="default", webhook_secret="whsec_test"
    )
    kwargs = {
        "source_id": "stripe",
        "platform_event_id": "evt_1",
        "event_type": "x",
        "received_at": NOW,
        "raw_body": b'{"id": "evt_1"}\n',
        "headers": {},
        "lookups": None,
    }
    with ledger.write() as conn:
        first = inbox.insert_event(conn, **kwargs)  # type: ignore[arg-type]
        second = inbox.insert_event(conn, **kwargs)  # type: ignore[arg-type]
    assert first is not None
    assert second is None
    with ledger.read() as conn:
        row = inbox.get_event(conn, first)
    assert row is not None
    assert bytes(row["raw_body"]) == b'{"id": "evt_1"}\n'
