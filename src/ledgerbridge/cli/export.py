"""``ledgerbridge export --format csv|beancount|ledger``: the journal of a period as text."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer

from ledgerbridge.config import Settings
from ledgerbridge.service import reports
from ledgerbridge.store.database import Database


class ExportFormat(StrEnum):
    CSV = "csv"
    BEANCOUNT = "beancount"
    LEDGER = "ledger"


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text!r}") from None


def command(
    fmt: ExportFormat = typer.Option(..., "--format", help="csv, beancount or ledger (hledger)"),
    since: str = typer.Option(None, help="First day, YYYY-MM-DD (earlier balances carried in)"),
    until: str = typer.Option(None, help="Last day, YYYY-MM-DD (default: everything)"),
    ledger: str = typer.Option("default", "--ledger", help="The ledger to export"),
    output: Path = typer.Option(None, "--output", "-o", help="Write to FILE (default: stdout)"),
) -> None:
    """Write the journal from --since to --until: CSV one row per line, a Beancount file that passes
    bean-check, or an hledger journal; both tools show our trial balance in base currency."""
    from ledgerbridge.cli.main import fails_cleanly

    @fails_cleanly
    def run() -> None:
        text = reports.export(
            Database(Settings().database_url), fmt.value, ledger, _day(since), _day(until)
        )
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            print(f"{fmt.value} export of ledger {ledger} written to {output}")

    run()
