"""Look-ups on a WooCommerce site's REST API (wc/v3) over the injected, authenticated client."""

from __future__ import annotations

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import Json, get_json

PER_PAGE = 100
MAX_PAGES = 50


def order_refunds(http: httpx.Client, order_id: int) -> list[Json]:
    """Every refund of an order, newest first as WooCommerce lists them (all pages)."""
    path = f"/wp-json/wc/v3/orders/{order_id}/refunds"
    refunds: list[Json] = []
    for page in range(1, MAX_PAGES + 1):
        params = (
            {"per_page": str(PER_PAGE)}
            if page == 1
            else {"per_page": str(PER_PAGE), "page": str(page)}
        )
        batch = get_json(http, path, params)
        if not isinstance(batch, list) or not all(isinstance(r, dict) for r in batch):
            raise LookupFailedError(f"look-up {path} did not answer a list of refunds", path=path)
        refunds.extend(batch)
        if len(batch) < PER_PAGE:
            return refunds
    raise LookupFailedError(f"look-up {path} has more than {MAX_PAGES} pages", path=path)
