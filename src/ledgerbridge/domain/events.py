"""Canonical commerce events: what every platform adapter normalises its payloads into.

Amounts are Decimals in ``currency``, exact at its exponent, and positive unless a field says
otherwise. ``key`` is the business key of what happened (one sale, one refund, one fee): an
entry is posted at most once per key and ledger, however many deliveries or event types
report it (a WooCommerce order updated ten times, Stripe's dispute.created and
funds_withdrawn, a webhook and a back-fill of the same charge).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

_NO_DIMENSIONS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class _Event:
    key: str
    reference: str
    occurred_at: datetime
    currency: str
    dimensions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sale(_Event):
    """A store's paid order (or a revenue-recognising gateway's charge).

    ``goods`` is the line items before discounts and without tax; ``total`` is what the
    customer paid: goods - discounts + shipping + tax + gift_cards_sold. ``gift_card_tender``
    is the part of ``total`` paid by redeeming gift cards (it does not go through the gateway).
    """

    goods: Decimal
    discounts: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    gift_cards_sold: Decimal = Decimal(0)
    gift_card_tender: Decimal = Decimal(0)
    total: Decimal
    gateway: str | None = None
    presentment_currency: str | None = None
    presentment_total: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Refund(_Event):
    """Money returned to a customer.

    ``goods`` + ``shipping`` + ``tax`` (+ any remainder, a return of sales) = ``total``."""

    order_reference: str
    goods: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal
    gateway: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Charge(_Event):
    """A gateway's capture of a payment. Posts revenue only for a revenue-recognising gateway."""

    amount: Decimal
    order_reference: str | None = None
    settled_currency: str | None = None
    settled_amount: Decimal | None = None
    """What the gateway credited in its settlement currency: its own rate for this charge."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayRefund(_Event):
    """A gateway's refund of a charge. Posts only for a revenue-recognising gateway."""

    amount: Decimal
    charge_reference: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fee(_Event):
    """A gateway's processing fee (negative ``amount``: a fee given back)."""

    amount: Decimal
    charge_reference: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DisputeFunds(_Event):
    """Money a dispute moved: ``withdrawn`` > 0 taken from the balance, < 0 reinstated;
    ``fee`` the dispute fee charged (< 0 when given back)."""

    withdrawn: Decimal
    fee: Decimal = Decimal(0)
    charge_reference: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Payout(_Event):
    """Net money a gateway sent to the bank (``amount`` > 0) on ``arrival``."""

    amount: Decimal
    arrival: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PayoutFailed(_Event):
    """A payout the bank returned: undoes the entry of the payout with ``payout_key``."""

    payout_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversion(_Event):
    """A gateway converted ``amount`` of ``currency`` held in clearing into ``to_amount`` of
    ``to_currency`` (its settlement currency). Negative amounts convert back (a refund of a
    converted charge). The difference from the carrying value is realised FX gain or loss."""

    amount: Decimal
    to_currency: str
    to_amount: Decimal
    charge_reference: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Noted(_Event):
    """Something worth keeping that posts nothing (a cancelled unpaid order, a lost dispute)."""

    note: str


CommerceEvent = (
    Sale
    | Refund
    | Charge
    | GatewayRefund
    | Fee
    | DisputeFunds
    | Payout
    | PayoutFailed
    | Conversion
    | Noted
)
