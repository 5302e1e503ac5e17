"""Import a bank statement: parse the whole file first (a broken file is refused with its
line and nothing of it is written), then store each line once per account, keyed on the
bank's own reference or a stable fingerprint (the same file twice, or overlapping
statements, import each line once)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.domain.money import to_minor
from ledgerbridge.statements.base import BadStatement, Parser, Statement, keyed
from ledgerbridge.statements.registry import detect, parser_for
from ledgerbridge.store import bank, catalog
from ledgerbridge.store.database import Database
from ledgerbridge.store.ids import new_id


@dataclass(frozen=True, slots=True)
class Imported:
    id: str
    format: str
    lines_imported: int
    lines_skipped_duplicate: int
    statements: int


def _parser(db: Database, ledger: str, account: str, fmt: str | None, data: bytes) -> Parser:
    if fmt is None:
        return detect(data)
    chosen = parser_for(fmt)
    if fmt == "csv":
        with db.read() as conn:
            profile = bank.get_profile(conn, ledger, account)
        if profile is None:
            raise BadStatement(
                0,
                f"account {account} has no saved CSV profile: save one first "
                "(ledgerbridge statement profile)",
                field_name="format",
            )
        csv_parser: Any = chosen  # the CSV parser needs the bank's column profile
        with_profile: Callable[[dict[str, Any]], Parser] = csv_parser.with_profile
        return with_profile(profile)
    return chosen


def import_statement(
    db: Database,
    data: bytes,
    *,
    account: str,
    ledger: str = "default",
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    with db.read() as conn:
        catalog.get_ledger(conn, ledger)
        if not catalog.account_exists(conn, ledger, account):
            raise NotFoundError(f"no account {account!r} in ledger {ledger!r}", account=account)
    parser = _parser(db, ledger, account, fmt, data)
    statements = parser.parse(data)  # whole file or BadStatement: nothing written yet
    if not statements:
        raise BadStatement(1, "the file holds no statement")
    digest = hashlib.sha256(data).hexdigest()
    first_id = ""
    imported = skipped = 0
    with db.write() as conn:
        for statement in statements:
            statement_id = new_id("bs_")
            first_id = first_id or statement_id
            new, dup = _store(
                conn, statement, statement_id, ledger, account, parser.name, digest, progress
            )
            imported, skipped = imported + new, skipped + dup
    result = Imported(first_id, parser.name, imported, skipped, len(statements))
    if imported:
        from ledgerbridge.service.reconcile import run as reconcile  # every import reconciles

        reconcile(db, ledger, trigger="import")
    return result


def _store(
    conn: Any,
    statement: Statement,
    statement_id: str,
    ledger: str,
    account: str,
    fmt: str,
    digest: str,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    currency = statement.currency
    bank.add_statement(
        conn,
        {
            "id": statement_id,
            "ledger_id": ledger,
            "account_code": account,
            "format": fmt,
            "statement_ref": statement.statement_id,
            "file_sha256": digest,
            "currency": currency,
            "opening_minor": to_minor(statement.opening.amount, currency)
            if statement.opening
            else None,
            "closing_minor": to_minor(statement.closing.amount, currency)
            if statement.closing
            else None,
            "lines_imported": 0,
            "lines_skipped": 0,
        },
    )
    new = dup = 0
    for key, line in keyed(statement):
        row = {
            "id": new_id("bl_"),
            "ledger_id": ledger,
            "account_code": account,
            "dedupe_key": key,
            "statement_id": statement_id,
            "amount_minor": to_minor(line.amount, line.currency),
            "currency": line.currency,
            "booking_date": line.booking_date,
            "value_date": line.value_date,
            "bank_ref": line.bank_ref,
            "customer_ref": line.customer_ref,
            "remittance": line.remittance,
            "counterparty": line.counterparty,
            "counterparty_account": line.counterparty_account,
            "tx_code": line.tx_code,
            "status": line.status,
            "reversal": line.reversal,
            "source_line": line.source_line,
            "match_status": "unmatched",
        }
        if bank.add_line(conn, row):
            new += 1
        else:
            dup += 1
        if progress:
            progress(1)
    bank.set_counts(conn, statement_id, new, dup)
    return new, dup


def save_profile(
    db: Database, account: str, profile: dict[str, Any], ledger: str = "default"
) -> None:
    """Save a bank's CSV column profile for an account (validated by the CSV parser)."""
    checker: Any = parser_for("csv")
    checker.with_profile(profile)
    with db.write() as conn:
        bank.put_profile(conn, ledger, account, profile)


def list_bank_lines(
    db: Database,
    *,
    ledger: str,
    status: str | None,
    account: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    from ledgerbridge.domain.money import from_minor

    with db.read() as conn:
        rows = bank.list_lines(
            conn,
            ledger_id=ledger,
            status=status,
            account=account,
            since=None,
            until=None,
            limit=limit + 1,
            after=cursor,
        )
    page = rows[:limit]
    items = [
        {
            "id": r["id"],
            "account": r["account_code"],
            "booking_date": r["booking_date"].isoformat(),
            "value_date": r["value_date"].isoformat() if r["value_date"] else None,
            "amount": str(from_minor(r["amount_minor"], r["currency"])),
            "currency": r["currency"],
            "reference": r["customer_ref"] or r["bank_ref"],
            "remittance": r["remittance"],
            "external_id": r["bank_ref"],
            "counterparty": r["counterparty"],
            "status": r["match_status"],
        }
        for r in page
    ]
    return items, page[-1]["id"] if len(rows) > limit else None
