"""Post a kept event again: after a mapping, rate or configuration fix, or a failed look-up.

The event's raw bytes are read back exactly as received; look-ups that failed (or were
never made) are fetched again. An event already posted is not posted twice: its entries'
business keys are already in the journal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerbridge.domain.errors import LedgerbridgeError, NotFoundError
from ledgerbridge.service.ingest import fetch_lookups, post_inbox_event
from ledgerbridge.sources.base import Delivery
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog, inbox
from ledgerbridge.store.database import Database


@dataclass(frozen=True, slots=True)
class Replayed:
    event_id: str
    status: str
    error: str | None
    entry_ids: tuple[str, ...]


def replay(db: Database, event_id: str, *, lookup_timeout: int = 10) -> Replayed:
    with db.read() as conn:
        row = inbox.get_event(conn, event_id)
        if row is None:
            raise NotFoundError(f"no event {event_id!r}", event=event_id)
        config = catalog.get_source(conn, row["source_id"])
    if row["status"] in ("posted", "duplicate"):
        return Replayed(event_id, row["status"], None, ())
    adapter = adapter_for(config.platform)
    delivery = Delivery(bytes(row["raw_body"]), row["headers"], row["received_at"])
    lookups = row["lookups"]
    error: str | None = None
    try:
        envelope = adapter.identify(delivery)
        if lookups is None:
            lookups = fetch_lookups(adapter, envelope, config, lookup_timeout)
    except LedgerbridgeError as exc:
        error = f"{exc.code}: {exc.message}"
    with db.write() as conn:
        if error is not None:
            inbox.mark(conn, event_id, "failed", error=error)
            return Replayed(event_id, "failed", error, ())
        accepted = post_inbox_event(
            conn, adapter, config, envelope, lookups, event_id, new_lookups=row["lookups"] is None
        )
        after = inbox.get_event(conn, event_id)
    return Replayed(
        event_id, accepted.status, after["error"] if after else None, accepted.entry_ids
    )


def replay_many(
    db: Database, status: str, source: str | None, *, lookup_timeout: int = 10
) -> list[Replayed]:
    """Replay every event with ``status`` (of one source): per-event results, the batch goes on."""
    with db.read() as conn:
        ids = inbox.failed_event_ids(conn, status, source)
    return [replay(db, event_id, lookup_timeout=lookup_timeout) for event_id in ids]
