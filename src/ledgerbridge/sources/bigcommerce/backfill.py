"""BigCommerce back-fill (and catch-up: BigCommerce deactivates a hook after ~48 h of failed
deliveries). Two lists, one after the other:

    GET /v2/orders?min_date_modified=&max_date_modified=&sort=date_modified:asc&page=N&limit=
        paid orders -> ``store/order/updated`` deliveries; an empty page (or 204) ends
    GET /v3/orders/payment_actions/refunds?created:min=&created:max=&page=N&limit=
        every refund -> ``store/order/refund/created``; ``meta.pagination.total_pages`` ends

Each record becomes the webhook body BigCommerce would send (``scope``, ``data`` ids,
``hash``, ``created_at``, ``producer``), so it takes the webhook's path: the adapter reads the
order (and its refunds) back over the API and posts them. A synthetic ``hash`` is a SHA-1 of
scope + id + the record's modification time and ``created_at`` that time, so running the
same range again gives the same event ids (duplicates in the inbox). BigCommerce's own hash
and send time cannot be reproduced, so a record a webhook already delivered is a second
inbox row whose entries are already posted (business keys ``:sale:{id}``, ``:refund:{id}``):
it posts nothing again. Orders that are not paid are skipped (they would post nothing).

The cursor is ``orders:<page>`` or ``refunds:<page>``: the page to read next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LedgerbridgeError, LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json, SourceConfig
from ledgerbridge.sources.bigcommerce import normalize, wire
from ledgerbridge.sources.bigcommerce.client import parse_exact
from ledgerbridge.sources.paging import get_with_retries

ORDERS_PATH = "/v2/orders"
REFUNDS_PATH = "/v3/orders/payment_actions/refunds"
ORDER_SCOPE = "store/order/updated"
PAGE_SIZE = 250
ORDERS, REFUNDS = "orders", "refunds"
HEADERS = {"content-type": "application/json"}


def pages(
    config: SourceConfig,
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    phase, page = parse_cursor(cursor)
    producer = _producer(config)
    if phase == ORDERS:
        while True:
            orders = _get_list(http, ORDERS_PATH, _order_params(since, until, page), sleep)
            items = [order_item(o, producer) for o in orders if _worth_posting(o)]
            next_cursor = f"{ORDERS}:{page + 1}" if orders else f"{REFUNDS}:1"
            yield BackfillPage(items, next_cursor)
            if not orders:
                break
            page += 1
        page = 1
    while True:
        doc = _get(http, REFUNDS_PATH, _refund_params(since, until, page), sleep)
        refunds = _refund_list(doc)
        items = [refund_item(r, producer) for r in refunds]
        more = bool(refunds) and page < _total_pages(doc)
        yield BackfillPage(items, f"{REFUNDS}:{page + 1}" if more else None)
        if not more:
            return
        page += 1


def parse_cursor(cursor: str | None) -> tuple[str, int]:
    """``orders:3`` -> ("orders", 3); no (or an unreadable) cursor starts at orders page 1."""
    phase, _, number = (cursor or "").partition(":")
    if phase in (ORDERS, REFUNDS) and number.isdigit() and int(number) >= 1:
        return phase, int(number)
    return ORDERS, 1


def order_item(order: Json, producer: str | None) -> BackfillItem:
    """A V2 order as the ``store/order/updated`` webhook that names it."""
    order_id = wire.integer(order, "id", "order")
    modified = wire.rfc2822_time(order, "date_modified", "order")
    data: Json = {"type": "order", "id": order_id}
    return _delivery(ORDER_SCOPE, data, f"{order_id}:{modified.isoformat()}", modified, producer)


def refund_item(refund: Json, producer: str | None) -> BackfillItem:
    """A V3 refund as the ``store/order/refund/created`` webhook that names it."""
    refund_id = wire.integer(refund, "id", "refund")
    order_id = wire.integer(refund, "order_id", "refund")
    created = wire.iso_time(refund, "created", "refund")
    data: Json = {"type": "order", "id": order_id, "refund": {"refund_id": refund_id}}
    scope = normalize.REFUND_SCOPE
    return _delivery(scope, data, f"{refund_id}:{created.isoformat()}", created, producer)


def _delivery(
    scope: str, data: Json, identity: str, at: datetime, producer: str | None
) -> BackfillItem:
    digest = hashlib.sha1(f"{scope}:{identity}".encode(), usedforsecurity=False).hexdigest()
    payload: Json = {
        "scope": scope,
        "data": data,
        "hash": digest,
        "created_at": int(at.timestamp()),
    }
    if producer:
        payload["producer"] = producer
    return BackfillItem(orjson.dumps(payload), HEADERS)


def _worth_posting(order: Json) -> bool:
    """A paid (or since refunded) order; one whose status cannot be read goes through, so
    its failure is kept in the inbox rather than skipped silently."""
    try:
        return normalize.is_paid(order)
    except LedgerbridgeError:
        return True


def _producer(config: SourceConfig) -> str | None:
    store_hash = config.credentials.get("store_hash")
    return f"stores/{store_hash}" if store_hash else None


def _order_params(since: datetime, until: datetime, page: int) -> dict[str, str]:
    return {
        "min_date_modified": _iso(since),
        "max_date_modified": _iso(until),
        "sort": "date_modified:asc",
        "page": str(page),
        "limit": str(PAGE_SIZE),
    }


def _refund_params(since: datetime, until: datetime, page: int) -> dict[str, str]:
    return {
        "created:min": _iso(since),
        "created:max": _iso(until),
        "page": str(page),
        "limit": str(PAGE_SIZE),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _get(
    http: httpx.Client, path: str, params: dict[str, str], sleep: Callable[[float], None]
) -> object:
    """The page's JSON (numbers with a fraction as exact decimal strings); None for a 204."""
    response = get_with_retries(http, path, params, sleep=sleep)
    if response.status_code == 204 or not response.content.strip():
        return None
    try:
        return parse_exact(response.content)
    except ValueError as exc:
        raise LookupFailedError(f"GET {path}: not JSON ({exc})", path=path) from None


def _get_list(
    http: httpx.Client, path: str, params: dict[str, str], sleep: Callable[[float], None]
) -> list[Json]:
    doc = _get(http, path, params, sleep)
    if doc is None:
        return []
    if not isinstance(doc, list) or not all(isinstance(o, dict) for o in doc):
        raise LookupFailedError(f"GET {path}: not a list of orders", path=path)
    return doc


def _refund_list(doc: object) -> list[Json]:
    if doc is None:
        return []
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise LookupFailedError(f"GET {REFUNDS_PATH}: not a list of refunds", path=REFUNDS_PATH)
    return data


def _total_pages(doc: object) -> int:
    meta = doc.get("meta") if isinstance(doc, dict) else None
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    total = pagination.get("total_pages") if isinstance(pagination, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else 1
