"""Shopify back-fill: orders, then Shopify Payments payouts.

Orders: ``GET /admin/api/{version}/orders.json?status=any&updated_at_min=&updated_at_max=``
with cursor pagination in the ``Link`` header (``page_info``; only ``limit`` may accompany it).
Each paid order becomes an ``orders/paid`` delivery and each of its refunds a
``refunds/create`` delivery, with webhook ids of their own: the business keys (sale and refund
ids) make them post once with whatever webhooks delivered.

Payouts (Shopify has no payout webhook): ``GET /admin/api/{version}/shopify_payments/
payouts.json?date_min=&date_max=`` (payout dates, Link pages). Each payout becomes one delivery
of the ledgerbridge-internal topic ``shopify_payments/payout`` whose body is the payout object
and whose webhook id ``backfill:payout:{id}:{status}`` is stable per status (a payout seen
in_transit and later paid is delivered twice; its balance transactions post once, by key).
payments.py fetches its balance transactions and normalises it.

Which payouts: a store whose sales all go to another gateway's clearing account
(``settings.gateway`` a source id, or a map sending ``shopify_payments``/``*`` elsewhere) does
not pull them, nor one with ``settings.shopify_payments: false``; a 404 from payouts.json (no
Shopify Payments account) ends the back-fill with nothing pulled.

Cursor: an orders ``page_info`` as it is; ``payouts:`` (+ a payouts ``page_info``) once the
orders are done, so an interrupted run resumes in the right list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json, SourceConfig
from ledgerbridge.sources.paging import get_json_page

API_VERSION = "2025-01"
PAGE_SIZE = "250"
PAID = ("paid", "partially_refunded", "refunded", "partially_paid")
PAYOUT_TOPIC = "shopify_payments/payout"
"""Internal topic (Shopify sends no such webhook): a payout pulled by back-fill."""
SHOPIFY_PAYMENTS = "shopify_payments"
PAYOUTS = "payouts:"
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


def payout_delivery(payout: Json) -> BackfillItem:
    """The synthetic delivery of one payout (body: the payout object)."""
    webhook_id = f"backfill:payout:{payout.get('id')}:{payout.get('status')}"
    return _delivery(PAYOUT_TOPIC, payout, webhook_id)


def next_page_info(response: httpx.Response) -> str | None:
    """The ``page_info`` of the ``rel="next"`` page in the Link header (None: last page)."""
    found = _NEXT.search(response.headers.get("link", ""))
    if not found:
        return None
    return dict(httpx.URL(found.group(1)).params).get("page_info") or None


def pulls_payouts(config: SourceConfig) -> bool:
    """Whether this store's Shopify Payments money is its own clearing account's (the rule
    service/context.py applies to sales, for the gateway name ``shopify_payments``)."""
    if config.settings.get("shopify_payments") is False:
        return False
    setting = config.settings.get("gateway")
    if isinstance(setting, str) and setting:
        return setting == config.id
    if isinstance(setting, dict):
        chosen = setting.get(SHOPIFY_PAYMENTS) or setting.get("*")
        return not chosen or str(chosen) == config.id
    return True


def pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
    *,
    payouts: bool = False,
) -> Iterator[BackfillPage]:
    if cursor is None or not cursor.startswith(PAYOUTS):
        yield from _order_pages(http, since, until, cursor, sleep, PAYOUTS if payouts else None)
        if not payouts:
            return
        cursor = PAYOUTS
    yield from _payout_pages(http, since, until, cursor[len(PAYOUTS) :] or None, sleep)


def _order_pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
    then: str | None,
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
        next_info = next_page_info(response)
        yield BackfillPage(items, next_info or then)
        if not next_info:
            return
        params = {"limit": PAGE_SIZE, "page_info": next_info}


def _payout_pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    path = f"/admin/api/{API_VERSION}/shopify_payments/payouts.json"
    params: dict[str, str] = (
        {"limit": PAGE_SIZE, "page_info": cursor}
        if cursor
        else {
            "limit": PAGE_SIZE,
            "date_min": since.date().isoformat(),
            "date_max": until.date().isoformat(),
        }
    )
    while True:
        try:
            doc, response = get_json_page(http, path, params, sleep=sleep)
        except LookupFailedError as exc:
            # 404: a shop without Shopify Payments.
            if cursor is None and exc.details.get("status") == 404:
                yield BackfillPage([], None)
                return
            raise
        found = doc.get("payouts") if isinstance(doc, dict) else None
        if not isinstance(found, list):
            raise LookupFailedError(f"GET {path}: no payouts list", path=path)
        items = [payout_delivery(p) for p in found if isinstance(p, dict)]
        cursor = next_page_info(response)
        yield BackfillPage(items, PAYOUTS + cursor if cursor else None)
        if not cursor:
            return
        params = {"limit": PAGE_SIZE, "page_info": cursor}
