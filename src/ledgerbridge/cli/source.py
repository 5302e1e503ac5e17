"""``ledgerbridge source add``."""

from __future__ import annotations

import json

import typer

from ledgerbridge.config import Settings
from ledgerbridge.service import setup
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Configure sources (stores and gateways).")


@app.command("add")
def add(
    source_id: str = typer.Argument(..., help="The source id used in /webhooks/{source_id}"),
    platform: str = typer.Option(..., help="shopify, woocommerce, stripe, ..."),
    webhook_secret: str = typer.Option(
        ..., envvar="LEDGERBRIDGE_WEBHOOK_SECRET", help="The platform's signing secret (write-only)"
    ),
    ledger: str = typer.Option("default"),
    credential: list[str] = typer.Option([], help="KEY=VALUE api credential (repeatable)"),
    settings: str = typer.Option("{}", help="Source settings as JSON"),
) -> None:
    """Add a source and its gateway clearing account."""
    from ledgerbridge.cli.main import fails_cleanly

    @fails_cleanly
    def run() -> None:
        creds = dict(c.split("=", 1) for c in credential)
        config = setup.add_source(
            Database(Settings().database_url),
            source_id=source_id,
            platform=platform,
            ledger=ledger,
            webhook_secret=webhook_secret,
            api_credentials=creds,
            settings=json.loads(settings),
        )
        print(
            f"source {config.id} added ({config.platform}, {config.role}); "
            f"webhook URL path: /webhooks/{config.id}"
        )

    run()
