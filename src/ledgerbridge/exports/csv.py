"""The journal as CSV: one row per line, every column the line carries."""

from __future__ import annotations

import csv
import io
import json

from ledgerbridge.exports.period import Journal, number

COLUMNS = (
    "entry_id",
    "date",
    "description",
    "account",
    "account_name",
    "amount",
    "currency",
    "base_amount",
    "base_currency",
    "rate",
    "rate_date",
    "rate_source",
    "dimensions",
    "event_ids",
)
"""``dimensions`` is a JSON object (sorted keys); ``event_ids`` are separated by spaces."""


def write(journal: Journal) -> str:
    """Entries in date then id order, lines in their order; balances brought forward are not
    lines and are left out (the CSV is the period's journal only)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for posted in journal.entries:
        entry = posted.entry
        for x in entry.lines:
            account = journal.accounts.get(x.account)
            writer.writerow(
                (
                    posted.id,
                    entry.effective_date.isoformat(),
                    entry.description,
                    x.account,
                    account.name if account else "",
                    number(x.amount),
                    x.currency,
                    number(x.base_amount),
                    x.base_currency,
                    number(x.rate),
                    x.rate_date.isoformat() if x.rate_date else "",
                    x.rate_source,
                    json.dumps(dict(x.dimensions), sort_keys=True, separators=(",", ":")),
                    " ".join(posted.event_ids),
                )
            )
    return out.getvalue()
