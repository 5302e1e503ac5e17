"""Look-ups over the injected httpx.Client (base URL connect.squareup.com, Bearer access
token, pinned ``Square-Version``).

    payout.paid   GET /v2/payouts/{payout_id}/payout-entries   -> "payout_entries"
Every other event carries what it posts. Lists are read fully: ``limit=100`` (Square's
maximum) and the opaque ``cursor`` of each page until a page has none. Square omits empty
lists, so a page without ``payout_entries`` is an empty page.
https://developer.squareup.com/reference/square/payouts-api/list-payout-entries
"""

from __future__ import annotations

from typing import Any

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import Envelope, Json, get_json
from ledgerbridge.sources.square import wire
from ledgerbridge.sources.square.normalize import PAYOUT_PAID

PAGE_LIMIT = "100"
MAX_PAGES = 1000


def fetch_lookups(envelope: Envelope, http: httpx.Client) -> Json:
    if envelope.event_type != PAYOUT_PAID:
        return {}
    data = wire.section(envelope.payload, "data", "event")
    obj = wire.section(data, "object", "event.data")
    payout = wire.section(obj, "payout", "event.data.object")
    payout_id = wire.square_id(payout, "id", "payout")
    path = f"/v2/payouts/{payout_id}/payout-entries"
    return {"payout_entries": list_all(http, path, "payout_entries")}


def list_all(http: httpx.Client, path: str, name: str) -> list[Json]:
    """Every object of a Square list endpoint, following ``cursor`` until it is absent."""
    found: list[Json] = []
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params = {"limit": PAGE_LIMIT}
        if cursor:
            params["cursor"] = cursor
        page = _document(http, path, params)
        items = page.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise LookupFailedError(f"look-up {path}: {name} is not a list of objects", path=path)
        found.extend(items)
        cursor = page.get("cursor")
        if not cursor:
            return found
        if not isinstance(cursor, str) or cursor in seen:
            raise LookupFailedError(f"look-up {path}: pagination does not advance", path=path)
        seen.add(cursor)
    raise LookupFailedError(f"look-up {path}: more than {MAX_PAGES} pages", path=path)


def _document(http: httpx.Client, path: str, params: dict[str, str]) -> Json:
    doc: Any = get_json(http, path, params)
    if not isinstance(doc, dict):
        raise LookupFailedError(f"look-up {path}: not a JSON object", path=path)
    return doc
