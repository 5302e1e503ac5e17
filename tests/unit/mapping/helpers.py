"""Builders shared by the mapping tests: the chart, and a Shopify order with custom fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerbridge.domain.accounts import RETAIL_CHART, Role
from ledgerbridge.domain.events import Sale
from ledgerbridge.domain.journal import JournalEntry
from ledgerbridge.domain.posting import PostingContext, drafts_for, to_entry
from ledgerbridge.domain.posting.convert import IDENTITY
from ledgerbridge.mapping import CompiledMapping, validate
from ledgerbridge.sources.base import Envelope, SourceConfig
from ledgerbridge.sources.shopify.normalize import normalize
from ledgerbridge.sources.shopify.simulate import order

EXTRA = {"4010", "4020", "4030", "4110", "2110", "1100-shopify", "1100-pos"}
CHART = frozenset({a.code for a in RETAIL_CHART} | EXTRA)
DEFAULTS = {a.role: a.code for a in RETAIL_CHART if a.role is not None}
DEFAULTS[Role.GATEWAY_CLEARING] = "1100-shopify"


def shopify_order(
    order_id: int = 1,
    *,
    merchant: str | None = "WEB",
    country: str | None = "US",
    tags: str = "",
    test: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """A Shopify order as a store with a checkout extension sends it: note attributes carry
    the merchant code and the sales rep."""
    doc = order(order_id, **kwargs)
    doc["note_attributes"] = [{"name": "sales_rep", "value": "ana"}]
    if merchant is not None:
        doc["note_attributes"].append({"name": "merchant_code", "value": merchant})
    if country is not None:
        doc["shipping_address"] = {"country_code": country.lower(), "city": "Somewhere"}
    doc["tags"] = tags
    doc["test"] = test
    return doc


def compiled(document: dict[str, Any] | str) -> CompiledMapping:
    return validate(document, accounts=CHART)


def sale_of(payload: dict[str, Any], topic: str = "orders/paid") -> Sale:
    """The Sale the Shopify adapter makes of ``payload`` (what posting maps per event)."""
    config = SourceConfig("shopify", "shopify", "default", ("secret",))
    (event,) = normalize(Envelope(f"e{payload['id']}", topic, payload), {}, config)
    assert isinstance(event, Sale)
    return event


def post_sale(sale: Sale, accounts: Mapping[Role, str], clearing: str | None) -> JournalEntry:
    """Post ``sale`` with the mapped accounts (identity rate: the sale is in base currency)."""
    ctx = PostingContext(
        ledger="default",
        source="shopify",
        accounts=accounts,
        clearing=clearing or accounts[Role.GATEWAY_CLEARING],
    )
    draft = drafts_for(sale, ctx)
    assert draft is not None
    return to_entry(
        draft,
        ledger="default",
        source="shopify",
        base_currency=sale.currency,
        rate_for=lambda currency, day: IDENTITY,
        rounding_account=accounts[Role.ROUNDING],
    )
