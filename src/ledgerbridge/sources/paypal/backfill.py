"""PayPal back-fill: Transaction Search, the statement of the seller's PayPal balance.

``GET /v1/reporting/transactions?start_date=&end_date=&fields=all&page_size=500&page=N``
(bearer token from client.py). A search may span at most 31 days, so a longer range is split
into 31-day windows; pages count from 1 and the answer's ``total_pages`` ends a window.
PayPal lists a transaction up to 3 hours after it happened, so every run starts 3 hours
before ``since``: what an earlier run (a catch-up) could not see yet is caught, and what it
did see comes back as a duplicate.

Each row (``transaction_details[]``) becomes one delivery of the ledgerbridge-internal event
type ``ledgerbridge/paypal.transaction``: ``{"id": "backfill:<transaction id>", "event_type",
"create_time": <transaction_initiation_date>, "resource": <the row>}``, normalised by
normalize.py (which codes post what is documented there). A row that is not yet settled
(``transaction_status`` other than S) gets the id ``backfill:<id>:<status>``, so its later
success row is a new delivery, not a duplicate of the pending one.

Cursor: ``<window index>:<page>``, where to continue in this run's list of windows (the same
``since``/``until`` always give the same windows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json, SourceConfig
from ledgerbridge.sources.paging import get_json_page
from ledgerbridge.sources.paypal.client import api_client

TRANSACTION = "ledgerbridge/paypal.transaction"
"""Internal event type (PayPal sends no such webhook): a Transaction Search row."""
PATH = "/v1/reporting/transactions"
PAGE_SIZE = "500"
WINDOW = timedelta(days=31)
REPORT_LAG = timedelta(hours=3)
SETTLED = "S"


def windows(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """``[since - REPORT_LAG, until]`` in consecutive windows of at most 31 days."""
    start, found = since - REPORT_LAG, []
    while start < until:
        end = min(start + WINDOW, until)
        found.append((start, end))
        start = end
    return found


def stamp(moment: datetime) -> str:
    """RFC 3339 with seconds, in UTC: ``2026-03-01T00:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def delivery(row: Json) -> BackfillItem:
    """The synthetic delivery of one Transaction Search row."""
    info = row.get("transaction_info")
    info = info if isinstance(info, dict) else {}
    txn_id = info.get("transaction_id")
    if not isinstance(txn_id, str) or not txn_id:
        # Kept (and failed by normalize, naming the field) rather than dropped unseen.
        txn_id = "row-" + hashlib.sha256(orjson.dumps(row)).hexdigest()[:20]
    status = info.get("transaction_status")
    event_id = f"backfill:{txn_id}"
    if isinstance(status, str) and status and status != SETTLED:
        event_id += f":{status}"
    created = info.get("transaction_initiation_date") or info.get("transaction_updated_date")
    body: Json = {"id": event_id, "event_type": TRANSACTION, "resource": row}
    if isinstance(created, str):
        body["create_time"] = created
    return BackfillItem(orjson.dumps(body), {"content-type": "application/json"})


def pages(
    config: SourceConfig,
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    spans = windows(since, until)
    index, page = _position(cursor)
    if index >= len(spans):
        return
    api = api_client(http, config, sleep)
    try:
        while True:
            start, end = spans[index]
            params = {
                "start_date": stamp(start),
                "end_date": stamp(end),
                "fields": "all",
                "page_size": PAGE_SIZE,
                "page": str(page),
            }
            doc, _ = get_json_page(api, PATH, params, sleep=sleep)
            rows, total = _rows(doc)
            if page < total:
                page += 1
            elif index + 1 < len(spans):
                index, page = index + 1, 1
            else:
                yield BackfillPage([delivery(r) for r in rows], None)
                return
            yield BackfillPage([delivery(r) for r in rows], f"{index}:{page}")
    finally:
        api.close()


def _position(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return 0, 1
    window, _, page = cursor.partition(":")
    if not (window.isdigit() and page.isdigit()):
        raise LookupFailedError(f"PayPal back-fill cursor {cursor!r} is not <window>:<page>")
    return int(window), max(int(page), 1)


def _rows(doc: object) -> tuple[list[Json], int]:
    if not isinstance(doc, dict):
        raise LookupFailedError(f"GET {PATH}: not a transaction search answer", path=PATH)
    rows = doc.get("transaction_details")
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise LookupFailedError(f"GET {PATH}: transaction_details is not a list", path=PATH)
    total = doc.get("total_pages")
    if isinstance(total, bool) or not isinstance(total, int):
        total = 1  # no page count: this page is the last
    return [r for r in rows if isinstance(r, dict)], total
