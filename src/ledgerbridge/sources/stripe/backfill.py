"""Stripe back-fill: the Events API (``GET /v1/events``), which returns the very events the
webhooks deliver (same ``evt_`` ids), so a back-filled event and its webhook are one inbox row.
Stripe keeps events for 30 days; lists are newest first and page with ``starting_after``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage
from ledgerbridge.sources.paging import get_json_page

PAGE_SIZE = "100"


def pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    after = cursor
    while True:
        params = {
            "created[gte]": str(int(since.timestamp())),
            "created[lte]": str(int(until.timestamp())),
            "limit": PAGE_SIZE,
        }
        if after:
            params["starting_after"] = after
        doc, _ = get_json_page(http, "/v1/events", params, sleep=sleep)
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list):
            raise LookupFailedError("GET /v1/events: not a Stripe list", path="/v1/events")
        items = [
            BackfillItem(orjson.dumps(event), {"content-type": "application/json"})
            for event in data
            if isinstance(event, dict)
        ]
        last = data[-1].get("id") if data and isinstance(data[-1], dict) else None
        more = bool(doc.get("has_more")) and isinstance(last, str) and last != after
        yield BackfillPage(items, last if more else None)
        if not more:
            return
        after = last
