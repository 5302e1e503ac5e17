"""WooCommerce back-fill (and catch-up: WooCommerce never retries a failed delivery):
``GET /wp-json/wc/v3/orders?modified_after=&modified_before=&dates_are_gmt=true&per_page=100
&page=N&orderby=modified&order=asc``; pages counted by ``X-WP-TotalPages``. Each order becomes
an ``order.updated`` delivery whose event id (order id + date_modified_gmt) is the webhook's own,
so an order already delivered by webhook is a duplicate in the inbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage
from ledgerbridge.sources.paging import get_json_page

PAGE_SIZE = "100"
PATH = "/wp-json/wc/v3/orders"


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    page = int(cursor) if cursor and cursor.isdigit() else 1
    while True:
        params = {
            "modified_after": _gmt(since),
            "modified_before": _gmt(until),
            "dates_are_gmt": "true",
            "per_page": PAGE_SIZE,
            "page": str(page),
            "orderby": "modified",
            "order": "asc",
        }
        doc, response = get_json_page(http, PATH, params, sleep=sleep)
        if not isinstance(doc, list):
            raise LookupFailedError(f"GET {PATH}: not a list of orders", path=PATH)
        items = [
            BackfillItem(
                orjson.dumps(order),
                {
                    "x-wc-webhook-topic": "order.updated",
                    "x-wc-webhook-resource": "order",
                    "content-type": "application/json",
                },
            )
            for order in doc
            if isinstance(order, dict)
        ]
        total = response.headers.get("x-wp-totalpages", "1")
        last_page = int(total) if total.isdigit() else page
        more = page < last_page and bool(doc)
        yield BackfillPage(items, str(page + 1) if more else None)
        if not more:
            return
        page += 1
