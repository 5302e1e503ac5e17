"""store/prepared.py on SQLite and PostgreSQL: values converted as Connection.execute would,
driver errors raised as SQLAlchemy's own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from ledgerbridge.service import setup
from ledgerbridge.store import inbox, prepared
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entry_events

RECEIVED = datetime(2026, 3, 2, 12, 0, 1, 234567, tzinfo=UTC)


def test_an_event_reads_back_as_it_was_written(db: Database) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db, source_id="shopify", platform="shopify", ledger="default", webhook_secret="s" * 32
    )
    with db.write() as conn:
        event_id = inbox.insert_event(
            conn,
            source_id="shopify",
            platform_event_id="p1",
            event_type="orders/paid",
            received_at=RECEIVED,
            raw_body=b'{"id": 1}\x00\xff',
            headers={"content-type": "application/json"},
            lookups={"order": {"total": "1.50", "lines": [1, 2]}},
            status="posted",
        )
    assert event_id is not None
    with db.read() as conn:
        row = inbox.get_event(conn, event_id)
    assert row is not None
    assert inbox.utc(row["received_at"]) == RECEIVED
    assert bytes(row["raw_body"]) == b'{"id": 1}\x00\xff'
    assert row["headers"] == {"content-type": "application/json"}
    assert row["lookups"] == {"order": {"total": "1.50", "lines": [1, 2]}}
    assert (row["status"], row["attempts"]) == ("posted", 1)
    assert row["processed_at"] is not None


def test_a_driver_error_is_sqlalchemys_and_rolls_back(db: Database) -> None:
    setup.init(db, "EUR")
    with pytest.raises(IntegrityError), db.write() as conn:  # no such entry nor event
        prepared.execute(conn, entry_events.insert(), [{"entry_id": "je_x", "event_id": "ev_x"}])
    with db.read() as conn:
        assert conn.execute(entry_events.select()).all() == []
