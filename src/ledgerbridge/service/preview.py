"""Preview: the entries a payload would post (or the exact error), with the source's active
mapping or a draft one, through the real posting path in a transaction that is rolled back.
Nothing is written; look-ups the adapter needs are made (they only read)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from ledgerbridge.domain.errors import LedgerbridgeError, MalformedPayloadError
from ledgerbridge.service.context import ledger_view
from ledgerbridge.service.ingest import fetch_lookups
from ledgerbridge.service.journal import entry_document
from ledgerbridge.service.mapping import ActiveMapping, active_mapping, compile_document
from ledgerbridge.service.post import post_events
from ledgerbridge.sources.base import Delivery, Envelope
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog, inbox
from ledgerbridge.store.database import Database


def preview(
    db: Database,
    source_id: str,
    payload: Mapping[str, Any],
    *,
    event_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    mapping: Mapping[str, Any] | str | None = None,
    lookup_timeout: int = 10,
) -> dict[str, Any]:
    """``{"status", "mapping_version", "entries", "notes", "error"}``; a draft ``mapping`` that
    is invalid raises MappingInvalid (every error, with its path)."""
    now = datetime.now(UTC)
    with db.read() as conn:
        config = catalog.get_source(conn, source_id)
        draft = (
            ActiveMapping(
                0,
                compile_document(
                    conn, config.ledger, dict(mapping) if not isinstance(mapping, str) else mapping
                ),
            )
            if mapping is not None
            else active_mapping(conn, source_id, config.ledger)
        )
    adapter = adapter_for(config.platform)
    body = orjson.dumps(payload)
    result: dict[str, Any] = {
        "status": "failed",
        "mapping_version": draft.version if draft else None,
        "entries": [],
        "notes": None,
        "error": None,
    }
    try:
        envelope = _envelope(adapter.identify, body, headers, event_type, payload, now)
        lookups = fetch_lookups(adapter, envelope, config, lookup_timeout)
        events = adapter.normalize(envelope, lookups, config)
        with db.rehearse() as conn:
            event_id = inbox.insert_event(
                conn,
                source_id=source_id,
                platform_event_id=f"preview:{uuid.uuid4()}",
                event_type=envelope.event_type,
                received_at=now,
                raw_body=body,
                headers={},
                lookups=lookups,
            )
            if event_id is None:  # pragma: no cover - a fresh random id
                raise MalformedPayloadError("preview could not stage the event")
            outcome = post_events(
                conn,
                ledger_view(conn, config.ledger),
                config,
                events,
                event_id,
                envelope=envelope,
                mapping=draft,
                key_suffix=":preview",
            )
            result["entries"] = [entry_document(conn, e) for e in outcome.entry_ids]
        result["status"], result["notes"] = outcome.status, outcome.note
    except LedgerbridgeError as exc:
        result["error"] = {
            "code": exc.code,
            "message": exc.message,
            "details": {
                k: v for k, v in exc.details.items() if isinstance(v, str | int | list | dict)
            },
        }
    for entry in result["entries"]:
        entry["key"] = entry["key"].removesuffix(":preview")
        entry["id"] = None
        entry["event_ids"] = []
    return result


def _envelope(
    identify: Any,
    body: bytes,
    headers: Mapping[str, str] | None,
    event_type: str | None,
    payload: Mapping[str, Any],
    now: datetime,
) -> Envelope:
    delivery = Delivery(body, {k.lower(): v for k, v in (headers or {}).items()}, now)
    try:
        envelope: Envelope = identify(delivery)
    except MalformedPayloadError:
        if event_type is None:
            raise
        return Envelope("preview", event_type, dict(payload), None)  # the payload dates it
    return replace(envelope, event_type=event_type) if event_type else envelope
