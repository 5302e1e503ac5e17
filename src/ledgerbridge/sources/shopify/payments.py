"""Shopify Payments: a payout and its balance transactions -> canonical events.

backfill.py delivers each payout as the internal topic ``shopify_payments/payout`` (body: the
payout object); the look-up is its balance transactions, ``GET /admin/api/{version}/
shopify_payments/balance/transactions.json?payout_id=<id>`` (Link pages). For a Shopify-only
merchant Shopify Payments is the store's own gateway: these events post against the Shopify
source's own clearing account (1100-<source id>), the one its sales and refunds debit and
credit, so once a payout posts that account holds exactly what is not yet paid out.

Balance transaction ``type`` (``amount`` - ``fee`` = ``net``, what the balance moved):

    charge, refund      Fee = ``fee`` when nonzero (< 0: a fee given back)  {src}:fee:{txn id}
                        (the amount itself is the order's Sale / Refund, already in clearing)
    dispute             DisputeFunds withdrawn = -amount, fee = ``fee``   {src}:dispute:{txn id}
                        (a dispute won comes back as a dispute row with a positive amount)
    adjustment, credit, debit
                        Fee = -net when nonzero                           {src}:fee:{txn id}
                        Money moved with no order behind it: fee corrections, Shopify bills
                        and their reversals taken from the balance. They land on payment_fees
                        (a credit when the merchant gained); a mapping can route them elsewhere.
    reserve             Noted: held funds stay the merchant's, so they stay in clearing until
                        a release row (also a reserve) lets a later payout take them
    payout, payout_failure, payout_cancellation
                        nothing: the payout object below says it
    anything else       Noted with its net, for review (clearing then differs from the bank
                        by that amount, which makes it visible)
    test rows           skipped (test-mode money is never paid out)

The payout object itself:

    paid                Payout {src}:payout:{id}, ``amount`` on ``date`` (a date with no time:
                        noon UTC, the same calendar day in any ledger time zone within ±12 h)
    failed              PayoutFailed: reverses the payout's entry (its rows are paid again
                        in a later payout, as ``retried_payouts``); no look-up
    scheduled, in_transit
                        the balance-transaction events only; the Payout posts when paid
    canceled, cancelled Noted
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from decimal import Decimal

import httpx

from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, DisputeFunds, Fee, Noted, Payout, PayoutFailed
from ledgerbridge.sources.base import Json, SourceConfig
from ledgerbridge.sources.paging import get_json_page
from ledgerbridge.sources.shopify.backfill import PAGE_SIZE, next_page_info
from ledgerbridge.sources.shopify.fields import amount, currency_code, ident, items, time_of

FEE_ONLY = ("charge", "refund")
NET_AS_FEE = ("adjustment", "credit", "debit")
THE_PAYOUT = ("payout", "payout_failure", "payout_cancellation")
NO_LOOKUP = ("failed", "canceled", "cancelled")
_ZERO = Decimal(0)


def needs_transactions(payout: Json) -> bool:
    return str(payout.get("status") or "") not in NO_LOOKUP


def balance_transactions(
    http: httpx.Client,
    payout_id: str,
    api_version: str,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Json]:
    """Every balance transaction of payout ``payout_id``, following the Link pages."""
    path = f"/admin/api/{api_version}/shopify_payments/balance/transactions.json"
    params = {"payout_id": payout_id, "limit": PAGE_SIZE}
    found: list[Json] = []
    while True:
        doc, response = get_json_page(http, path, params, sleep=sleep)
        page = doc.get("transactions") if isinstance(doc, dict) else None
        if not isinstance(page, list):
            raise LookupFailedError(f"look-up {path} returned no transactions list", path=path)
        found.extend(page)
        next_info = next_page_info(response)
        if not next_info:
            return found
        params = {"limit": PAGE_SIZE, "page_info": next_info}


def payout_events(payout: Json, lookups: Json, config: SourceConfig) -> list[CommerceEvent]:
    payout_id = ident(payout, "id")
    status = str(payout.get("status") or "")
    if not status:
        raise MalformedPayloadError("status: missing", field="status")
    cur = currency_code(payout.get("currency"), "currency")
    at = _payout_day(payout)
    key = f"{config.id}:payout:{payout_id}"
    if status == "failed":
        return [
            PayoutFailed(
                key=f"{key}:failed",
                reference=payout_id,
                occurred_at=at,
                currency=cur,
                payout_key=key,
            )
        ]
    if status in ("canceled", "cancelled"):
        note = f"Shopify Payments payout {payout_id} was cancelled: no money moved"
        return [
            Noted(
                key=f"{key}:cancelled", reference=payout_id, occurred_at=at, currency=cur, note=note
            )
        ]
    if "transactions" not in lookups:
        raise MalformedPayloadError("a payout needs its balance transactions", field="transactions")
    moved: list[CommerceEvent] = []
    for i, txn in enumerate(items(lookups, "transactions")):
        moved.extend(transaction_events(txn, f"transactions[{i}].", payout_id, config))
    if status == "paid":
        value = amount(payout.get("amount"), cur, "amount")
        moved.append(
            Payout(
                key=key, reference=payout_id, occurred_at=at, currency=cur, amount=value, arrival=at
            )
        )
    return moved


def transaction_events(
    txn: Json, where: str, payout_id: str, config: SourceConfig
) -> list[CommerceEvent]:
    """The events of one balance transaction (see the table above)."""
    if txn.get("test") is True:
        return []
    kind = str(txn.get("type") or "")
    if kind in THE_PAYOUT:
        return []
    txn_id = ident(txn, "id", where)
    cur = currency_code(txn.get("currency"), f"{where}currency")
    gross = amount(txn.get("amount"), cur, f"{where}amount")
    fee = amount(txn["fee"], cur, f"{where}fee") if txn.get("fee") is not None else _ZERO
    net = amount(txn["net"], cur, f"{where}net") if txn.get("net") is not None else gross - fee
    at = time_of(txn.get("processed_at"), f"{where}processed_at")
    order = txn.get("source_order_id")
    charge = str(order) if isinstance(order, int | str) and order != "" else None
    key = f"{config.id}:fee:{txn_id}"
    if kind in FEE_ONLY or kind in NET_AS_FEE:
        charged = fee if kind in FEE_ONLY else -net
        if not charged:
            return []
        return [
            Fee(
                key=key,
                reference=txn_id,
                occurred_at=at,
                currency=cur,
                amount=charged,
                charge_reference=charge,
            )
        ]
    if kind == "dispute":
        return [
            DisputeFunds(
                key=f"{config.id}:dispute:{txn_id}",
                reference=txn_id,
                occurred_at=at,
                currency=cur,
                withdrawn=-gross,
                fee=fee,
                charge_reference=charge,
            )
        ]
    what = f"of type {kind or '(none)'}"
    if kind == "reserve":
        what = "released from reserve" if gross > 0 else "held in reserve"
    return [
        Noted(
            key=f"{config.id}:balance:{txn_id}",
            reference=txn_id,
            occurred_at=at,
            currency=cur,
            note=f"Shopify Payments balance transaction {txn_id} {what} (net {net} {cur}, "
            f"payout {payout_id}): not posted",
        )
    ]


def _payout_day(payout: Json) -> datetime:
    value = payout.get("date")
    if not isinstance(value, str):
        raise MalformedPayloadError(f"date: expected YYYY-MM-DD, got {value!r}", field="date")
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise MalformedPayloadError(f"date: not a date ({value!r})", field="date") from None
    return datetime.combine(day, clock_time(12), tzinfo=UTC)
