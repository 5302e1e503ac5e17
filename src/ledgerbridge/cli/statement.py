"""``ledgerbridge statement import FILE`` (progress bar) and ``statement profile`` (CSV)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service import statements
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Bank statements.")


def _fail(exc: LedgerbridgeError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(1)


@app.command("import")
def import_file(
    file: Path,
    account: str = typer.Option("1000", help="The ledger's bank account code"),
    format: str = typer.Option(None, help="camt, mt940, ofx, bai2 or csv (default: detected)"),
    ledger: str = typer.Option("default"),
) -> None:
    """Import a statement: a broken file is refused whole, with the line that broke it."""
    db = Database(Settings().database_url)
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("lines"),
        ) as bar:
            task = bar.add_task(f"import {file.name}", total=None)
            result = statements.import_statement(
                db,
                file.read_bytes(),
                account=account,
                ledger=ledger,
                fmt=format,
                progress=lambda n: bar.advance(task, n),
            )
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(
        f"{result.format}: {result.statements} statement(s), {result.lines_imported} lines "
        f"imported, {result.lines_skipped_duplicate} already there (statement {result.id})"
    )


@app.command("profile")
def profile(account: str, file: Path, ledger: str = typer.Option("default")) -> None:
    """Save a bank's CSV column profile (JSON) for ACCOUNT."""
    try:
        statements.save_profile(
            Database(Settings().database_url), account, json.loads(file.read_text()), ledger
        )
    except (LedgerbridgeError, json.JSONDecodeError) as exc:
        message = exc.message if isinstance(exc, LedgerbridgeError) else str(exc)
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(1) from None
    print(f"CSV profile saved for account {account}")
