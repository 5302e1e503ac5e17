"""Shopify's wire format for the simulator: money pairs, tax lines, line items.

Kept apart from simulate.py so the builders there read as the payloads they make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.money import round_half_up
from ledgerbridge.sources.simulate_json import number

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Line:
    """An order line: ``price`` per unit in shop currency (tax included when the order's
    ``taxes_included``); ``gift_card`` lines sell a gift card."""

    title: str
    price: str | Decimal
    quantity: int = 1
    gift_card: bool = False
    sku: str | None = None


def timestamp(at: datetime | None) -> str:
    return (at or datetime.now(UTC)).isoformat(timespec="seconds")


class Pair:
    """Shop and presentment amounts of one money field (presentment = shop x rate)."""

    def __init__(self, shop: str, presentment: str, rate: Decimal) -> None:
        self.shop, self.presentment, self.rate = shop, presentment, rate

    def q(self, value: Decimal) -> Decimal:
        return round_half_up(value, self.shop)

    def text(self, value: Decimal) -> str:
        return str(self.q(value))

    def other(self, value: Decimal) -> Decimal:
        return round_half_up(value * self.rate, self.presentment)

    def set(self, value: Decimal) -> Json:
        other = self.other(value)
        return {
            "shop_money": {"amount": self.text(value), "currency_code": self.shop},
            "presentment_money": {"amount": str(other), "currency_code": self.presentment},
        }

    def field(self, name: str, value: Decimal) -> Json:
        return {name: self.text(value), f"{name}_set": self.set(value)}


def tax_on(base: Decimal, rate: Decimal, included: bool, m: Pair) -> Decimal:
    return m.q(base * rate / (1 + rate) if included else base * rate)


def tax_lines(amount: Decimal, rate: Decimal, m: Pair) -> list[Json]:
    if rate == 0:
        return []
    # Shopify sends the rate as a JSON number; it is not money and ledgerbridge never reads it.
    return [
        {
            "title": "Sales Tax",
            "rate": number(rate),
            "channel_liable": False,
            **m.field("price", amount),
        }
    ]


def line_item(
    line_id: int, x: Line, allocated: Decimal, tax: Decimal, rate: Decimal, m: Pair
) -> Json:
    return {
        "id": line_id,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
        "title": x.title,
        "name": x.title,
        "sku": x.sku,
        "quantity": x.quantity,
        "current_quantity": x.quantity,
        "fulfillable_quantity": x.quantity,
        "product_id": line_id + 7000,
        "variant_id": line_id + 9000,
        "vendor": "ledgerbridge",
        "gift_card": x.gift_card,
        "taxable": not x.gift_card,
        "requires_shipping": not x.gift_card,
        "fulfillment_status": None,
        **m.field("price", Decimal(x.price)),
        **m.field("total_discount", allocated),
        "discount_allocations": [{"discount_application_index": 0, **m.field("amount", allocated)}]
        if allocated
        else [],
        "tax_lines": tax_lines(tax, rate, m) if not x.gift_card else [],
        "duties": [],
    }


def rate_of(order_doc: Mapping[str, Any]) -> Decimal:
    pair = order_doc["total_price_set"]
    shop = Decimal(pair["shop_money"]["amount"])
    return Decimal(pair["presentment_money"]["amount"]) / shop if shop else Decimal(1)
