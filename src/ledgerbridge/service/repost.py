"""Re-post a kept event under the source's active mapping version: on explicit request only.

The entries the event produced under an older version are reversed (never edited), and the
event posts again with new business keys (``<key>@v<version>``), so history stays readable:
the old entry, its reversal and the new entry all point at the same raw event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledgerbridge.domain.errors import ConflictError, NotFoundError
from ledgerbridge.service.context import ledger_view
from ledgerbridge.service.ingest import fetch_lookups
from ledgerbridge.service.mapping import active_mapping
from ledgerbridge.service.post import post_events, reverse_entry
from ledgerbridge.sources.base import Delivery
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog, inbox, journal
from ledgerbridge.store.database import Database


def repost(db: Database, event_id: str, *, lookup_timeout: int = 10) -> dict[str, Any]:
    with db.read() as conn:
        row = inbox.get_event(conn, event_id)
        if row is None:
            raise NotFoundError(f"no event {event_id!r}", event=event_id)
        config = catalog.get_source(conn, row["source_id"])
        mapping = active_mapping(conn, config.id, config.ledger)
    if mapping is None:
        raise ConflictError(f"source {config.id} has no mapping to re-post under")
    adapter = adapter_for(config.platform)
    envelope = adapter.identify(
        Delivery(bytes(row["raw_body"]), row["headers"], row["received_at"])
    )
    lookups = row["lookups"]
    if lookups is None:
        lookups = fetch_lookups(adapter, envelope, config, lookup_timeout)
    events = adapter.normalize(envelope, lookups, config)
    today = datetime.now(UTC).date()
    with db.write() as conn:
        current = []
        for entry_id in inbox.entry_ids_for(conn, [event_id])[event_id]:
            loaded = journal.load_entry(conn, entry_id)
            if loaded and not loaded[0]["reversed_by"] and not loaded[0]["reverses_id"]:
                current.append(loaded[0])
        if current and all(m["mapping_version"] == mapping.version for m in current):
            raise ConflictError(
                f"event {event_id} is already posted under mapping version {mapping.version}"
            )
        reversed_ids = [
            reverse_entry(
                conn, m["id"], f"re-posted under mapping version {mapping.version}", today
            )
            for m in current
        ]
        outcome = post_events(
            conn,
            ledger_view(conn, config.ledger),
            config,
            events,
            event_id,
            envelope=envelope,
            mapping=mapping,
            key_suffix=f"@v{mapping.version}",
        )
        inbox.mark(
            conn, event_id, "posted" if outcome.entry_ids else row["status"], note=outcome.note
        )
    return {
        "event_id": event_id,
        "mapping_version": mapping.version,
        "reversed": reversed_ids,
        "entry_ids": outcome.entry_ids,
        "notes": outcome.note,
    }
