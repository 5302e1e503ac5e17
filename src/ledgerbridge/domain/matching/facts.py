"""What reconciliation keeps of each canonical event (pure): one fact per (kind, key).

A fact is the event as the matching levels need it, whether or not it posted an entry (a
gateway's Charge behind a store posts nothing, yet level 3 pairs it with the store's order).

    sale            Sale: ``amount`` is what went through the gateway (total - gift card
                    tender); ``order_reference`` the store's order id (from the key),
                    ``reference`` its name (#1001)
    charge          Charge: ``order_reference`` from the gateway's metadata
    refund          Refund (a store's), gateway_refund  GatewayRefund
    fee             Fee (charge_reference), dispute  DisputeFunds (amount: withdrawn)
    payout          Payout
Conversions, failed payouts and notes keep no fact.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ledgerbridge.domain.events import (
    Charge,
    CommerceEvent,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Payout,
    Refund,
    Sale,
)
from ledgerbridge.domain.money import round_half_even, to_minor

KINDS = ("sale", "charge", "refund", "gateway_refund", "fee", "payout", "dispute")


def sale_order_id(key: str) -> str:
    """The order id in a sale's business key ``{src}:sale:{order}``."""
    return key.split(":sale:", 1)[1] if ":sale:" in key else key


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(event: CommerceEvent, timezone: str) -> date:
    return event.occurred_at.astimezone(_zone(timezone)).date()


def fact_of(
    event: CommerceEvent, timezone: str, gateway_source: str | None
) -> dict[str, Any] | None:
    """The fact of one event (without ledger, id, event id and time), or None."""
    order_ref: str | None = None
    charge_ref: str | None = None
    amount: Decimal
    if isinstance(event, Sale):
        kind, amount = "sale", event.total - event.gift_card_tender
        order_ref = sale_order_id(event.key)
    elif isinstance(event, Charge):
        kind, amount, order_ref = "charge", event.amount, event.order_reference
    elif isinstance(event, Refund):
        kind, amount, order_ref = "refund", event.total, event.order_reference
    elif isinstance(event, GatewayRefund):
        kind, amount, charge_ref = "gateway_refund", event.amount, event.charge_reference
    elif isinstance(event, Fee):
        kind, amount, charge_ref = "fee", event.amount, event.charge_reference
    elif isinstance(event, DisputeFunds):
        kind, amount, charge_ref = "dispute", event.withdrawn, event.charge_reference
    elif isinstance(event, Payout):
        kind, amount = "payout", event.amount
    else:
        return None
    return {
        "kind": kind,
        "key": event.key,
        "gateway_source": gateway_source if isinstance(event, Sale | Refund) else None,
        "reference": event.reference[:255],
        "order_reference": order_ref[:255] if order_ref else None,
        "charge_reference": charge_ref[:255] if charge_ref else None,
        "amount_minor": to_minor(round_half_even(amount, event.currency), event.currency),
        "currency": event.currency,
        "day": local_day(event, timezone),
    }
