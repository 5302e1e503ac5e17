"""The bench's workload: fresh, unique, signed webhooks from the platform simulators, a
configured database to send them to, and the small statistics helpers the report uses.

Mix: three Shopify ``orders/paid`` to one Stripe ``charge.succeeded``. The Stripe charge
carries its balance transaction expanded (as ``expand[]=balance_transaction`` renders it), so
no event needs a REST look-up and the load is verify + inbox + posting, not the stand-in.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from ledgerbridge.demo.day import PRODUCTS, Secrets, Webhook
from ledgerbridge.demo.run import configure, free_port
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


class ServeProcess:
    """``ledgerbridge serve`` in its own process (its own GIL) on a loopback port."""

    def __init__(self, db_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).parent / "ledgerbridge"
        env = {**os.environ, "LEDGERBRIDGE_DATABASE_URL": db_url}
        self.proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port)], env=env)

    def __enter__(self) -> ServeProcess:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("ledgerbridge serve did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


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
