"""What matching reads and what it decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PayoutRef:
    """A gateway payout as the journal has it: ``id`` is its entry, ``reference`` the
    gateway's own payout id, ``gateway`` the platform (its name appears in bank text)."""

    id: str
    source: str
    gateway: str
    reference: str
    amount: Decimal
    currency: str
    day: date
    window_days: int = 5


@dataclass(frozen=True, slots=True)
class DepositRef:
    """A bank line (credit): ``text`` is its remittance, references and counterparty."""

    id: str
    amount: Decimal
    currency: str
    day: date
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    rule: str
    confidence: Decimal
    left: tuple[str, ...]
    right: tuple[str, ...]
    difference: Decimal = Decimal(0)
    """Deposits minus payouts: non-zero only for a match that is short by a bank fee."""


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Something a person should look at. ``key`` is stable across runs."""

    key: str
    kind: str
    amount: Decimal
    currency: str
    refs: tuple[str, ...]
    detail: str
