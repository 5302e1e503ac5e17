"""Shopify Admin REST look-ups over the injected client (base_url = https://<shop domain>,
``X-Shopify-Access-Token`` already set).

Webhook payloads of orders/paid and refunds/create carry everything a Sale or Refund needs;
the one exception is an order paid partly by gift card, whose split between the gift card and
the gateway only the order's transactions show.
"""

from __future__ import annotations

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import Json, get_json

DEFAULT_API_VERSION = "2025-01"


def order_transactions(http: httpx.Client, order_id: str, api_version: str) -> list[Json]:
    """GET /admin/api/<version>/orders/<id>/transactions.json -> its ``transactions``."""
    path = f"/admin/api/{api_version}/orders/{order_id}/transactions.json"
    document = get_json(http, path)
    found = document.get("transactions") if isinstance(document, dict) else None
    if not isinstance(found, list):
        raise LookupFailedError(f"look-up {path} returned no transactions list", path=path)
    return found
