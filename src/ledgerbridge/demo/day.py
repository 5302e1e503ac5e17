"""A realistic trading day as the platforms would deliver it: signed webhooks in their own
wire formats, plus the REST documents the adapters look up (served by the stand-in).

One WooCommerce and one Shopify store take card payments through one Stripe account. Every
order is paid by a Stripe charge of the same total; some are refunded in part or in full on
both sides; one charge is disputed; at the end Stripe pays out the net balance. A WooCommerce
order is delivered several times (created, then updated as it moves on), as WooCommerce does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.money import round_half_up, to_minor
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.sources.woocommerce import simulate as woo

TAX_RATES = ("19", "7")
PRODUCTS = (
    ("Linen shirt", "49.90"),
    ("Canvas tote", "19.90"),
    ("Wool scarf", "34.50"),
    ("Leather belt", "39.00"),
    ("Cotton socks", "8.90"),
    ("Rain jacket", "129.00"),
    ("Sun hat", "24.00"),
    ("Notebook", "6.50"),
)


@dataclass(frozen=True, slots=True)
class Webhook:
    source: str
    body: bytes
    headers: dict[str, str]
    kind: str


@dataclass
class Day:
    """The deliveries, in the order they are sent, and the stand-in's documents."""

    webhooks: list[Webhook] = field(default_factory=list)
    documents: list[tuple[str, Any, dict[str, str] | None]] = field(default_factory=list)
    orders: int = 0
    refunds: int = 0
    gross: Decimal = Decimal(0)
    payout_id: str = ""
    payout_minor: int = 0
    payout_arrival: datetime | None = None


@dataclass(frozen=True, slots=True)
class Secrets:
    stripe: str
    shopify: str
    woo: str


@dataclass
class _Stripe:
    secret: str
    currency: str
    txns: list[dict[str, Any]] = field(default_factory=list)
    balance: int = 0


def build_day(
    secrets: Secrets, *, orders: int, currency: str, seed: int, day: datetime | None = None
) -> Day:
    rng = random.Random(seed)
    start = day or datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    out = Day()
    pay = _Stripe(secrets.stripe, currency)
    charges: list[dict[str, Any]] = []
    for n in range(orders):
        at = start + timedelta(seconds=n * 50_000 // max(orders, 1))
        if n % 2 == 0:
            total, refund_total = _woo_order(out, rng, secrets.woo, currency, 5000 + n, at)
        else:
            total, refund_total = _shopify_order(out, rng, secrets.shopify, currency, 7000 + n, at)
        charge = _charge(out, pay, total, at, order=str(n))
        charges.append(charge)
        if refund_total:
            _stripe_refund(out, pay, charge, refund_total, at + timedelta(hours=2))
        out.orders += 1
        out.gross += total
    _dispute(out, pay, rng.choice(charges), start + timedelta(hours=15))
    _payout(out, pay, start + timedelta(hours=16))
    return out


def _items(rng: random.Random) -> list[tuple[str, str, int]]:
    return [(*rng.choice(PRODUCTS), rng.randint(1, 3)) for _ in range(rng.randint(1, 4))]


def _woo_order(
    out: Day, rng: random.Random, secret: str, currency: str, order_id: int, at: datetime
) -> tuple[Decimal, Decimal]:
    rate = rng.choice(TAX_RATES)
    coupon = rng.random() < 0.25
    lines = []
    for i, (name, price, qty) in enumerate(_items(rng)):
        discount = round_half_up(Decimal(price) * qty * Decimal("0.10"), currency) if coupon else 0
        lines.append(
            woo.line_item(
                order_id * 10 + i,
                name=name,
                quantity=qty,
                unit_price=price,
                discount=str(discount),
                tax_rate=rate,
                currency=currency,
            )
        )
    ship = [woo.shipping_line(order_id * 10 + 9, total="4.90", tax_rate=rate, currency=currency)]
    common: dict[str, Any] = {
        "currency": currency,
        "line_items": lines,
        "shipping_lines": ship,
        "coupons": ("SPRING10",) if coupon else (),
        "date_created_gmt": at,
        "payment_method": "stripe",
    }
    first = woo.order(order_id, status="processing", date_modified_gmt=at, **common)
    _woo_send(out, secret, "order.created", first)
    later = at + timedelta(minutes=rng.randint(5, 90))
    _woo_send(
        out,
        secret,
        "order.updated",
        woo.order(
            order_id, status="completed", date_modified_gmt=later, date_paid_gmt=at, **common
        ),
    )
    total = Decimal(first["total"])
    roll = rng.random()
    if roll > 0.10:
        return total, Decimal(0)
    if roll < 0.04:
        doc = woo.refund(
            order_id * 10 + 7,
            order_id=order_id,
            amount=str(total),
            line_items=[woo.refund_line(x, currency=currency) for x in lines],
            shipping_lines=[woo.refund_shipping(s, currency=currency) for s in ship],
            currency=currency,
            date_created_gmt=later + timedelta(hours=1),
        )
        status = "refunded"
    else:
        doc = woo.refund(
            order_id * 10 + 7,
            order_id=order_id,
            line_items=[woo.refund_line(lines[0], quantity=1, currency=currency)],
            currency=currency,
            date_created_gmt=later + timedelta(hours=1),
        )
        status = "completed"
    out.documents.append((f"/wp-json/wc/v3/orders/{order_id}/refunds", [doc], None))
    refunded = woo.order(
        order_id,
        status=status,
        refunds=[doc],
        date_paid_gmt=at,
        date_modified_gmt=later + timedelta(hours=1),
        **common,
    )
    _woo_send(out, secret, "order.updated", refunded)
    out.refunds += 1
    return total, Decimal(doc["amount"])


def _woo_send(out: Day, secret: str, topic: str, payload: dict[str, Any]) -> None:
    raw = woo.body(payload)
    out.webhooks.append(Webhook("woo", raw, woo.headers(topic, raw, secret), topic))


def _shopify_order(
    out: Day, rng: random.Random, secret: str, currency: str, order_id: int, at: datetime
) -> tuple[Decimal, Decimal]:
    lines = [shopify.Line(name, price, qty) for name, price, qty in _items(rng)]
    value = sum((Decimal(x.price) * x.quantity for x in lines), Decimal(0))
    discount = round_half_up(value * Decimal("0.15"), currency) if rng.random() < 0.2 else 0
    doc = shopify.order(
        order_id,
        lines=lines,
        currency=currency,
        shipping="4.90",
        tax_rate=str(Decimal(rng.choice(TAX_RATES)) / 100),
        taxes_included=True,
        discount=str(discount),
        payment_gateway_names=("stripe",),
        created_at=at,
    )
    _shopify_send(out, secret, "orders/paid", doc, f"wh-paid-{order_id}", at)
    total = Decimal(doc["total_price"])
    if rng.random() > 0.08:
        return total, Decimal(0)
    first = doc["line_items"][0]["id"]
    full = rng.random() < 0.4
    refund = shopify.refund(
        doc,
        order_id * 10 + 3,
        quantities=None if full else {first: 1},
        shipping="4.90" if full else "0",
        gateway="stripe",
        created_at=at + timedelta(hours=3),
    )
    _shopify_send(
        out, secret, "refunds/create", refund, f"wh-refund-{order_id}", at + timedelta(hours=3)
    )
    out.refunds += 1
    paid_back = sum((Decimal(t["amount"]) for t in refund["transactions"]), Decimal(0))
    return total, paid_back


def _shopify_send(
    out: Day, secret: str, topic: str, payload: dict[str, Any], webhook_id: str, at: datetime
) -> None:
    raw = shopify.body(payload)
    out.webhooks.append(
        Webhook(
            "shopify",
            raw,
            shopify.headers(topic, raw, secret, webhook_id, "demo.myshopify.com", at),
            topic,
        )
    )


def _stripe_send(out: Day, pay: _Stripe, event: dict[str, Any]) -> None:
    raw = stripe.encode(event)
    now = int(datetime.now(UTC).timestamp())
    out.webhooks.append(Webhook("stripe", raw, stripe.sign(raw, pay.secret, now), event["type"]))


def _charge(out: Day, pay: _Stripe, total: Decimal, at: datetime, order: str) -> dict[str, Any]:
    amount = to_minor(total, pay.currency)
    charge, txn = stripe.captured_charge(
        amount=amount, currency=pay.currency, created=int(at.timestamp()), order_id=order
    )
    out.documents.append((f"/v1/balance_transactions/{txn['id']}", txn, None))
    pay.txns.append(txn)
    pay.balance += txn["net"]
    _stripe_send(out, pay, stripe.charge_succeeded(charge, created=int(at.timestamp())))
    return charge


def _stripe_refund(
    out: Day, pay: _Stripe, charge: dict[str, Any], total: Decimal, at: datetime
) -> None:
    amount = to_minor(total, pay.currency)
    txn = stripe.balance_transaction(
        amount=-amount,
        currency=pay.currency,
        source="re_demo",
        fee=0,
        type="refund",
        created=int(at.timestamp()),
    )
    refund = stripe.refund(
        charge_id=charge["id"],
        amount=amount,
        currency=pay.currency,
        balance_transaction=txn["id"],
        created=int(at.timestamp()),
    )
    out.documents.append((f"/v1/balance_transactions/{txn['id']}", txn, None))
    pay.txns.append(txn)
    pay.balance -= amount
    _stripe_send(out, pay, stripe.charge_refunded(charge, [refund], created=int(at.timestamp())))


def _dispute(out: Day, pay: _Stripe, charge: dict[str, Any], at: datetime) -> None:
    dispute_id = stripe.new_id("du_")
    txn = stripe.dispute_transaction(
        dispute_id=dispute_id,
        amount=-charge["amount"],
        currency=pay.currency,
        fee=1500,
        created=int(at.timestamp()),
    )
    du = stripe.dispute(
        charge_id=charge["id"],
        amount=charge["amount"],
        currency=pay.currency,
        dispute_id=dispute_id,
        balance_transactions=[txn],
        created=int(at.timestamp()),
    )
    pay.txns.append(txn)
    pay.balance += txn["net"]
    _stripe_send(out, pay, stripe.dispute_created(du, created=int(at.timestamp())))


def _payout(out: Day, pay: _Stripe, at: datetime) -> None:
    po = stripe.payout(
        amount=pay.balance,
        currency=pay.currency,
        arrival_date=int((at + timedelta(days=2)).timestamp()),
        created=int(at.timestamp()),
    )
    out.documents.append(
        (
            "/v1/balance_transactions",
            stripe.balance_transaction_page(pay.txns),
            {"payout": po["id"]},
        )
    )
    _stripe_send(out, pay, stripe.payout_paid(po, created=int(at.timestamp())))
    out.payout_id, out.payout_minor = str(po["id"]), int(pay.balance)
    out.payout_arrival = at + timedelta(days=2)
