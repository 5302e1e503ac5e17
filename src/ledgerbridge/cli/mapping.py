"""``ledgerbridge mapping``: put, show, preview, test (a folder of saved payloads, for CI)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError, ValidationError
from ledgerbridge.service import mapping, preview
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Field mappings: upload, show, preview, test.")
console = Console(width=None if sys.stdout.isatty() else 240)
"""Not a terminal (a CI log): wide enough that every payload's name shows in full."""
err = Console(stderr=True)


def _db() -> Database:
    return Database(Settings().database_url)


def _fail(exc: LedgerbridgeError) -> typer.Exit:
    err.print(f"error: {exc.message}", markup=False, highlight=False)
    problems = exc.details.get("errors")
    for problem in problems if isinstance(problems, list) else []:
        if isinstance(problem, dict):
            err.print(
                f"  {problem.get('path') or '(document)'}: {problem.get('reason')}",
                markup=False,
                highlight=False,
            )
    return typer.Exit(1)


def _read_mapping(path: Path | None) -> str | None:
    return path.read_text() if path else None


def _saved(path: Path) -> tuple[dict[str, Any], dict[str, str] | None, str | None]:
    """A saved payload: the platform JSON, or ``{"headers": {...}, "payload": {...}}`` (the
    replay format's shape), optionally with ``"event_type"``."""
    try:
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"{path}: not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValidationError(f"{path}: expected a JSON object")
    if isinstance(doc.get("payload"), dict):
        return doc["payload"], doc.get("headers"), doc.get("event_type")
    return doc, None, None


@app.command("put")
def put(source: str, file: Path) -> None:
    """Upload FILE (YAML or JSON) as the source's next mapping version, active at once."""
    try:
        version = mapping.put_mapping(_db(), source, file.read_text())
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(f"mapping version {version} of {source} is active")


@app.command("show")
def show(source: str) -> None:
    """Print the active mapping version of SOURCE as JSON."""
    try:
        doc = mapping.get_mapping(_db(), source)
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(json.dumps({**doc, "created_at": str(doc["created_at"])}, indent=2))


@app.command("preview")
def preview_one(
    source: str,
    payload: Path,
    mapping_file: Path = typer.Option(None, "--mapping", help="A draft mapping to try"),
    event_type: str = typer.Option(None, help="The event type, when it travels in a header"),
) -> None:
    """Show the entry PAYLOAD would post (or the exact error), writing nothing."""
    try:
        body, headers, saved_type = _saved(payload)
        result = preview.preview(
            _db(),
            source,
            body,
            headers=headers,
            event_type=event_type or saved_type,
            mapping=_read_mapping(mapping_file),
        )
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(json.dumps(result, indent=2, default=str))
    if result["status"] == "failed":
        raise typer.Exit(1)


@app.command("test")
def run_tests(
    source: str,
    folder: Path,
    mapping_file: Path = typer.Option(None, "--mapping", help="A draft mapping to test"),
    event_type: str = typer.Option(None, help="Event type for payloads that do not carry one"),
) -> None:
    """Run a mapping over every *.json in FOLDER and print a table; exit 1 if any fails."""
    draft = _read_mapping(mapping_file)
    db = _db()
    if draft is not None:
        try:  # an invalid draft fails the run even with no payloads to try it on
            mapping.check_draft(db, source, draft)
        except LedgerbridgeError as exc:
            raise _fail(exc) from None
    table = Table(title=f"mapping test: {source}")
    for column in ("payload", "status", "entries", "accounts", "dimensions", "error"):
        table.add_column(column, overflow="fold", no_wrap=column == "payload")
    failed = 0
    for path in sorted(folder.glob("*.json")):
        try:
            body, headers, saved_type = _saved(path)
            result = preview.preview(
                db,
                source,
                body,
                headers=headers,
                event_type=event_type or saved_type,
                mapping=draft,
            )
        except LedgerbridgeError as exc:
            if exc.details.get("errors"):
                raise _fail(exc) from None
            result = {"status": "failed", "entries": [], "error": {"message": exc.message}}
        lines = [x for e in result["entries"] for x in e["lines"]]
        accounts = sorted({x["account"] for x in lines})
        dims = sorted(
            {f"{k}={v}" for x in lines for k, v in x["dimensions"].items() if k != "source"}
        )
        error = (result.get("error") or {}).get("message", "")
        failed += result["status"] == "failed"
        table.add_row(
            path.name,
            result["status"],
            str(len(result["entries"])),
            " ".join(accounts),
            " ".join(dims),
            error,
        )
    console.print(table)
    if failed:
        raise typer.Exit(1)
