"""refunds/create -> Refund (or Noted when no money moved), pure.

Booked in SHOP money, like the Sale: goods, tax and shipping from the ``*_set.shop_money``
side (else the plain fields), the total from the successful refund transactions
(``amount_set.shop_money`` when given; REST transactions otherwise carry the presentment
amount, converted at the refund's own shop/presentment ratio). Signs: Shopify gives
``order_adjustments`` of kind ``shipping_refund`` as negative amounts; the Refund has them
positive. What the total holds beyond goods + shipping + tax (a ``refund_discrepancy``
adjustment, a manual amount, tax already inside a tax-inclusive ``subtotal``) is left to the
posting rule, which books it with the goods as sales returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import Noted, Refund
from ledgerbridge.domain.money import round_half_up
from ledgerbridge.sources.base import Envelope, Json, SourceConfig
from ledgerbridge.sources.shopify.fields import (
    SHOP,
    amount,
    currency_code,
    first_time,
    ident,
    items,
    pick,
    quantity,
    side,
    tax_sum,
)

_ZERO = Decimal(0)


def refund_events(refund: Json, envelope: Envelope, config: SourceConfig) -> Refund | Noted:
    refund_id, order_id = ident(refund, "id"), ident(refund, "order_id")
    occurred_at = first_time(refund, "created_at", "processed_at") or envelope.occurred_at
    if occurred_at is None:
        raise MalformedPayloadError("created_at: missing", field="created_at")
    key = f"{config.id}:refund:{refund_id}"
    paid = [
        (i, t)
        for i, t in enumerate(items(refund, "transactions"))
        if t.get("kind") == "refund" and t.get("status") == "success"
    ]
    if not paid:
        return Noted(
            key=key,
            reference=refund_id,
            occurred_at=occurred_at,
            currency=_any_currency(refund),
            note=f"refund {refund_id} of order {order_id} moved no money "
            "(no successful refund transaction: restock or pending)",
        )
    amounts = [_transaction_money(t, f"transactions[{i}].") for i, t in paid]
    paid_in = amounts[0][1]
    if any(code != paid_in for _, code in amounts):
        raise MalformedPayloadError(
            "transactions: refund transactions in several currencies", field="transactions"
        )
    paid_total = sum((a for a, _ in amounts), _ZERO)
    cur = _shop_currency(refund) or paid_in
    goods, shipping, tax = _components(refund, cur)
    total = paid_total if cur == paid_in else _to_shop(refund, paid_total, paid_in, cur)
    return Refund(
        key=key,
        reference=refund_id,
        occurred_at=occurred_at,
        currency=cur,
        order_reference=order_id,
        goods=goods,
        shipping=shipping,
        tax=tax,
        total=total,
        gateway=str(paid[0][1]["gateway"]) if paid[0][1].get("gateway") else None,
    )


def _components(refund: Json, cur: str) -> tuple[Decimal, Decimal, Decimal]:
    """(goods, shipping, tax) of the refund in ``cur``."""
    goods = tax = shipping = _ZERO
    for i, rli in enumerate(items(refund, "refund_line_items")):
        line_goods, line_tax = _line(rli, cur, f"refund_line_items[{i}].")
        goods += line_goods
        tax += line_tax
    for i, adj in enumerate(items(refund, "order_adjustments")):
        if adj.get("kind") == "shipping_refund":
            where = f"order_adjustments[{i}]."
            shipping -= pick(adj, "amount", cur, where)
            tax -= pick(adj, "tax_amount", cur, where, default=_ZERO)
    return goods, shipping, tax


def _to_shop(refund: Json, paid: Decimal, paid_in: str, shop: str) -> Decimal:
    """REST refund transactions carry the presentment amount. Convert it to shop money at
    the refund's own rate: its lines and adjustments in shop over presentment money."""
    in_shop, in_paid = sum(_components(refund, shop)), sum(_components(refund, paid_in))
    if in_paid == 0:
        raise MalformedPayloadError(
            f"transactions: refund paid in {paid_in} with no shop-money amount in {shop}",
            field="transactions",
        )
    return round_half_up(paid * in_shop / in_paid, shop)


def _shop_currency(refund: Json) -> str | None:
    """The shop currency, as the ``*_set.shop_money`` of any line or adjustment gives it."""
    for rli in items(refund, "refund_line_items"):
        found = side(rli, "subtotal", SHOP, "refund_line_items[].")
        if found is not None:
            return found[1]
    for adj in items(refund, "order_adjustments"):
        found = side(adj, "amount", SHOP, "order_adjustments[].")
        if found is not None:
            return found[1]
    return None


def _transaction_money(txn: Json, where: str) -> tuple[Decimal, str]:
    found = side(txn, "amount", SHOP, where)
    if found is not None:
        return found
    code = currency_code(txn.get("currency"), f"{where}currency")
    return amount(txn.get("amount"), code, f"{where}amount"), code


def _line(rli: Json, cur: str, where: str) -> tuple[Decimal, Decimal]:
    """(goods, tax) of one refund line: its ``subtotal``/``total_tax`` when given, else the
    refunded share of the line item's price, discount allocations and tax lines."""
    has_subtotal = "subtotal" in rli or "subtotal_set" in rli
    has_tax = "total_tax" in rli or "total_tax_set" in rli
    if has_subtotal and has_tax:
        return pick(rli, "subtotal", cur, where), pick(rli, "total_tax", cur, where)
    line = rli.get("line_item")
    if not isinstance(line, Mapping):
        raise MalformedPayloadError(
            f"{where}subtotal: missing (and no line_item)", field=f"{where}subtotal"
        )
    refunded, ordered = quantity(rli, where), quantity(line, f"{where}line_item.")
    share = Decimal(refunded) / ordered if ordered else _ZERO
    if has_subtotal:
        goods = pick(rli, "subtotal", cur, where)
    else:
        price = pick(line, "price", cur, f"{where}line_item.")
        goods = price * refunded - round_half_up(_allocated(line, cur, where) * share, cur)
    if has_tax:
        tax = pick(rli, "total_tax", cur, where)
    else:
        tax = round_half_up(tax_sum(line, cur, f"{where}line_item.") * share, cur)
    return goods, tax


def _allocated(line: Mapping[str, Any], cur: str, where: str) -> Decimal:
    return sum(
        (
            pick(a, "amount", cur, f"{where}line_item.discount_allocations[{i}].")
            for i, a in enumerate(items(line, "discount_allocations"))
        ),
        _ZERO,
    )


def _any_currency(refund: Json) -> str:
    """A currency for a Noted refund (it posts nothing): the shop currency, else any
    transaction's currency, else ISO 4217's "no currency"."""
    shop = _shop_currency(refund)
    if shop is not None:
        return shop
    for txn in items(refund, "transactions"):
        if isinstance(txn.get("currency"), str):
            return currency_code(txn["currency"], "transactions[].currency")
    return "XXX"
