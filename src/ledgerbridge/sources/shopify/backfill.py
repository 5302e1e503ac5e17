"""Shopify back-fill: ``GET /admin/api/{version}/orders.json?status=any&updated_at_min=&
updated_at_max=`` with cursor pagination in the ``Link`` header (``page_info``; only ``limit``
may accompany it). Each paid order becomes an ``orders/paid`` delivery and each of its refunds
a ``refunds/create`` delivery, with webhook ids of their own: the business keys (sale and
refund ids) make them post once with whatever webhooks delivered."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json
from ledgerbridge.sources.paging import get_json_page

API_VERSION = "2025-01"
PAGE_SIZE = "250"
PAID = ("paid", "partially_refunded", "refunded", "partially_paid")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def _items(order: Json) -> list[BackfillItem]:
    items: list[BackfillItem] = []
    if order.get("financial_status") in PAID:
        items.append(_delivery("orders/paid", order, f"backfill:order:{order.get('id')}"))
    for refund in order.get("refunds") or []:
        if isinstance(refund, dict):
            items.append(_delivery("refunds/create", refund, f"backfill:refund:{refund.get('id')}"))
    return items


def _delivery(topic: str, doc: Json, webhook_id: str) -> BackfillItem:
    return BackfillItem(
        orjson.dumps(doc),
        {
            "x-shopify-topic": topic,
            "x-shopify-webhook-id": webhook_id,
            "content-type": "application/json",
        },
    )


def pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    path = f"/admin/api/{API_VERSION}/orders.json"
    params: dict[str, str] = (
        {"limit": PAGE_SIZE, "page_info": cursor}
        if cursor
        else {
            "status": "any",
            "limit": PAGE_SIZE,
            "updated_at_min": since.isoformat(),
            "updated_at_max": until.isoformat(),
        }
    )
    while True:
        doc, response = get_json_page(http, path, params, sleep=sleep)
        orders = doc.get("orders") if isinstance(doc, dict) else None
        if not isinstance(orders, list):
            raise LookupFailedError(f"GET {path}: no orders list", path=path)
        items = [item for order in orders if isinstance(order, dict) for item in _items(order)]
        found = _NEXT.search(response.headers.get("link", ""))
        next_info = None
        if found:
            next_info = dict(httpx.URL(found.group(1)).params).get("page_info")
        yield BackfillPage(items, next_info)
        if not next_info:
            return
        params = {"limit": PAGE_SIZE, "page_info": next_info}
