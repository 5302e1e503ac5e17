"""BigCommerce traffic for tests, the demo and bench/: webhook payloads and the headers our hook
sends, and the REST documents the adapter reads back (V2 order, V3 refunds).

Wire formats as BigCommerce sends them: webhooks carry ids only (``data``) with ``hash`` and a
Unix ``created_at``; V2 orders print money as 4-decimal strings ("62.5000") and dates as RFC
2822; V3 refunds print money as JSON numbers (here Python floats, whose shortest repr is the
2-decimal figure, so a StandIn serves exactly "12.34"; the adapter never reads them as float).
The hook is created with ``headers: {"X-Ledgerbridge-Secret": <secret>}``, echoed on every POST.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from ledgerbridge.sources.base import Json
from ledgerbridge.sources.bigcommerce.simulate_documents import (
    DEFAULT_TIME,
    STATUSES,
    STORE_HASH,
    order,
    payment,
    publish,
    refund,
    refund_item,
    refunds_page,
)
from ledgerbridge.sources.bigcommerce.verify import SECRET_HEADER

STORE_ID = "1004417"

__all__ = [
    "DEFAULT_TIME",
    "STATUSES",
    "STORE_HASH",
    "STORE_ID",
    "body",
    "headers",
    "order",
    "order_archived",
    "order_created",
    "order_status_updated",
    "order_updated",
    "payment",
    "publish",
    "refund",
    "refund_created",
    "refund_item",
    "refunds_page",
    "transaction_created",
    "webhook",
]

# --- webhooks ----------------------------------------------------------------------------


def webhook(
    scope: str,
    data: Json,
    *,
    created_at: int | datetime = DEFAULT_TIME,
    store_hash: str = STORE_HASH,
    store_id: str = STORE_ID,
    digest: str | None = None,
) -> Json:
    """A webhook payload; ``hash`` is a SHA-1 over the JSON of the rest unless given."""
    when = int(created_at.timestamp()) if isinstance(created_at, datetime) else created_at
    payload: Json = {"scope": scope, "store_id": store_id, "data": data}
    rest = {**payload, "created_at": when, "producer": f"stores/{store_hash}"}
    payload["hash"] = digest or hashlib.sha1(body(rest), usedforsecurity=False).hexdigest()
    payload["created_at"] = when
    payload["producer"] = rest["producer"]
    return payload


def order_created(order_id: int, **kw: Any) -> Json:
    return webhook("store/order/created", {"type": "order", "id": order_id}, **kw)


def order_updated(order_id: int, **kw: Any) -> Json:
    return webhook("store/order/updated", {"type": "order", "id": order_id}, **kw)


def order_archived(order_id: int, **kw: Any) -> Json:
    return webhook("store/order/archived", {"type": "order", "id": order_id}, **kw)


def order_status_updated(
    order_id: int, new_status_id: int = 11, previous_status_id: int = 0, **kw: Any
) -> Json:
    status = {"previous_status_id": previous_status_id, "new_status_id": new_status_id}
    data = {"type": "order", "id": order_id, "status": status}
    return webhook("store/order/statusUpdated", data, **kw)


def refund_created(order_id: int, refund_id: int, **kw: Any) -> Json:
    data = {"type": "order", "id": order_id, "refund": {"refund_id": refund_id}}
    return webhook("store/order/refund/created", data, **kw)


def transaction_created(
    order_id: int, transaction_id: int, *, transaction_type: str = "capture", **kw: Any
) -> Json:
    """A transaction scope: ids as strings, as BigCommerce sends them."""
    data = {
        "type": "transaction",
        "order_id": str(order_id),
        "transaction_id": str(transaction_id),
        "transaction_status": "complete",
        "transaction_type": transaction_type,
        "result": {"code": "captured", "message": "Captured", "type": "success"},
        "platform_transaction_id": str(transaction_id + 500000),
        "provider_transaction_id": f"PTX{transaction_id:010d}",
    }
    return webhook("store/order/transaction/created", data, **kw)


def body(payload: Any) -> bytes:
    """Compact JSON, as a webhook POST carries it."""
    return orjson.dumps(payload)


def headers(secret: str, *, bearer: bool = False) -> dict[str, str]:
    """The headers of a delivery from a hook created with our secret header (or, with
    ``bearer``, with ``Authorization: Bearer <secret>``)."""
    found = {"Content-Type": "application/json", "Accept": "*/*"}
    if bearer:
        return {**found, "Authorization": f"Bearer {secret}"}
    return {**found, SECRET_HEADER: secret}
