"""What a capture's or a refund's breakdown says moved in the seller's PayPal balance (pure).

A capture (``seller_receivable_breakdown``) or refund (``seller_payable_breakdown``) is made in
the transaction currency T. Fees are ``paypal_fee`` (in T) plus ``platform_fees[].amount``;
when PayPal converts into the seller's receivable currency R, the breakdown adds the net in R
(``receivable_amount`` on a capture, ``net_amount_in_receivable_currency`` on a refund: what
PayPal credited, or debited) and may give the fee in R instead
(``paypal_fee_in_receivable_currency``: then that one is booked, not its T twin).

Convention (stated once): clearing in T holds the gross after the charge, so the Conversion
takes ``gross - fees in T`` out of T and puts ``net in R + fees in R`` into R; after the fees
post, T is empty and R holds exactly what PayPal credited. A refund is the same with every
sign turned (fees are fees given back). The legacy v1 sale/refund resources map onto the same
shape (``transaction_fee``, ``receivable_amount``; ``refund_from_transaction_fee``,
``refund_from_received_amount``). Spec: paypal/paypal-rest-api-specifications
``openapi/payments_payment_v2.json`` (seller_receivable_breakdown, seller_payable_breakdown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, Conversion, Fee
from ledgerbridge.domain.money import round_half_even
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.paypal import wire
from ledgerbridge.sources.paypal.wire import Money


@dataclass(frozen=True, slots=True)
class Breakdown:
    gross: Decimal
    currency: str
    fees: tuple[Money, ...] = ()
    """Summed per currency, in order of first appearance; zero sums left out."""
    receivable: Money | None = None
    """The net in the receivable currency, only when that is not ``currency``."""
    rate: Decimal | None = None
    """PayPal's rate, ``currency`` -> receivable currency (units of R per unit of T)."""

    def conversion(self) -> tuple[Decimal, str, Decimal] | None:
        """(amount in T, R, amount in R) the conversion moved; None if nothing converted."""
        if self.receivable is None:
            return None
        net, to = self.receivable
        in_t = sum((a for a, c in self.fees if c == self.currency), Decimal(0))
        in_r = sum((a for a, c in self.fees if c == to), Decimal(0))
        return self.gross - in_t, to, net + in_r

    def settled(self) -> Money | None:
        """The gross in the receivable currency at PayPal's own rate, when it gives one."""
        if self.receivable is None or self.rate is None:
            return None
        code = self.receivable[1]
        return round_half_even(self.gross * self.rate, code), code


def capture(resource: Json, gross: Money) -> Breakdown:
    where = "resource.seller_receivable_breakdown"
    doc = wire.optional_section(resource, "seller_receivable_breakdown", "resource")
    if doc is None:
        return Breakdown(gross[0], gross[1])
    receivable = _foreign(wire.optional_money(doc, "receivable_amount", where), gross)
    return _build(
        gross,
        _paypal_fee(doc, where, receivable),
        _platform_fees(doc, where),
        receivable,
        _rate(doc, where, gross[1], receivable),
    )


def refund(resource: Json, gross: Money) -> Breakdown:
    where = "resource.seller_payable_breakdown"
    doc = wire.optional_section(resource, "seller_payable_breakdown", "resource")
    if doc is None:
        return Breakdown(gross[0], gross[1])
    net = wire.optional_money(doc, "net_amount_in_receivable_currency", where)
    receivable = _foreign(net, gross)
    return _build(
        gross, _paypal_fee(doc, where, receivable), _platform_fees(doc, where), receivable, None
    )


def legacy_sale(resource: Json, gross: Money) -> Breakdown:
    fee = wire.optional_legacy_money(resource, "transaction_fee", "resource")
    receivable = _foreign(
        wire.optional_legacy_money(resource, "receivable_amount", "resource"), gross
    )
    rate = None
    if receivable is not None and resource.get("exchange_rate") is not None:
        rate = wire.rate(resource["exchange_rate"], "resource.exchange_rate")
    return _build(gross, [fee] if fee else [], [], receivable, rate)


def legacy_refund(resource: Json, gross: Money) -> Breakdown:
    fee = wire.optional_legacy_money(resource, "refund_from_transaction_fee", "resource")
    net = wire.optional_legacy_money(resource, "refund_from_received_amount", "resource")
    return _build(gross, [fee] if fee else [], [], _foreign(net, gross), None)


def _foreign(net: Money | None, gross: Money) -> Money | None:
    return net if net is not None and net[1] != gross[1] else None


def _paypal_fee(doc: Json, where: str, receivable: Money | None) -> list[Money]:
    in_r = wire.optional_money(doc, "paypal_fee_in_receivable_currency", where)
    if receivable is not None and in_r is not None:
        return [in_r]
    fee = wire.optional_money(doc, "paypal_fee", where)
    return [fee] if fee else []


def _platform_fees(doc: Json, where: str) -> list[Money]:
    return [
        wire.money(item, "amount", f"{where}.platform_fees[{i}]")
        for i, item in enumerate(wire.items(doc, "platform_fees", where))
    ]


def _rate(doc: Json, where: str, code: str, receivable: Money | None) -> Decimal | None:
    found = wire.optional_section(doc, "exchange_rate", where)
    if receivable is None or found is None:
        return None
    if found.get("source_currency") != code or found.get("target_currency") != receivable[1]:
        return None  # a rate between other currencies than this conversion's: not ours
    return wire.rate(found.get("value"), f"{where}.exchange_rate.value")


def _build(
    gross: Money,
    fees: list[Money],
    platform: list[Money],
    receivable: Money | None,
    rate: Decimal | None,
) -> Breakdown:
    allowed = {gross[1], receivable[1]} if receivable else {gross[1]}
    totals: dict[str, Decimal] = {}
    for amount, code in [*fees, *platform]:
        if code not in allowed:
            raise MalformedPayloadError(
                f"resource: a fee in {code}, neither the transaction nor the receivable currency"
            )
        totals[code] = totals.get(code, Decimal(0)) + amount
    return Breakdown(
        gross=gross[0],
        currency=gross[1],
        fees=tuple((amount, code) for code, amount in totals.items() if amount),
        receivable=receivable,
        rate=rate,
    )


# -- events -------------------------------------------------------------------------------


def events(
    source: str,
    at: datetime,
    object_id: str,
    capture_id: str | None,
    found: Breakdown,
    *,
    sign: int = 1,
) -> list[CommerceEvent]:
    """The Fee events (one per currency) and the Conversion of one breakdown; ``sign`` -1 for
    a refund: fees given back, the conversion run backwards."""
    moved: list[CommerceEvent] = []
    for i, (amount, code) in enumerate(found.fees):
        moved.append(
            Fee(
                key=f"{source}:fee:{object_id}" + (f":{code}" if i else ""),
                reference=capture_id or object_id,
                occurred_at=at,
                currency=code,
                amount=sign * amount,
                charge_reference=capture_id,
            )
        )
    converted = found.conversion()
    if converted is not None:
        amount, to, to_amount = converted
        moved.append(
            Conversion(
                key=f"{source}:fx:{object_id}",
                reference=object_id,
                occurred_at=at,
                currency=found.currency,
                amount=sign * amount,
                to_currency=to,
                to_amount=sign * to_amount,
                charge_reference=capture_id,
            )
        )
    return moved
