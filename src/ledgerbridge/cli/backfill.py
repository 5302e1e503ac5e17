"""``ledgerbridge backfill SOURCE --since --until`` with a Rich progress bar."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service import backfill
from ledgerbridge.store.database import Database


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"not a date or RFC 3339 time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def command(
    source: str = typer.Argument(..., help="The source to back-fill"),
    since: str = typer.Option(..., help="Start, YYYY-MM-DD or RFC 3339 (UTC if no offset)"),
    until: str = typer.Option(None, help="End (default: now)"),
) -> None:
    """Pull the platform's REST API over a date range through the webhook path (resumable:
    run the same range again after an interruption and it continues where it stopped)."""
    start = _moment(since)
    end = _moment(until) if until else datetime.now(UTC)
    db = Database(Settings().database_url)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task(f"back-fill {source}", total=None)
            tally = backfill.run(
                db,
                source,
                start,
                end,
                progress=lambda n: bar.advance(task, n),
                lookup_timeout=Settings().lookup_timeout_seconds,
            )
            bar.update(task, total=tally.seen, completed=tally.seen)
    except LedgerbridgeError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    if tally.resumed_from:
        print(f"resumed after cursor {tally.resumed_from}")
    print(
        f"{tally.pages} pages, {tally.seen} records: "
        + ", ".join(f"{k} {v}" for k, v in sorted(tally.statuses.items()))
    )
    if tally.statuses.get("failed"):
        raise typer.Exit(1)
