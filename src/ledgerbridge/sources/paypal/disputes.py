"""PayPal reversals and disputes to DisputeFunds and Noted events (pure).

Money leaves the balance when PayPal reverses a capture (``PAYMENT.CAPTURE.REVERSED``: a
chargeback, or a claim decided for the buyer); its resource is refund-shaped, linked to the
capture by ``rel: up``. A dispute's own events carry no booked money:
    PAYMENT.CAPTURE.REVERSED    …:dispute:{reversal id}:withdrawn  withdrawn = amount; a
                                processing fee given back is a Fee < 0 (…:fee:{reversal id});
                                when PayPal debited another currency, the withdrawal is the
                                ``net_amount_in_receivable_currency`` it debited
    CUSTOMER.DISPUTE.CREATED    Noted (…:dispute:{id}:created)
    CUSTOMER.DISPUTE.RESOLVED   seller's favour (RESOLVED_SELLER_FAVOUR, CANCELED_BY_BUYER,
                                DENIED): …:dispute:{id}:reinstated, withdrawn < 0; otherwise
                                Noted (…:dispute:{id}:resolved): the money stays withdrawn
What is reinstated: the seller's CREDIT ``money_movements`` when the resource lists them
(none: nothing had been taken, so Noted); without them, nothing for a dispute still at the
INQUIRY stage (an inquiry takes no funds) and ``dispute_amount`` for a chargeback or claim.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, DisputeFunds, Noted
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.paypal import breakdown, wire

SELLER_WINS = frozenset({"RESOLVED_SELLER_FAVOUR", "CANCELED_BY_BUYER", "DENIED"})


def reversed_capture(source: str, at: datetime, resource: Json) -> list[CommerceEvent]:
    gross = wire.money(resource, "amount", "resource")
    found = breakdown.refund(resource, gross)
    return _withdrawn(source, at, resource, found, wire.up_link_id(resource, "captures"))


def reversed_sale(source: str, at: datetime, resource: Json) -> list[CommerceEvent]:
    value, code = wire.legacy_money(resource, "amount", "resource", "total")
    found = breakdown.legacy_refund(resource, (abs(value), code))
    sale_id = wire.optional_text(resource, "sale_id") or wire.optional_text(resource, "id")
    return _withdrawn(source, at, resource, found, sale_id)


def _withdrawn(
    source: str, at: datetime, resource: Json, found: breakdown.Breakdown, capture_id: str | None
) -> list[CommerceEvent]:
    reversal_id = wire.paypal_id(resource, "id", "resource")
    when = wire.first_time(resource, "resource", "create_time", "update_time") or at
    if found.receivable is not None:  # the debit in the seller's own currency says it all
        taken, code = found.receivable
        fees: list[CommerceEvent] = []
    else:
        taken, code = found.gross, found.currency
        fees = breakdown.events(source, when, reversal_id, capture_id, found, sign=-1)
    funds = DisputeFunds(
        key=f"{source}:dispute:{reversal_id}:withdrawn",
        reference=reversal_id,
        occurred_at=when,
        currency=code,
        withdrawn=taken,
        charge_reference=capture_id,
    )
    return [funds, *fees]


def created(source: str, at: datetime, resource: Json) -> list[CommerceEvent]:
    dispute_id = wire.paypal_id(resource, "dispute_id", "resource")
    amount, code = wire.money(resource, "dispute_amount", "resource")
    stage = wire.optional_text(resource, "dispute_life_cycle_stage") or "unknown stage"
    reason = wire.optional_text(resource, "reason") or "no reason given"
    note = (
        f"Dispute {dispute_id} opened for {amount} {code} ({reason}, {stage}): "
        "funds move when PayPal reverses the capture"
    )
    return [_noted(source, at, resource, dispute_id, "created", code, note)]


def resolved(source: str, at: datetime, resource: Json) -> list[CommerceEvent]:
    dispute_id = wire.paypal_id(resource, "dispute_id", "resource")
    amount, code = wire.money(resource, "dispute_amount", "resource")
    outcome_doc = wire.optional_section(resource, "dispute_outcome", "resource") or {}
    outcome = wire.optional_text(outcome_doc, "outcome_code") or "NONE"
    back = _reinstated(resource, (amount, code)) if outcome in SELLER_WINS else None
    if back is None or back[0] == 0:
        kept = "nothing had been taken" if outcome in SELLER_WINS else "funds stay withdrawn"
        note = f"Dispute {dispute_id} resolved {outcome}: {kept}"
        return [_noted(source, at, resource, dispute_id, "resolved", code, note)]
    return [
        DisputeFunds(
            key=f"{source}:dispute:{dispute_id}:reinstated",
            reference=dispute_id,
            occurred_at=_when(resource, at),
            currency=back[1],
            withdrawn=-back[0],
            charge_reference=_disputed_capture(resource),
        )
    ]


def _reinstated(resource: Json, disputed: wire.Money) -> wire.Money | None:
    movements = wire.items(resource, "money_movements", "resource")
    if not movements:
        at_inquiry = resource.get("dispute_life_cycle_stage") == "INQUIRY"
        return None if at_inquiry else disputed
    credited: dict[str, Decimal] = {}
    for i, move in enumerate(movements):
        if move.get("affected_party") == "SELLER" and move.get("type") == "CREDIT":
            value, code = wire.money(move, "amount", f"resource.money_movements[{i}]")
            credited[code] = credited.get(code, Decimal(0)) + value
    if len(credited) > 1:
        raise MalformedPayloadError("resource.money_movements: credits in several currencies")
    return next(((v, c) for c, v in credited.items()), None)


def _disputed_capture(resource: Json) -> str | None:
    for txn in wire.items(resource, "disputed_transactions", "resource"):
        found = wire.optional_text(txn, "seller_transaction_id")
        if found:
            return found
    return None


def _when(resource: Json, at: datetime) -> datetime:
    return wire.first_time(resource, "resource", "update_time", "create_time") or at


def _noted(
    source: str, at: datetime, resource: Json, dispute_id: str, what: str, code: str, note: str
) -> Noted:
    return Noted(
        key=f"{source}:dispute:{dispute_id}:{what}",
        reference=dispute_id,
        occurred_at=_when(resource, at),
        currency=code,
        note=note,
    )
