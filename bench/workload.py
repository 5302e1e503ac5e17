"""The bench's workload: fresh, unique, signed webhooks from the platform simulators, a
configured database to send them to, and the small statistics helpers the report uses.

Mix: three Shopify ``orders/paid`` to one Stripe ``charge.succeeded``. The Stripe charge
carries its balance transaction expanded (as ``expand[]=balance_transaction`` renders it), so
no event needs a REST look-up and the load is verify + inbox + posting, not the stand-in.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from ledgerbridge.demo.day import PRODUCTS, Secrets, Webhook
from ledgerbridge.demo.run import configure
from ledgerbridge.domain.money import to_minor
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database

MIX = "3 Shopify orders/paid : 1 Stripe charge.succeeded (balance txn expanded, no look-up)"
SHOP = "demo.myshopify.com"
_ids = itertools.count(1)  # unique order ids across the whole run


def make_hooks(keys: Secrets, n: int, *, currency: str = "EUR", seed: int = 7) -> list[Webhook]:
    """``n`` fresh webhooks, every one with new platform ids, so each one posts."""
    rng = random.Random(seed)
    run = int(time.time()) % 100_000
    hooks: list[Webhook] = []
    for i in range(n):
        order_id = run * 1_000_000 + next(_ids)
        at = datetime.now(UTC)
        lines = [shopify.Line(name, price, rng.randint(1, 3))
                 for name, price in rng.sample(PRODUCTS, rng.randint(1, 3))]
        if i % 4 != 3:
            doc = shopify.order(order_id, lines=lines, currency=currency, shipping="4.90",
                                tax_rate="0.19", taxes_included=True,
                                payment_gateway_names=("stripe",), created_at=at)
            raw = shopify.body(doc)
            headers = shopify.headers("orders/paid", raw, keys.shopify, f"wh-paid-{order_id}",
                                      SHOP, at)
            hooks.append(Webhook("shopify", raw, headers, "orders/paid"))
        else:
            total = sum((Decimal(x.price) * x.quantity for x in lines), Decimal("4.90"))
            created = int(at.timestamp())
            charge, txn = stripe.captured_charge(amount=to_minor(total, currency),
                                                 currency=currency, created=created,
                                                 order_id=str(order_id))
            charge["balance_transaction"] = txn  # expanded: nothing to look up
            raw = stripe.encode(stripe.charge_succeeded(charge, created=created))
            hooks.append(Webhook("stripe", raw, stripe.sign(raw, keys.stripe, created),
                                 "charge.succeeded"))
    return hooks


def prepare(url: str, standin_url: str) -> tuple[Database, Secrets]:
    """Migrate a fresh database and create the demo's three sources (ledger ``default``)."""
    db = Database(url)
    db.migrate()
    return db, configure(db, standin_url, "EUR")


@dataclass
class Stats:
    """Latencies in seconds."""

    values: list[float]

    def q(self, quantile: float) -> float:
        ordered = sorted(self.values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    def ms(self, quantile: float) -> str:
        return f"{self.q(quantile) * 1000:8.2f}" if self.values else "       -"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A plain text table."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = "  ".join("-" * w for w in widths)
    out = [title, line, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    out.append(line)
    return "\n".join(out)
