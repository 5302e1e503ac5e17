"""``ledgerbridge apikey create``."""

from __future__ import annotations

import typer

from ledgerbridge.config import Settings
from ledgerbridge.service import setup
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="API keys for /api/v1.")


@app.command("create")
def create(
    name: str = typer.Option(..., help="Who or what the key is for"),
    role: str = typer.Option(
        "admin",
        help="What a dashboard session opened with the key may do: viewer, accountant, admin",
    ),
) -> None:
    """Create an API key and print it once, on its own line (only its hash is stored)."""
    key = setup.create_api_key(Database(Settings().database_url), name, role)
    print(key)
