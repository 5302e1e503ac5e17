"""WooCommerce line builders for the simulator: order lines, shipping, fees and the
negative copies a refund carries, with WooCommerce's own number formats."""

from __future__ import annotations

from decimal import Decimal

from orjson import Fragment

from ledgerbridge.domain.money import exponent, round_half_up
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.simulate_json import number


def line_item(
    item_id: int,
    *,
    name: str = "Widget",
    quantity: int = 1,
    unit_price: str = "10.00",
    discount: str = "0",
    tax_rate: str = "0",
    tax_rate_id: int = 1,
    product_id: int | None = None,
    sku: str = "",
    currency: str = "USD",
) -> Json:
    """An order line: ``subtotal`` before the coupon ``discount``, ``total`` after, no tax."""
    subtotal = _round(Decimal(unit_price) * quantity, currency)
    total = subtotal - _round(Decimal(discount), currency)
    rate = Decimal(tax_rate) / 100
    taxes = [{"id": tax_rate_id, "total": _raw(total * rate), "subtotal": _raw(subtotal * rate)}]
    return {
        "id": item_id,
        "name": name,
        "product_id": product_id or item_id + 100,
        "variation_id": 0,
        "quantity": quantity,
        "tax_class": "",
        "subtotal": _fmt(subtotal, currency),
        "subtotal_tax": _fmt(subtotal * rate, currency),
        "total": _fmt(total, currency),
        "total_tax": _fmt(total * rate, currency),
        "taxes": taxes if rate else [],
        "meta_data": [],
        "sku": sku,
        "price": _number(total / quantity),
        "image": {"id": "", "src": ""},
        "parent_name": None,
    }


def shipping_line(
    line_id: int,
    *,
    total: str = "5.00",
    tax_rate: str = "0",
    tax_rate_id: int = 1,
    method_id: str = "flat_rate",
    method_title: str = "Flat rate",
    currency: str = "USD",
) -> Json:
    amount = _round(Decimal(total), currency)
    rate = Decimal(tax_rate) / 100
    return {
        "id": line_id,
        "method_title": method_title,
        "method_id": method_id,
        "instance_id": "1",
        "total": _fmt(amount, currency),
        "total_tax": _fmt(amount * rate, currency),
        "taxes": [{"id": tax_rate_id, "total": _raw(amount * rate), "subtotal": ""}]
        if rate
        else [],
        "meta_data": [],
    }


def fee_line(
    line_id: int,
    *,
    name: str = "Fee",
    total: str = "1.00",
    tax_rate: str = "0",
    tax_rate_id: int = 1,
    currency: str = "USD",
) -> Json:
    amount = _round(Decimal(total), currency)
    rate = Decimal(tax_rate) / 100
    return {
        "id": line_id,
        "name": name,
        "tax_class": "",
        "tax_status": "taxable" if rate else "none",
        "amount": _fmt(amount, currency),
        "total": _fmt(amount, currency),
        "total_tax": _fmt(amount * rate, currency),
        "taxes": [{"id": tax_rate_id, "total": _raw(amount * rate), "subtotal": ""}]
        if rate
        else [],
        "meta_data": [],
    }


def refund_line(
    item: Json, *, quantity: int | None = None, line_id: int | None = None, currency: str = "USD"
) -> Json:
    """The negative copy of an order line that a refund of ``quantity`` of it carries."""
    count = quantity or item["quantity"]
    share = Decimal(count) / Decimal(item["quantity"])

    def part(field: str) -> Decimal:
        return -_round(Decimal(item[field]) * share, currency)

    total = part("total")
    taxes = [
        {
            "id": t["id"],
            "total": _raw(-Decimal(t["total"]) * share),
            "subtotal": _raw(-Decimal(t["subtotal"] or 0) * share),
        }
        for t in item["taxes"]
    ]
    return {
        "id": line_id or item["id"] + 1000,
        "name": item["name"],
        "product_id": item["product_id"],
        "variation_id": 0,
        "quantity": -count,
        "tax_class": "",
        "subtotal": _fmt(part("subtotal"), currency),
        "subtotal_tax": _fmt(part("subtotal_tax"), currency),
        "total": _fmt(total, currency),
        "total_tax": _fmt(part("total_tax"), currency),
        "taxes": taxes,
        "sku": item["sku"],
        "price": _number(total / count),
        "meta_data": [
            {
                "id": item["id"] + 2000,
                "key": "_refunded_item_id",
                "value": str(item["id"]),
                "display_key": "_refunded_item_id",
                "display_value": str(item["id"]),
            }
        ],
    }


def refund_shipping(line: Json, *, line_id: int | None = None, currency: str = "USD") -> Json:
    """The negative copy of an order's shipping line (a shipping refund)."""
    return {
        "id": line_id or line["id"] + 1000,
        "method_title": line["method_title"],
        "method_id": line["method_id"],
        "instance_id": line["instance_id"],
        "total": _fmt(-Decimal(line["total"]), currency),
        "total_tax": _fmt(-Decimal(line["total_tax"]), currency),
        "taxes": [
            {"id": t["id"], "total": _raw(-Decimal(t["total"])), "subtotal": ""}
            for t in line["taxes"]
        ],
        "meta_data": [],
    }


def _round(value: Decimal, currency: str) -> Decimal:
    return round_half_up(value, currency)


def _fmt(value: Decimal | int, currency: str) -> str:
    return f"{round_half_up(Decimal(value), currency):.{exponent(currency)}f}"


def _raw(value: Decimal) -> str:
    """An unrounded tax as WooCommerce prints it: 6 decimals at most, zeros trimmed."""
    text = f"{value.quantize(Decimal('0.000001')):f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _number(value: Decimal) -> int | Fragment:
    """A JSON number, as PHP floats are printed (wire format only; never money here)."""
    return number(value)
