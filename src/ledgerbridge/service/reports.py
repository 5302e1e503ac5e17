"""Reports over the journal: profit and loss, balance sheet, CSV renderings, and the journal
exports (CSV, Beancount, hledger). Money leaves as decimal strings in base currency.

P&L shows income positive (credits) and expenses positive (debits); net income is their
difference. Nothing closes income into equity, so the balance sheet carries every earning up
to its date as one equity row, ``earnings``, and assets = liabilities + equity.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from ledgerbridge.domain.accounts import Account, AccountType
from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.money import from_minor
from ledgerbridge.exports import beancount, ledger
from ledgerbridge.exports import csv as csv_export
from ledgerbridge.exports.period import Journal, Posted
from ledgerbridge.store import catalog, journal
from ledgerbridge.store.database import Database

WRITERS: dict[str, Callable[[Journal], str]] = {
    "csv": csv_export.write,
    "beancount": beancount.write,
    "ledger": ledger.write,
}
_PAGE = 500


def _balances(
    conn: Any, ledger_id: str, as_of: date | None, dimensions: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Base minor units (debit positive) per account, lines dated on or before ``as_of``."""
    rows = journal.trial_balance(conn, ledger_id, as_of, dimensions=dimensions)
    return {r["account"]: r["debit"] - r["credit"] for r in rows}


def load_journal(db: Database, ledger_id: str, since: date | None, until: date | None) -> Journal:
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger_id)["base_currency"]
        accounts = {a.code: a for a in catalog.list_accounts(conn, ledger_id)}
        ids: list[str] = []
        while True:
            page = journal.list_entry_ids(
                conn,
                ledger_id=ledger_id,
                since=since,
                until=until,
                source=None,
                account=None,
                limit=_PAGE,
                after=ids[-1] if ids else None,
            )
            ids += page
            if len(page) < _PAGE:
                break
        posted = []
        for entry_id in ids:
            loaded = journal.load_entry(conn, entry_id)
            if loaded is not None:
                meta, entry = loaded
                posted.append(Posted(entry_id, entry, tuple(meta["event_ids"])))
        opening = _balances(conn, ledger_id, since - timedelta(days=1)) if since is not None else {}
    posted.sort(key=lambda p: (p.entry.effective_date, p.id))
    return Journal(
        ledger=ledger_id,
        base_currency=base,
        since=since,
        until=until,
        accounts=accounts,
        entries=tuple(posted),
        opening=tuple((a, from_minor(v, base)) for a, v in sorted(opening.items()) if v),
    )


def export(db: Database, fmt: str, ledger_id: str, since: date | None, until: date | None) -> str:
    """The journal of [since, until] as ``csv``, ``beancount`` or ``ledger`` text."""
    if fmt not in WRITERS:
        raise ValidationError(f"unknown export format {fmt!r}", field="format")
    if since and until and since > until:
        raise ValidationError("since is after until", field="since")
    return WRITERS[fmt](load_journal(db, ledger_id, since, until))


def _section(
    accounts: Mapping[str, Account], balances: Mapping[str, int], kind: AccountType, sign: int
) -> list[tuple[str, int]]:
    return sorted(
        (code, sign * v)
        for code, v in balances.items()
        if (a := accounts.get(code)) is not None and a.type is kind
    )


def _rows(
    accounts: Mapping[str, Account], items: list[tuple[str, int]], base: str
) -> dict[str, Any]:
    return {
        "rows": [
            {"account": code, "name": accounts[code].name, "amount": str(from_minor(v, base))}
            for code, v in items
        ],
        "total": str(from_minor(sum(v for _, v in items), base)),
    }


def profit_and_loss(
    db: Database,
    ledger_id: str,
    since: date | None,
    until: date | None,
    *,
    dimensions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Income and expense movements dated in [since, until] (both optional)."""
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger_id)["base_currency"]
        accounts = {a.code: a for a in catalog.list_accounts(conn, ledger_id)}
        end = _balances(conn, ledger_id, until, dimensions)
        start = _balances(conn, ledger_id, since - timedelta(days=1), dimensions) if since else {}
    moved = {code: v - start.get(code, 0) for code, v in end.items() if v != start.get(code, 0)}
    income = _section(accounts, moved, AccountType.INCOME, -1)
    expenses = _section(accounts, moved, AccountType.EXPENSE, 1)
    net = sum(v for _, v in income) - sum(v for _, v in expenses)
    return {
        "ledger": ledger_id,
        "base_currency": base,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "dimensions": dict(dimensions or {}),
        "income": _rows(accounts, income, base),
        "expenses": _rows(accounts, expenses, base),
        "net_income": str(from_minor(net, base)),
    }


def balance_sheet(
    db: Database,
    ledger_id: str,
    as_of: date | None,
    *,
    dimensions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Assets, liabilities and equity on ``as_of`` (default: everything posted), of the lines
    carrying ``dimensions`` (a slice of the ledger balances only when the slice does)."""
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger_id)["base_currency"]
        accounts = {a.code: a for a in catalog.list_accounts(conn, ledger_id)}
        balances = _balances(conn, ledger_id, as_of, dimensions)
    assets = _section(accounts, balances, AccountType.ASSET, 1)
    liabilities = _section(accounts, balances, AccountType.LIABILITY, -1)
    equity = _section(accounts, balances, AccountType.EQUITY, -1)
    earnings = -sum(
        v
        for code, v in balances.items()
        if (a := accounts.get(code)) is not None
        and a.type in (AccountType.INCOME, AccountType.EXPENSE)
    )
    equity_doc = _rows(accounts, equity, base)
    equity_doc["earnings"] = str(from_minor(earnings, base))
    equity_total = sum(v for _, v in equity) + earnings
    equity_doc["total"] = str(from_minor(equity_total, base))
    total_assets = sum(v for _, v in assets)
    total_claims = sum(v for _, v in liabilities) + equity_total
    return {
        "ledger": ledger_id,
        "base_currency": base,
        "as_of": as_of.isoformat() if as_of else None,
        "dimensions": dict(dimensions or {}),
        "assets": _rows(accounts, assets, base),
        "liabilities": _rows(accounts, liabilities, base),
        "equity": equity_doc,
        "total_liabilities_and_equity": str(from_minor(total_claims, base)),
        "balanced": total_assets == total_claims,
    }


def _csv(rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def report_csv(doc: Mapping[str, Any]) -> str:
    """A P&L or balance sheet document as CSV: section, account, name, amount."""
    rows: list[tuple[Any, ...]] = [("section", "account", "name", "amount")]
    for section in ("income", "expenses", "assets", "liabilities", "equity"):
        if section in doc:
            rows += [(section, r["account"], r["name"], r["amount"]) for r in doc[section]["rows"]]
            if "earnings" in doc[section]:
                rows.append((section, "", "earnings", doc[section]["earnings"]))
            rows.append((section, "", "total", doc[section]["total"]))
    for total in ("net_income", "total_liabilities_and_equity"):
        if total in doc:
            rows.append(("total", "", total, doc[total]))
    return _csv(rows)


def trial_balance_csv(doc: Mapping[str, Any]) -> str:
    """A trial balance document (service.journal.trial_balance) as CSV."""
    grouped = doc.get("group_by") is not None
    head = ("account", "role", *(("dimension",) if grouped else ()), "debit", "credit", "balance")
    rows: list[tuple[Any, ...]] = [head]
    for r in doc["rows"]:
        dim = (r.get("dimension") or "",) if grouped else ()
        rows.append((r["account"], r["role"] or "", *dim, r["debit"], r["credit"], r["balance"]))
    total = ("total", "", *(("",) if grouped else ()), doc["total_debit"], doc["total_credit"])
    rows.append((*total, ""))
    return _csv(rows)
