"""Square disputes to DisputeFunds and Noted events (pure).

Square holds the disputed amount (``amount_money``, the payment's currency) from the balance
when a chargeback is opened, and gives it back when the seller wins:
    dispute.created, state not INQUIRY_*   …:dispute:{id}:withdrawn    withdrawn = amount
    dispute.state.updated to WON           …:dispute:{id}:reinstated   withdrawn = -amount
    dispute.state.updated, other states    Noted (the state), plus the withdrawal again
    any INQUIRY_* state                    Noted: an inquiry moves no money
A state update repeats the withdrawal under the same key, so it posts once whichever event
comes first, and still posts when an inquiry escalates to a chargeback (it is then updated
to EVIDENCE_REQUIRED) or the dispute.created delivery was lost. Square's dispute object
carries no dispute fee: ``fee`` is 0.
https://developer.squareup.com/docs/disputes-api/overview
"""

from __future__ import annotations

from datetime import datetime

from ledgerbridge.domain.events import CommerceEvent, DisputeFunds, Noted
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.square import wire

WHERE = "dispute"


def created(source: str, at: datetime, dispute: Json) -> list[CommerceEvent]:
    state = wire.text(dispute, "state", WHERE)
    if state.startswith("INQUIRY_"):
        dispute_id = wire.square_id(dispute, "id", WHERE)
        note = f"Dispute {dispute_id} is an inquiry ({state}): no funds moved"
        return [_noted(source, at, dispute, "inquiry", note)]
    return [_moved(source, dispute, "withdrawn", at)]


def state_updated(source: str, at: datetime, dispute: Json) -> list[CommerceEvent]:
    state = wire.text(dispute, "state", WHERE)
    dispute_id = wire.square_id(dispute, "id", WHERE)
    if state.startswith("INQUIRY_"):
        note = f"Dispute {dispute_id} is an inquiry ({state}): no funds moved"
        return [_noted(source, at, dispute, state.lower(), note)]
    withdrawn = _moved(source, dispute, "withdrawn", at)
    if state == "WON":
        return [withdrawn, _moved(source, dispute, "reinstated", at)]
    outcome = "funds stay withdrawn" if state in ("LOST", "ACCEPTED") else "funds held"
    note = f"Dispute {dispute_id} is {state}: {outcome}"
    return [withdrawn, _noted(source, at, dispute, state.lower(), note)]


def _moved(source: str, dispute: Json, which: str, at: datetime) -> DisputeFunds:
    dispute_id = wire.square_id(dispute, "id", WHERE)
    amount, code = wire.money(dispute, "amount_money", WHERE)
    # Withdrawn when the dispute was opened; reinstated when it was last updated (to WON).
    when = wire.time_or(dispute, "created_at" if which == "withdrawn" else "updated_at", WHERE, at)
    return DisputeFunds(
        key=f"{source}:dispute:{dispute_id}:{which}",
        reference=dispute_id,
        occurred_at=when,
        currency=code,
        withdrawn=amount if which == "withdrawn" else -amount,
        charge_reference=_payment_id(dispute),
    )


def _payment_id(dispute: Json) -> str | None:
    disputed = dispute.get("disputed_payment")
    if isinstance(disputed, dict):
        return wire.optional_text(disputed, "payment_id")
    return None


def _noted(source: str, at: datetime, dispute: Json, what: str, note: str) -> Noted:
    dispute_id = wire.square_id(dispute, "id", WHERE)
    _, code = wire.money(dispute, "amount_money", WHERE)
    return Noted(
        key=f"{source}:dispute:{dispute_id}:{what}",
        reference=dispute_id,
        occurred_at=wire.time_or(dispute, "updated_at", WHERE, at),
        currency=code,
        note=note,
    )
