"""The account ledger: one account's lines over a period with the opening balance, a running
balance and the closing balance, in base currency; JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.domain.money import from_minor
from ledgerbridge.store import catalog
from ledgerbridge.store import dashboard as store
from ledgerbridge.store.database import Database


def account_ledger(
    db: Database,
    ledger: str,
    account: str,
    since: date | None,
    until: date | None,
    *,
    dimensions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger)["base_currency"]
        found = {a.code: a for a in catalog.list_accounts(conn, ledger)}
        if account not in found:
            raise NotFoundError(f"no account {account!r} in {ledger}", account=account)
        opening, rows = store.account_lines(
            conn, ledger, account, since, until, dict(dimensions or {})
        )
    running = opening
    items = []
    for r in rows:
        running += r["base_amount_minor"]
        items.append(
            {
                "date": r["effective_date"].isoformat(),
                "entry_id": r["entry_id"],
                "description": r["description"],
                "note": r["note"],
                "amount": str(from_minor(r["amount_minor"], r["currency"])),
                "currency": r["currency"],
                "base_amount": str(from_minor(r["base_amount_minor"], base)),
                "balance": str(from_minor(running, base)),
                "dimensions": r["dimensions"],
            }
        )
    acc = found[account]
    return {
        "ledger": ledger,
        "account": account,
        "name": acc.name,
        "type": acc.type.value,
        "role": acc.role.value if acc.role else None,
        "base_currency": base,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "dimensions": dict(dimensions or {}),
        "opening_balance": str(from_minor(opening, base)),
        "lines": items,
        "closing_balance": str(from_minor(running, base)),
    }


def account_ledger_csv(doc: Mapping[str, Any]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(("date", "entry_id", "description", "amount", "currency", "base_amount", "balance"))
    w.writerow((doc["since"] or "", "", "opening balance", "", "", "", doc["opening_balance"]))
    for x in doc["lines"]:
        w.writerow(
            (
                x["date"],
                x["entry_id"],
                x["description"],
                x["amount"],
                x["currency"],
                x["base_amount"],
                x["balance"],
            )
        )
    w.writerow((doc["until"] or "", "", "closing balance", "", "", "", doc["closing_balance"]))
    return out.getvalue()
