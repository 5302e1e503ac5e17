"""``ledgerbridge``: serve, init, demo, replay, source, apikey."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from ledgerbridge.cli import (
    apikey,
    backfill,
    bank_rule,
    export,
    mapping,
    rates,
    source,
    statement,
    user,
)
from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Stores and gateways to a balanced general ledger.")
app.add_typer(source.app, name="source")
app.add_typer(apikey.app, name="apikey")
app.add_typer(user.app, name="user")
app.add_typer(rates.app, name="rates")
app.add_typer(mapping.app, name="mapping")
app.add_typer(statement.app, name="statement")
app.add_typer(bank_rule.app, name="bank-rule")
app.command("backfill")(backfill.command)
app.command("export")(export.command)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(fn: F) -> F:
    """One clear line on stderr and a non-zero exit for a ledgerbridge error."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LedgerbridgeError as exc:
            err.print(f"error: {exc.message}", markup=False, highlight=False)
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def database() -> Database:
    return Database(Settings().database_url)


@app.command()
@fails_cleanly
def init(
    base_currency: str = typer.Option("EUR", help="The ledger's base currency"),
    timezone: str = typer.Option("UTC", help="The ledger's IANA time zone (an event's date)"),
    rates: bool = typer.Option(True, help="Load the offline ECB history into the rate store"),
) -> None:
    """Create the schema and ledger `default` with the retail chart (safe to run twice), and
    load the ECB reference rates shipped offline (no network needed)."""
    from ledgerbridge.service.rates import load_offline
    from ledgerbridge.service.setup import init as do_init

    db = database()
    created = do_init(db, base_currency, timezone=timezone)
    print("ledger default created" if created else "ledger default already exists")
    if rates:
        loaded = load_offline(db)
        print(
            "offline ECB rates already loaded"
            if loaded.skipped
            else f"{loaded.rows} offline ECB reference rates loaded"
        )


@app.command()
@fails_cleanly
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the HTTP service against LEDGERBRIDGE_DATABASE_URL."""
    import uvicorn

    settings = Settings()
    Database(settings.database_url).migrate()
    uvicorn.run(
        "ledgerbridge.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command()
@fails_cleanly
def demo(
    base_currency: str = typer.Option("EUR", help="The demo ledger's base currency"),
    orders: int = typer.Option(300, help="Orders in the demo day"),
    directory: str = typer.Option("ledgerbridge-demo", help="Where the demo SQLite file goes"),
    seed: int = typer.Option(7, help="Random seed of the demo day"),
    serve: bool = typer.Option(False, help="Keep serving the demo ledger and its dashboard"),
    port: int = typer.Option(8000, help="The port --serve listens on (127.0.0.1)"),
) -> None:
    """A realistic day of signed webhooks over real HTTP into a fresh SQLite ledger, its bank
    statement reconciled, and a dashboard user to look at it with."""
    from ledgerbridge.demo.run import run_demo

    sys.exit(
        run_demo(
            base_currency=base_currency,
            orders=orders,
            directory=directory,
            seed=seed,
            serve_port=port if serve else None,
        )
    )


@app.command()
@fails_cleanly
def replay(
    targets: list[str] = typer.Argument(
        None, help="A JSON-lines FILE of saved payloads, or event ids (default: every failed)"
    ),
    source_id: str = typer.Option(None, "--source", help="Only this source's failed events"),
) -> None:
    """Post saved payloads from FILE, or kept events again (after the cause of a failure is
    fixed). One line of output per payload or event; exit 1 if any failed."""
    from pathlib import Path

    from ledgerbridge.service import replay as service
    from ledgerbridge.service.replay_file import replay_lines

    db = database()
    if targets and len(targets) == 1 and Path(targets[0]).is_file():
        bad = 0
        for row in replay_lines(db, Path(targets[0])):
            bad += row.status in ("failed", "invalid", "error")
            print(
                f"line {row.line}\t{row.source or '-'}\t{row.status}\t{row.event_id or '-'}"
                f"\t{row.error or ''}"
            )
        if bad:
            raise typer.Exit(1)
        return
    results = (
        [service.replay(db, e) for e in targets]
        if targets
        else service.replay_many(db, "failed", source_id)
    )
    for r in results:
        print(f"{r.event_id}\t{r.status}\t{r.error or ''}")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


@app.command()
@fails_cleanly
def revalue(
    period: str = typer.Option(..., help="The period to close, YYYY-MM"),
    ledger: str = typer.Option("default"),
) -> None:
    """Revalue open foreign-currency balances at the period's closing rate (reversed next day)."""
    from ledgerbridge.service.revalue import revalue as run

    for r in run(database(), ledger, period):
        print(
            f"{r.account}\t{r.balance} {r.currency}\tcarried {r.carried}\tat close "
            f"{r.revalued}\tdifference {r.difference}\t{r.entry_id or 'no entry'}"
        )


@app.command()
@fails_cleanly
def reconcile(ledger: str = typer.Option("default")) -> None:
    """Match payouts to bank deposits and open discrepancies for what does not match."""
    from ledgerbridge.service.reconcile import run

    result = run(database(), ledger, trigger="cli")
    print(
        f"run {result['id']}: {result['matched']} matched, "
        f"{result['discrepancies_opened']} discrepancies opened"
    )
