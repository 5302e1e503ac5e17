"""Level 2: transactions to payouts (pure), and the sales a gateway has not paid out.

A gateway that itemises a payout says which balance transactions it pays: Stripe's balance
transactions (``lookups["payout_balance_transactions"]``), Square's payout entries
(``payout_entries``), Shopify Payments' balance transactions (``transactions``), the rows of
an Adyen batch in its settlement details report (``adyen_itemisation``, given the parsed rows:
Settled / Refunded / Chargeback / Fee …, the MerchantPayout row left out). Their nets
(gross charges - refunds - fees - disputes + adjustments) must sum to the payout:

    itemised             the items sum to the payout           confidence 1.00
                         (they do not: the match, with the difference, and a
                         settlement_mismatch discrepancy of that amount)  0.90
    unitemised_balance   no itemisation (a manual payout, a gateway without settlement
                         detail): the payout equals what the clearing account accumulated
                         since the previous payout, at the end of a day between that payout
                         and this one (the latest such day)       confidence 0.60
A payout with neither is left unmatched (no discrepancy: nothing says it is wrong).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from ledgerbridge.domain.matching.model import Discrepancy, Match
from ledgerbridge.domain.money import from_minor

KIND = "settlement"
_PAYOUT_ROWS = frozenset({"payout", "payout_failure", "payout_cancel", "payout_cancellation"})
CATEGORIES = ("charges", "refunds", "fees", "disputes", "adjustments")


@dataclass(frozen=True, slots=True)
class Item:
    """One itemised balance transaction: ``net`` is what it moved (gross - fee)."""

    ref: str
    category: str
    gross: Decimal
    fee: Decimal
    net: Decimal
    charge: str | None = None
    """The charge (payment) it belongs to, where the gateway says."""


@dataclass(frozen=True, slots=True)
class SettledPayout:
    id: str
    source: str
    reference: str
    amount: Decimal
    currency: str
    day: date
    items: tuple[Item, ...] | None
    """None: the gateway did not itemise it."""


class AdyenRow(Protocol):
    """What level 2 reads of a settlement details report row (sources/adyen/report.py)."""

    @property
    def line(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def batch_number(self) -> str: ...
    @property
    def net_currency(self) -> str: ...
    @property
    def net(self) -> Decimal: ...
    @property
    def psp_reference(self) -> str | None: ...
    @property
    def modification_reference(self) -> str | None: ...
    @property
    def fees(self) -> tuple[tuple[str, Decimal], ...]: ...


@dataclass(frozen=True, slots=True)
class Unpaid:
    """A sale an itemising gateway has to pay out: ``paid_as`` is the id a payout's items name
    it by (the reference when empty), ``delay`` its settlement delay in business days."""

    id: str
    reference: str
    amount: Decimal
    currency: str
    day: date
    delay: int
    paid_as: str = ""
    what: str = "charge"


def _decimal(value: Any, currency: str, minor: bool) -> Decimal:
    if value is None or isinstance(value, bool):
        return Decimal(0)
    if minor and isinstance(value, int):
        return from_minor(value, currency)
    return Decimal(str(value))


def _category(kind: str, gross: Decimal) -> str:
    kind = kind.lower()
    if kind in ("charge", "payment"):
        return "charges"
    if "refund" in kind:
        return "refunds"
    if "dispute" in kind or "chargeback" in kind:
        return "disputes"
    if "fee" in kind or kind in ("stripe_fee", "application_fee"):
        return "fees"
    return "adjustments"


def _stripe(rows: Sequence[Any], currency: str) -> tuple[Item, ...]:
    items = []
    for row in rows:
        if not isinstance(row, dict) or row.get("type") in _PAYOUT_ROWS:
            continue
        code = str(row.get("currency") or currency).upper()
        gross = _decimal(row.get("amount"), code, True)
        fee = _decimal(row.get("fee"), code, True)
        net = _decimal(row["net"], code, True) if row.get("net") is not None else gross - fee
        kind = str(row.get("reporting_category") or row.get("type") or "")
        if row.get("type") == "adjustment" and "chargeback" in str(row.get("description")).lower():
            kind = "dispute"
        source = row.get("source")
        charge = source if isinstance(source, str) and source.startswith(("ch_", "py_")) else None
        items.append(Item(str(row.get("id")), _category(kind, gross), gross, fee, net, charge))
    return tuple(items)


def _money(row: Mapping[str, Any], name: str, currency: str) -> Decimal:
    money = row.get(name)
    if not isinstance(money, dict):
        return Decimal(0)
    return _decimal(money.get("amount"), str(money.get("currency") or currency), True)


def _square(rows: Sequence[Any], currency: str) -> tuple[Item, ...]:
    items = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        net = _money(row, "net_amount_money", currency)
        gross = _money(row, "gross_amount_money", currency) if "gross_amount_money" in row else net
        fee = _money(row, "fee_amount_money", currency)
        payment = next(
            (
                v.get("payment_id")
                for k, v in sorted(row.items())
                if k.startswith("type_") and isinstance(v, dict) and v.get("payment_id")
            ),
            None,
        )
        kind = str(row.get("type") or "")
        items.append(Item(str(row.get("id")), _category(kind, gross), gross, fee, net, payment))
    return tuple(items)


def _shopify(rows: Sequence[Any], currency: str) -> tuple[Item, ...]:
    items = []
    for row in rows:
        if not isinstance(row, dict) or row.get("test") is True or row.get("type") in _PAYOUT_ROWS:
            continue
        gross = _decimal(row.get("amount"), currency, False)
        fee = _decimal(row.get("fee"), currency, False)
        net = _decimal(row["net"], currency, False) if row.get("net") is not None else gross - fee
        order = row.get("source_order_id")
        kind = str(row.get("type") or "")
        items.append(
            Item(
                str(row.get("id")),
                _category(kind, gross),
                gross,
                fee,
                net,
                str(order or "") or None,
            )
        )
    return tuple(items)


_ADYEN_PAYOUT = "MerchantPayout"
_ADYEN_CATEGORIES = {
    "Settled": "charges",
    "SettledBulk": "charges",
    "Refunded": "refunds",
    "RefundedBulk": "refunds",
    "RefundedReversed": "refunds",
    "Chargeback": "disputes",
    "ChargebackReversed": "disputes",
    "SecondChargeback": "disputes",
    "Fee": "fees",
    "InvoiceDeduction": "fees",
}


def adyen_itemisation(
    rows: Iterable[AdyenRow], batch: str, currency: str
) -> tuple[Item, ...] | None:
    """The rows of settlement batch ``batch`` (in the payout's currency) but its MerchantPayout
    row: the payout's items. A row's gross is its net before fees (NC), so a converted payment
    sums in the payout's currency. None when the batch has not exactly one MerchantPayout row
    (the report is not this batch's, or the batch paid out twice) or nothing else."""
    mine = [r for r in rows if r.batch_number == batch and r.net_currency == currency]
    if sum(r.type == _ADYEN_PAYOUT for r in mine) != 1:
        return None
    items = []
    for row in mine:
        if row.type == _ADYEN_PAYOUT:
            continue
        category = _ADYEN_CATEGORIES.get(row.type, "adjustments")
        fee = sum((value for _, value in row.fees), Decimal(0))
        if category == "fees":
            gross, fee = row.net, Decimal(0)
        else:
            gross = row.net + fee
        ref = row.modification_reference or row.psp_reference or f"line {row.line}"
        items.append(Item(ref, category, gross, fee, row.net, row.psp_reference))
    return tuple(items) or None


def itemisation(
    platform: str, lookups: Mapping[str, Any] | None, currency: str
) -> tuple[Item, ...] | None:
    """A payout's items from the look-ups of the event that reported it; None when the gateway
    did not itemise it (an empty list: Stripe's manual payouts)."""
    found = lookups or {}
    parsers = {
        "stripe": ("payout_balance_transactions", _stripe),
        "square": ("payout_entries", _square),
        "shopify": ("transactions", _shopify),
    }
    if platform not in parsers:
        return None
    name, parse = parsers[platform]
    rows = found.get(name)
    if not isinstance(rows, list) or not rows:
        return None
    items = parse(rows, currency)
    return items or None


def totals(items: Iterable[Item]) -> dict[str, Decimal]:
    """Per category: charges gross; refunds, fees and disputes as positive deductions;
    adjustments signed (what they added)."""
    out = dict.fromkeys(CATEGORIES, Decimal(0))
    for item in items:
        if item.category == "charges":
            out["charges"] += item.gross
        elif item.category in ("refunds", "disputes"):
            out[item.category] -= item.gross
        elif item.category == "adjustments":
            out["adjustments"] += item.gross
        else:
            out["fees"] -= item.net
            continue
        out["fees"] += item.fee
    return out


def match_settlements(
    payouts: Iterable[SettledPayout],
    balances: Mapping[tuple[str, str], Sequence[tuple[date, Decimal]]],
    *,
    every: Iterable[SettledPayout] = (),
) -> tuple[list[Match], list[Discrepancy]]:
    """Level 2 over the payouts not yet settled. ``balances`` are, per (source, currency),
    what its clearing account took in per day (payouts left out); ``every`` is each payout
    of the ledger (earlier ones take their share of that balance)."""
    found: list[Match] = []
    problems: list[Discrepancy] = []
    history = sorted({p.id: p for p in (*every, *payouts)}.values(), key=lambda p: (p.day, p.id))
    for payout in sorted(payouts, key=lambda p: (p.day, p.id)):
        if payout.items is None:
            match = _unitemised(payout, history, balances.get((payout.source, payout.currency), ()))
            if match is not None:
                found.append(match)
            continue
        net = sum((i.net for i in payout.items), Decimal(0))
        difference = payout.amount - net
        refs = tuple(i.ref for i in payout.items)
        confidence = Decimal("1.00") if not difference else Decimal("0.90")
        found.append(Match(KIND, "itemised", confidence, (payout.id,), refs, difference))
        if difference:
            parts = totals(payout.items)
            problems.append(
                Discrepancy(
                    key=f"settlement_mismatch:{payout.id}",
                    kind="settlement_mismatch",
                    amount=difference,
                    currency=payout.currency,
                    refs=(payout.reference,),
                    detail=f"payout {payout.reference} of {payout.amount} {payout.currency} "
                    f"but its {len(payout.items)} transactions net {net} (charges "
                    f"{parts['charges']} - refunds {parts['refunds']} - fees {parts['fees']} "
                    f"- disputes {parts['disputes']} + adjustments {parts['adjustments']}): "
                    f"{difference:+} unexplained",
                )
            )
    return found, problems


def _unitemised(
    payout: SettledPayout,
    history: Sequence[SettledPayout],
    movements: Sequence[tuple[date, Decimal]],
) -> Match | None:
    same = [p for p in history if (p.source, p.currency) == (payout.source, payout.currency)]
    earlier = same[: next(i for i, p in enumerate(same) if p.id == payout.id)]
    paid_before = sum((p.amount for p in earlier), Decimal(0))
    since = earlier[-1].day if earlier else date.min
    days = sorted({d for d, _ in movements if since <= d <= payout.day} | {payout.day})
    for day in reversed(days):
        unpaid = sum((v for d, v in movements if d <= day), Decimal(0)) - paid_before
        if unpaid == payout.amount:
            ref = f"{payout.source} clearing {since if earlier else 'start'}..{day}"
            return Match(KIND, "unitemised_balance", Decimal("0.60"), (payout.id,), (ref,))
    return None


def business_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def unsettled(
    charges: Iterable[tuple[str, str, Decimal, str, date, int]],
    paid: frozenset[str],
    *,
    today: date,
) -> list[Discrepancy]:
    """Charges (id, reference, amount, currency, day, settlement delay in business days) of an
    itemising gateway that no payout's items name, past their delay plus one day."""
    return unsettled_sales([Unpaid(*c) for c in charges], paid, today=today)


def unsettled_sales(
    sales: Iterable[Unpaid], paid: frozenset[str], *, today: date
) -> list[Discrepancy]:
    """The sales (Stripe charges, Square payments, Shopify Payments orders) that no payout's
    items name (by ``paid_as``), past their delay plus one day."""
    out = []
    for sale in sorted(sales, key=lambda s: s.id):
        due = business_days_after(sale.day, sale.delay + 1)
        if (sale.paid_as or sale.reference) in paid or today <= due:
            continue
        out.append(
            Discrepancy(
                key=f"unsettled_sale:{sale.id}",
                kind="unsettled_sale",
                amount=sale.amount,
                currency=sale.currency,
                refs=(sale.reference,),
                detail=f"{sale.what} {sale.reference} of {sale.amount} {sale.currency} on "
                f"{sale.day} is in no payout {sale.delay} business days later (due by {due})",
            )
        )
    return out
