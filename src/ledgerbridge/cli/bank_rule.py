"""``ledgerbridge bank-rule add|list|delete``: categorise bank lines no payout explains."""

from __future__ import annotations

import typer

from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service import bank_rules
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Bank categorisation rules (rent, suppliers).")
ACTOR = "cli"


def _db() -> Database:
    return Database(Settings().database_url)


def _fail(exc: LedgerbridgeError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(1)


@app.command("add")
def add(
    text: str = typer.Option(..., help="Text in the remittance or counterparty (any case)"),
    account: str = typer.Option(..., help="The account a matching line posts against"),
    direction: str = typer.Option("any", help="credit (money in), debit (money out) or any"),
    name: str = typer.Option(None, help="The rule's name (default: '<text> -> <account>')"),
    bank_account: str = typer.Option(None, help="Only lines of this bank account"),
    min_amount: str = typer.Option(None, "--min", help="The line's size at least (decimal)"),
    max_amount: str = typer.Option(None, "--max", help="The line's size at most (decimal)"),
    priority: int = typer.Option(100, help="Lower is tried first"),
    ledger: str = typer.Option("default"),
) -> None:
    """Add a rule; the next reconciliation run categorises the lines it fits."""
    try:
        rule = bank_rules.add(
            _db(),
            ledger,
            account=account,
            text=text,
            actor=ACTOR,
            name=name,
            direction=direction,
            bank_account=bank_account,
            min_amount=min_amount,
            max_amount=max_amount,
            priority=priority,
        )
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(f"bank rule {rule['id']} {rule['name']!r}: {rule['direction']} lines to {account}")


@app.command("list")
def list_rules(ledger: str = typer.Option("default")) -> None:
    """The rules in the order they are tried."""
    try:
        rules = bank_rules.list_rules(_db(), ledger)
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    for r in rules:
        bounds = f"{r['min_amount'] or ''}..{r['max_amount'] or ''}"
        print(
            f"{r['id']}\t{r['priority']}\t{r['name']}\t{r['text_contains']}\t{r['direction']}"
            f"\t{r['bank_account'] or '*'}\t{bounds}\t{r['account']}"
        )


@app.command("delete")
def delete(rule_id: str) -> None:
    """Delete a rule (what it posted stays posted)."""
    try:
        rule = bank_rules.delete(_db(), rule_id, ACTOR)
    except LedgerbridgeError as exc:
        raise _fail(exc) from None
    print(f"bank rule {rule['id']} {rule['name']!r} deleted")
