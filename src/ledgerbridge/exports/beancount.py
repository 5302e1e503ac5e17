"""The journal as Beancount v3 text (``bean-check`` clean).

- ``option "operating_currency"`` is the ledger's base currency;
- one ``open`` per account used, dated on the first day written, named by ``names.py``;
- one transaction per entry, the entry id, key, source and event ids as metadata, a line's
  dimensions as posting metadata;
- a posting in the line's own currency with ``@@`` its base amount (unsigned), so the weight
  Beancount balances is exactly our base amount; lines with no own-currency amount
  (revaluation, rounding, realised fx) are base-currency postings (``period.postings``);
- with ``since``, the accounts' base balances of the day before come first as one entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ledgerbridge.domain.accounts import Account, AccountType
from ledgerbridge.exports.names import account_names
from ledgerbridge.exports.period import OPENING_DESCRIPTION, Journal, number, postings


def quote(text: str) -> str:
    """A Beancount string literal on one line."""
    flat = " ".join(text.splitlines())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lines(journal: Journal) -> Iterator[str]:
    base = journal.base_currency
    accounts = dict(journal.accounts)
    for code in journal.used_accounts():
        accounts.setdefault(code, Account(code, code, AccountType.ASSET))
    names = account_names(accounts.values())
    yield f'option "title" {quote(f"ledgerbridge ledger {journal.ledger}")}'
    yield f'option "operating_currency" "{base}"'
    yield ""
    first = journal.first_date()
    for code in journal.used_accounts():
        yield f"{first} open {names[code]}"
        yield f"  code: {quote(code)}"
        yield f"  name: {quote(accounts[code].name)}"
    yield ""
    if journal.opening_date:
        yield f"{journal.opening_date} * {quote(OPENING_DESCRIPTION)}"
        for code, amount in journal.opening:
            yield f"  {names[code]}  {number(amount)} {base}"
        yield ""
    for posted in journal.entries:
        entry = posted.entry
        yield f"{entry.effective_date} * {quote(entry.description)}"
        yield f"  id: {quote(posted.id)}"
        yield f"  key: {quote(entry.key)}"
        if entry.source:
            yield f"  source: {quote(entry.source)}"
        if posted.event_ids:
            yield f"  events: {quote(' '.join(posted.event_ids))}"
        for line in entry.lines:
            for p in postings(line):
                price = f" @@ {number(p.cost)} {base}" if p.cost is not None else ""
                yield f"  {names[line.account]}  {number(p.units)} {p.currency}{price}"
                if line.dimensions:
                    yield f"    dimensions: {quote(json.dumps(dict(line.dimensions)))}"
        yield ""


def write(journal: Journal) -> str:
    return "\n".join(_lines(journal)) + "\n"
