"""The journal in hledger's (and ledger's) format, the same structure as the Beancount file.

``account`` directives with a ``type:`` tag, one transaction per entry with its id as the
code, metadata as indented comment tags, and the same postings (``period.postings``): own
currency with an ``@@`` total cost in base, base-currency postings for lines without an
own-currency amount. ``hledger balance --cost`` then shows our base amounts per account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ledgerbridge.domain.accounts import Account, AccountType
from ledgerbridge.exports.names import account_names
from ledgerbridge.exports.period import OPENING_DESCRIPTION, Journal, number, postings

TYPES = {
    AccountType.ASSET: "A",
    AccountType.LIABILITY: "L",
    AccountType.EQUITY: "E",
    AccountType.INCOME: "R",
    AccountType.EXPENSE: "X",
}


def text(value: str) -> str:
    """One line, no ``;`` (a comment would start there) and no leading ``(`` or status mark."""
    return " ".join(value.splitlines()).replace(";", ",").strip()


def _lines(journal: Journal) -> Iterator[str]:
    base = journal.base_currency
    accounts = dict(journal.accounts)
    for code in journal.used_accounts():
        accounts.setdefault(code, Account(code, code, AccountType.ASSET))
    names = account_names(accounts.values())
    yield f"; ledgerbridge ledger {text(journal.ledger)}, base currency {base}"
    yield ""
    for code in journal.used_accounts():
        account = accounts[code]
        yield f"account {names[code]}  ; type: {TYPES[account.type]}, name: {text(account.name)}"
    yield ""
    if journal.opening_date:
        yield f"{journal.opening_date} * {OPENING_DESCRIPTION}"
        for code, amount in journal.opening:
            yield f"    {names[code]}  {number(amount)} {base}"
        yield ""
    for posted in journal.entries:
        entry = posted.entry
        yield f"{entry.effective_date} * ({posted.id}) {text(entry.description)}"
        yield f"    ; key: {text(entry.key)}"
        if entry.source:
            yield f"    ; source: {text(entry.source)}"
        if posted.event_ids:
            yield f"    ; events: {' '.join(posted.event_ids)}"
        for line in entry.lines:
            for p in postings(line):
                cost = f" @@ {number(p.cost)} {base}" if p.cost is not None else ""
                yield f"    {names[line.account]}  {number(p.units)} {p.currency}{cost}"
                if line.dimensions:
                    yield f"        ; dimensions {text(json.dumps(dict(line.dimensions)))}"
        yield ""


def write(journal: Journal) -> str:
    return "\n".join(_lines(journal)) + "\n"
