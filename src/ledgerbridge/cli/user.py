"""``ledgerbridge user create``: dashboard users (argon2id-hashed passwords)."""

from __future__ import annotations

import sys

import typer

from ledgerbridge.config import Settings
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service import access
from ledgerbridge.store.database import Database

app = typer.Typer(no_args_is_help=True, help="Dashboard users and their roles.")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="The user name to log in with"),
    role: str = typer.Option("viewer", help="viewer, accountant or admin"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (scripts)"
    ),
) -> None:
    """Create a dashboard user; the password is asked for twice (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        access.create_user(Database(Settings().database_url), name, password, role)
    except LedgerbridgeError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"user {name} created ({role})")


@app.command("list")
def list_() -> None:
    """Users, one a line: name, role, and whether disabled (never a password hash)."""
    for row in access.list_users(Database(Settings().database_url)):
        state = "disabled" if row["disabled_at"] else "enabled"
        print(f"{row['username']}\t{row['role']}\t{state}")


@app.command("disable")
def disable(name: str = typer.Argument(..., help="The user to disable")) -> None:
    """Disable a user: it cannot log in, and its open sessions end at once."""
    try:
        access.disable_user(Database(Settings().database_url), name)
    except LedgerbridgeError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"user {name} disabled")
