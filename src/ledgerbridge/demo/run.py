"""``ledgerbridge demo``: a fresh SQLite ledger, three sources, the real HTTP server on a
loopback port, a day of signed webhooks sent over HTTP, then the books printed."""

from __future__ import annotations

import secrets
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from rich.console import Console
from rich.table import Table

from ledgerbridge.api.app import create_app
from ledgerbridge.config import Settings
from ledgerbridge.demo import bank
from ledgerbridge.demo.day import Day, Secrets, Webhook, build_day
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import access, bank_rules, journal, reconcile, setup, statements
from ledgerbridge.service.rates import load_offline
from ledgerbridge.store.database import Database

console = Console()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn in a thread on 127.0.0.1:<port>, stopped on exit."""

    def __init__(self, db: Database, port: int) -> None:
        config = uvicorn.Config(
            create_app(Settings(database_url=db.url), db),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def configure(db: Database, standin_url: str, base_currency: str) -> Secrets:
    setup.init(db, base_currency)
    keys = Secrets(
        stripe="whsec_" + secrets.token_hex(24),
        shopify=secrets.token_hex(32),
        woo=secrets.token_urlsafe(32),
    )
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret=keys.stripe,
        api_credentials={"secret_key": "sk_test_" + secrets.token_hex(12)},
        settings={"api_base_url": standin_url},
    )
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret=keys.shopify,
        api_credentials={"access_token": "shpat_" + secrets.token_hex(16)},
        settings={
            "shop_domain": "demo.myshopify.com",
            "api_base_url": standin_url,
            "gateway": {"stripe": "stripe", "*": "stripe"},
        },
    )
    setup.add_source(
        db,
        source_id="woo",
        platform="woocommerce",
        ledger="default",
        webhook_secret=keys.woo,
        api_credentials={
            "consumer_key": "ck_" + secrets.token_hex(20),
            "consumer_secret": "cs_" + secrets.token_hex(20),
        },
        settings={"api_base_url": standin_url, "gateway": "stripe"},
    )
    return keys


def send(url: str, webhooks: list[Webhook], concurrency: int) -> tuple[list[float], dict[str, int]]:
    """Send every webhook over HTTP, ``concurrency`` at a time; round-trip times and statuses."""
    timings: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    with httpx.Client(base_url=url, timeout=30) as client:

        def one(hook: Webhook) -> None:
            started = time.perf_counter()
            response = client.post(
                f"/webhooks/{hook.source}", content=hook.body, headers=hook.headers
            )
            elapsed = time.perf_counter() - started
            status = (
                response.json().get("status", str(response.status_code))
                if response.status_code == 200
                else str(response.status_code)
            )
            with lock:
                timings.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, webhooks))
    return timings, statuses


def books_and_bank(db: Database, day: Day, currency: str) -> tuple[str, str]:
    """The back office's side of the day: two expense accounts with bank rules, the bank
    statement imported (which reconciles), and a dashboard user. Returns its name and
    password."""
    setup.add_account(db, "default", "6300", "Rent", "expense", None)
    setup.add_account(db, "default", "6400", "Bank charges", "expense", None)
    bank_rules.add(db, "default", account="6300", text="RENT", actor="demo", name="rent")
    bank_rules.add(db, "default", account="6400", text="ACCOUNT FEE", actor="demo", name="fees")
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    statements.import_statement(db, bank.statement(day, currency, start), account="1000")
    password = secrets.token_urlsafe(12)
    access.create_user(db, "admin", password, "admin")
    return "admin", password


def run_demo(
    *, base_currency: str, orders: int, directory: str, seed: int, serve_port: int | None = None
) -> int:
    started = time.perf_counter()
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.db"
    for leftover in folder.glob("demo.db*"):
        leftover.unlink()
    db = Database(f"sqlite:///{path}")
    with StandIn() as standin:
        keys = configure(db, standin.url, base_currency)
        rates = load_offline(db)  # the ECB history shipped offline: no network needed
        api_key = setup.create_api_key(db, "demo")
        day = build_day(keys, orders=orders, currency=base_currency.upper(), seed=seed)
        for route, document, query in day.documents:
            standin.put(route, document, query)
        forged = Webhook(
            "stripe",
            day.webhooks[0].body,
            {**day.webhooks[0].headers, "Stripe-Signature": "t=1,v1=00"},
            "forged",
        )
        with Server(db, free_port()) as server:
            console.print(f"rate store: {rates.rows:,} ECB reference rates loaded offline")
            console.print(
                f"[bold]ledgerbridge demo[/]: {len(day.webhooks)} signed webhooks "
                f"({day.orders} orders, {day.refunds} refunds, 1 dispute, 1 payout) "
                f"-> {server.url}"
            )
            timings, statuses = send(server.url, [*day.webhooks[:-1], forged], concurrency=8)
            # The payout last, once every charge it itemises has been posted.
            last_t, last_s = send(server.url, day.webhooks[-1:], concurrency=1)
            timings += last_t
            for k, v in last_s.items():
                statuses[k] = statuses.get(k, 0) + v
            user, password = books_and_bank(db, day, base_currency.upper())
            report(db, server.url, api_key, timings, statuses, path)
            dashboard(db, user, password, serve_port)
    console.print(f"finished in {time.perf_counter() - started:.1f} s")
    balanced = journal.trial_balance(db, "default", None)["balanced"]
    if serve_port is not None:
        console.print(
            f"serving the demo ledger on http://127.0.0.1:{serve_port}/ui/ (Ctrl-C stops)"
        )
        uvicorn.run(
            create_app(Settings(database_url=db.url, catchup_interval_seconds=0), db),
            host="127.0.0.1",
            port=serve_port,
            log_level="warning",
        )
    return 0 if balanced else 1


def dashboard(db: Database, user: str, password: str, serve_port: int | None) -> None:
    found = reconcile.discrepancies(db, "default", "open", None)
    matched = reconcile.matches(db, "default", None)
    console.print(
        f"bank statement imported and reconciled: {len(matched)} matches, "
        f"{len(found)} open discrepancies"
    )
    port = serve_port or 8000
    how = "" if serve_port else f" (after the serve command above, or: {_command()} demo --serve)"
    console.print(
        f"  dashboard http://127.0.0.1:{port}/ui/  user [bold]{user}[/], password "
        f"[bold]{password}[/]{how}"
    )


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f} ms"


def report(
    db: Database, url: str, api_key: str, timings: list[float], statuses: dict[str, int], path: Path
) -> None:
    tb = journal.trial_balance(db, "default", None)
    table = Table(title=f"Trial balance ({tb['base_currency']})")
    for col in ("account", "role", "debit", "credit", "balance"):
        table.add_column(col, justify="right" if col in ("debit", "credit", "balance") else "left")
    for row in tb["rows"]:
        table.add_row(
            row["account"], row["role"] or "", row["debit"], row["credit"], row["balance"]
        )
    table.add_row("total", "", tb["total_debit"], tb["total_credit"], "", style="bold")
    console.print(table)
    console.print(f"balanced: [bold]{'yes' if tb['balanced'] else 'NO'}[/]")
    for account, balances in journal.clearing_balances(db, "default").items():
        shown = ", ".join(f"{v} {c}" for c, v in balances.items()) or "0"
        console.print(f"gateway clearing {account}: {shown}")
    console.print("webhooks: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    server_side = posting_latencies(db)
    console.print(
        f"posting latency (receipt to posting, server): median {_ms(server_side, 0.5)}, "
        f"p99 {_ms(server_side, 0.99)}; round trip (client): median "
        f"{_ms(timings, 0.5)}, p99 {_ms(timings, 0.99)}"
    )
    console.print(
        f"\nwhere to look next:\n  database  {path}\n"
        f"  serve it  LEDGERBRIDGE_DATABASE_URL=sqlite:///{path} {_command()} serve\n"
        f"  API       http://127.0.0.1:8000/api/v1/trial-balance  "
        f"(Authorization: Bearer {api_key})\n"
        f"  OpenAPI   http://127.0.0.1:8000/docs  (this run served {url})"
    )


def posting_latencies(db: Database) -> list[float]:
    from sqlalchemy import select

    from ledgerbridge.store.tables import events

    with db.read() as conn:
        rows = conn.execute(
            select(events.c.received_at, events.c.processed_at).where(events.c.status == "posted")
        ).all()
    return [(done - got).total_seconds() for got, done in rows if done and got]


def _command() -> str:
    """How to call ledgerbridge again: the script beside this interpreter (.venv/bin), shown
    relative to the working directory when it is below it."""
    script = Path(sys.executable).parent / "ledgerbridge"
    if not script.exists():
        return "ledgerbridge"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
