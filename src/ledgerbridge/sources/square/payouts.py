"""Square payouts to canonical events (pure).

    payout.paid     Fee per fee-type entry of the payout not tied to a payment, then Payout
    payout.failed   PayoutFailed (undoes the payout's entry)
A payout's entries (GET /v2/payouts/{id}/payout-entries, fetched by client.py) itemise the
balance activity it pays out; their ``net_amount_money`` sum to the payout for a batch payout.
Entries tied to a payment (a charge, a refund, a processing-fee adjustment) are booked from
that payment's and refund's own events; only fees Square takes from the balance on their own
(FEE and TAX_ON_FEE without a payment, DEPOSIT_FEE for instant transfers, and their
reversals) are booked here, keyed ``{source}:fee:{entry id}``.
"""

from __future__ import annotations

from datetime import datetime

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, Fee, Payout, PayoutFailed
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.square import wire

# Balance activity that is a charge by Square (or a reversal of one) rather than a sale, a
# refund or a dispute: https://developer.squareup.com/reference/square/enums/ActivityType
FEE_ENTRY_TYPES = frozenset({"FEE", "TAX_ON_FEE", "DEPOSIT_FEE", "DEPOSIT_FEE_REVERSED"})


def paid(source: str, at: datetime, lookups: Json, payout: Json) -> list[CommerceEvent]:
    """The payout, and the fees Square took from the balance apart from any payment. A
    withdrawal payout (Square debiting the bank) has a negative amount and posts reversed."""
    where = "payout"
    payout_id = wire.square_id(payout, "id", where)
    amount, code = wire.money(payout, "amount_money", where)
    entries = lookups.get("payout_entries") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise MalformedPayloadError("lookups.payout_entries: expected a list of objects")
    events: list[CommerceEvent] = []
    for i, entry in enumerate(entries):
        fee = _entry_fee(source, at, entry, payout_id, f"lookups.payout_entries[{i}]")
        if fee is not None:
            events.append(fee)
    arrival = wire.day(payout, "arrival_date", where) if payout.get("arrival_date") else None
    events.append(
        Payout(
            key=f"{source}:payout:{payout_id}",
            reference=payout_id,
            occurred_at=wire.time_or(payout, "created_at", where, at),
            currency=code,
            amount=amount,
            arrival=arrival,
        )
    )
    return events


def _entry_fee(source: str, at: datetime, entry: Json, payout_id: str, where: str) -> Fee | None:
    """A fee-type entry not tied to a payment; its ``net_amount_money`` is the change to the
    balance (< 0 a fee taken, > 0 one reversed), so the fee is its negation."""
    if entry.get("type") not in FEE_ENTRY_TYPES or _payment_of(entry) is not None:
        return None
    entry_id = wire.square_id(entry, "id", where)
    owner = entry.get("payout_id")
    if owner is not None and owner != payout_id:
        raise MalformedPayloadError(f"{where}.payout_id: {owner!r} is not payout {payout_id!r}")
    net, code = wire.money(entry, "net_amount_money", where)
    if net == 0:
        return None
    return Fee(
        key=f"{source}:fee:{entry_id}",
        reference=entry_id,
        occurred_at=wire.time_or(entry, "effective_at", where, at),
        currency=code,
        amount=-net,
    )


def _payment_of(entry: Json) -> str | None:
    """The payment an entry belongs to, from its ``type_<activity>_details``."""
    for name, value in entry.items():
        if name.startswith("type_") and name.endswith("_details") and isinstance(value, dict):
            payment_id = wire.optional_text(value, "payment_id")
            if payment_id:
                return payment_id
    return None


def failed(source: str, at: datetime, payout: Json) -> list[CommerceEvent]:
    payout_id = wire.square_id(payout, "id", "payout")
    _, code = wire.money(payout, "amount_money", "payout")
    return [
        PayoutFailed(
            key=f"{source}:payout:{payout_id}:failed",
            reference=payout_id,
            occurred_at=wire.time_or(payout, "updated_at", "payout", at),
            currency=code,
            payout_key=f"{source}:payout:{payout_id}",
        )
    ]
