"""Postings and journal entries: an entry balances per currency and in base currency, or raises.

Signs: a debit is positive, a credit negative (see accounts.py). Every line keeps its original
amount and currency, its base-currency amount and the rate, rate date and rate source used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from ledgerbridge.domain.errors import UnbalancedEntryError
from ledgerbridge.domain.money import to_minor

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Line:
    """One posting: ``amount`` in ``currency``, ``base_amount`` in the ledger's base currency."""

    account: str
    amount: Decimal
    currency: str
    base_amount: Decimal
    base_currency: str
    rate: Decimal = Decimal(1)
    rate_date: date | None = None
    rate_source: str = "identity"
    dimensions: Mapping[str, str] = field(default_factory=dict)

    def negated(self) -> Line:
        return replace(self, amount=-self.amount, base_amount=-self.base_amount)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of lines. Build with ``JournalEntry.balanced`` so the checks always run."""

    key: str
    ledger: str
    effective_date: date
    description: str
    source: str | None
    lines: tuple[Line, ...]
    reverses: str | None = None
    note: str | None = None

    @classmethod
    def balanced(
        cls,
        *,
        key: str,
        ledger: str,
        effective_date: date,
        description: str,
        source: str | None,
        lines: Iterable[Line],
        reverses: str | None = None,
        note: str | None = None,
    ) -> JournalEntry:
        kept = tuple(line for line in lines if line.amount != 0 or line.base_amount != 0)
        check_balanced(kept)
        return cls(key, ledger, effective_date, description, source, kept, reverses, note)


def check_balanced(lines: tuple[Line, ...]) -> None:
    """Raise ``UnbalancedEntryError`` unless ``lines`` sum to zero per currency and in base."""
    if len(lines) < 2:
        raise UnbalancedEntryError("an entry needs at least two non-zero lines", lines=len(lines))
    per_currency: dict[str, int] = defaultdict(int)
    base: dict[str, int] = defaultdict(int)
    for line in lines:
        per_currency[line.currency] += to_minor(line.amount, line.currency)
        base[line.base_currency] += to_minor(line.base_amount, line.base_currency)
    if len(base) != 1:
        raise UnbalancedEntryError("lines name more than one base currency", bases=sorted(base))
    off = {c: v for c, v in per_currency.items() if v} | {
        f"base {c}": v for c, v in base.items() if v
    }
    if off:
        raise UnbalancedEntryError(
            "entry does not balance: "
            + ", ".join(f"{c} off by {v} minor units" for c, v in off.items()),
            off=off,
        )


def reversal(entry: JournalEntry, *, key: str, effective_date: date, reason: str) -> JournalEntry:
    """The entry that undoes ``entry``: every line negated, pointing back at it by key."""
    return JournalEntry.balanced(
        key=key,
        ledger=entry.ledger,
        effective_date=effective_date,
        description=f"Reversal of {entry.description}: {reason}",
        source=entry.source,
        lines=(line.negated() for line in entry.lines),
        reverses=entry.key,
    )
