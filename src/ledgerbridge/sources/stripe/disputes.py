"""Stripe disputes (``du_…``, legacy ``dp_…``) to DisputeFunds and Noted events (pure).

A dispute object carries its expanded ``balance_transactions``: the withdrawal (amount < 0, the
dispute fee > 0) and, if won, the reinstatement (amount > 0, fee < 0 when the fee is given
back), in the settlement currency. Without them, the dispute's own amount is used.
    created / funds_withdrawn     …:dispute:{id}:withdrawn   withdrawn = -(amount), fee
    funds_reinstated / closed won …:dispute:{id}:reinstated  withdrawn = -(amount) < 0, fee
Both events of a pair share a key, so the money posts once whichever arrives first.
An inquiry (status ``warning_…``) moves no money and is only noted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, DisputeFunds, Noted
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.stripe import wire

_Moved = tuple[str, Decimal, Decimal, datetime]  # currency, withdrawn, fee, time


def withdrawn(source: str, at: datetime, dispute: Json) -> list[CommerceEvent]:
    dispute_id = wire.stripe_id(dispute, "id", "dispute")
    moved = _funds(dispute, at, taken=True)
    if moved is None and str(dispute.get("status", "")).startswith("warning_"):
        # An inquiry: funds_withdrawn follows if it becomes a chargeback.
        note = f"Dispute {dispute_id} is an inquiry: no funds moved"
        return [_noted(source, at, dispute, "inquiry", note)]
    if moved is None:
        code = wire.currency(dispute, "dispute")
        moved = (code, wire.amount(dispute, "amount", "dispute", code), Decimal(0), at)
    return [_event(source, dispute, "withdrawn", moved)]


def reinstated(source: str, at: datetime, dispute: Json) -> list[CommerceEvent]:
    moved = _funds(dispute, at, taken=False)
    if moved is None:
        code = wire.currency(dispute, "dispute")
        moved = (code, -wire.amount(dispute, "amount", "dispute", code), Decimal(0), at)
    return [_event(source, dispute, "reinstated", moved)]


def closed(source: str, at: datetime, dispute: Json) -> list[CommerceEvent]:
    status = dispute.get("status")
    if status == "won":
        return reinstated(source, at, dispute)
    dispute_id = wire.stripe_id(dispute, "id", "dispute")
    outcome = "funds stay withdrawn" if status == "lost" else "no funds moved"
    note = f"Dispute {dispute_id} closed {status}: {outcome}"
    return [_noted(source, at, dispute, "closed", note)]


def _funds(dispute: Json, at: datetime, *, taken: bool) -> _Moved | None:
    """The balance transactions of one sign (taken: amount < 0), summed; None if none."""
    txns = dispute.get("balance_transactions") or []
    if not isinstance(txns, list):
        raise MalformedPayloadError("dispute.balance_transactions: expected a list")
    picked: list[_Moved] = []
    for i, txn in enumerate(txns):
        if not isinstance(txn, dict):  # an unexpanded id carries no amounts
            continue
        where = f"dispute.balance_transactions[{i}]"
        code = wire.currency(txn, where)
        value = wire.amount(txn, "amount", where, code)
        if (value < 0) if taken else (value > 0):
            when = wire.unix(txn, "created", where) if "created" in txn else at
            picked.append((code, -value, wire.amount(txn, "fee", where, code), when))
    if not picked:
        return None
    if len({p[0] for p in picked}) > 1:
        raise MalformedPayloadError("dispute.balance_transactions: more than one currency")
    code, _, _, when = picked[0]
    return (
        code,
        sum((p[1] for p in picked), Decimal(0)),
        sum((p[2] for p in picked), Decimal(0)),
        when,
    )


def _event(source: str, dispute: Json, which: str, moved: _Moved) -> DisputeFunds:
    dispute_id = wire.stripe_id(dispute, "id", "dispute")
    code, taken, fee, when = moved
    return DisputeFunds(
        key=f"{source}:dispute:{dispute_id}:{which}",
        reference=dispute_id,
        occurred_at=when,
        currency=code,
        withdrawn=taken,
        fee=fee,
        charge_reference=wire.ref(dispute.get("charge")),
    )


def _noted(source: str, at: datetime, dispute: Json, what: str, note: str) -> Noted:
    dispute_id = wire.stripe_id(dispute, "id", "dispute")
    return Noted(
        key=f"{source}:dispute:{dispute_id}:{what}",
        reference=dispute_id,
        occurred_at=at,
        currency=wire.currency(dispute, "dispute"),
        note=note,
    )
