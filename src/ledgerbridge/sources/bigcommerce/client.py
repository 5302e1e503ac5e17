"""BigCommerce REST look-ups over the injected client (base URL
``https://api.bigcommerce.com/stores/{store_hash}``, ``X-Auth-Token`` already set).

    store/order/created|updated|statusUpdated  GET /v2/orders/{id}               -> "order"
    store/order/refund/created                 GET /v2/orders/{id}               -> "order"
                                               GET /v3/orders/{id}/payment_actions/refunds
                                                                                 -> "refunds"
V3 sends money as JSON numbers. The response text is parsed here with
``json.loads(parse_float=Decimal)``, never through a float, and every such number is kept as
its exact decimal string, so the look-ups stored with the event are plain JSON and read back
the same on replay. V3 lists are read fully (``page`` / ``limit``, ``meta.pagination``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import Json

PAGE_LIMIT = 250
MAX_PAGES = 40


def order(http: httpx.Client, order_id: int) -> Json:
    """The V2 order (amounts as 4-decimal strings)."""
    path = f"/v2/orders/{order_id}"
    doc = get_exact(http, path)
    if not isinstance(doc, dict):
        raise LookupFailedError(f"look-up {path} did not answer an order object", path=path)
    return doc


def order_refunds(http: httpx.Client, order_id: int) -> list[Json]:
    """Every refund of the order, in the order the V3 API lists them (all pages)."""
    path = f"/v3/orders/{order_id}/payment_actions/refunds"
    found: list[Json] = []
    for page in range(1, MAX_PAGES + 1):
        doc = get_exact(http, path, {"page": str(page), "limit": str(PAGE_LIMIT)})
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise LookupFailedError(f"look-up {path} did not answer a list of refunds", path=path)
        found.extend(data)
        if not data or page >= _total_pages(doc):
            return found
    raise LookupFailedError(f"look-up {path} has more than {MAX_PAGES} pages", path=path)


def get_exact(http: httpx.Client, path: str, params: Mapping[str, str] | None = None) -> Any:
    """GET a document; JSON numbers with a fraction become exact decimal strings. Any
    transport, status or parse failure becomes LookupFailedError (no secret in it)."""
    try:
        response = http.get(path, params=params)
        response.raise_for_status()
        return parse_exact(response.content)
    except (httpx.HTTPError, ValueError) as exc:
        raise LookupFailedError(f"look-up {path} failed: {exc}", path=path) from None


def parse_exact(content: bytes) -> Any:
    """JSON text -> plain JSON values, each number with a fraction as its exact decimal
    string ("32.39"), integers as int; NaN / Infinity refused (ValueError)."""
    doc = json.loads(content, parse_float=Decimal, parse_constant=_no_constant)
    return _exact(doc)


def _total_pages(doc: Json) -> int:
    meta = doc.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    pages = pagination.get("total_pages") if isinstance(pagination, dict) else None
    return pages if isinstance(pages, int) and not isinstance(pages, bool) else 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _exact(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value
