"""Level 2's inputs from the store: a payout's items and the sales its gateway must pay out.

A payout is itemised from the look-ups of the event that reported it (domain/matching/
settlement.py): Stripe, Square and Shopify Payments name theirs there; an Adyen payout
(``{src}:payout:{batch}``) comes from a settlement details report, whose batch rows (parsed
with sources/adyen/report.py) are its items. Where a gateway itemises its payouts, a sale none
of them names is unsettled after its delay: a Stripe charge, a Square or an Adyen payment
(named by its id), a Shopify Payments order (the store's own sale, named by its order id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.matching.model import Discrepancy
from ledgerbridge.domain.matching.settlement import (
    Item,
    SettledPayout,
    Unpaid,
    adyen_itemisation,
    itemisation,
    unsettled_sales,
)
from ledgerbridge.domain.money import from_minor
from ledgerbridge.sources.adyen import report
from ledgerbridge.store import reconcile as store

CHARGE_GATEWAYS = ("stripe", "square", "adyen")
"""Gateways whose payout items name the charge (payment) facts they pay."""


def payout_items(row: Mapping[str, Any]) -> tuple[Item, ...] | None:
    """A payout fact's items (``store.payout_facts`` row); None: not itemised."""
    if row["platform"] != "adyen":
        return itemisation(row["platform"], row["lookups"], row["currency"])
    batch = str(row["key"]).split(":payout:", 1)[-1]
    reports = (row["lookups"] or {}).get("reports")
    if not isinstance(reports, dict):
        return None
    rows: list[report.ReportRow] = []
    for found in reports.values():
        text = found.get("csv") if isinstance(found, dict) else None
        if not isinstance(text, str):
            continue
        try:
            rows.extend(report.parse(text))
        except MalformedPayloadError:
            return None  # its event failed to post: there is nothing to itemise
    return adyen_itemisation(rows, batch, row["currency"])


def unsettled(
    conn: Any,
    ledger: str,
    day: date,
    every: Iterable[SettledPayout],
    platforms: Mapping[str, str],
    delays: Mapping[str, int],
) -> tuple[list[Discrepancy], set[str]]:
    """unsettled_sale discrepancies, and the keys of those a payout has since paid."""
    payouts = list(every)
    itemising = {p.source for p in payouts if p.items}
    paid = frozenset(i.charge for p in payouts for i in p.items or () if i.charge)
    sales: list[Unpaid] = []
    for r in store.list_facts(conn, ledger, ("charge", "sale")):
        source = r["source_id"]
        if source not in itemising:
            continue
        amount = from_minor(r["amount_minor"], r["currency"])
        if r["kind"] == "charge" and platforms.get(source) in CHARGE_GATEWAYS:
            paid_as, what = "", "charge"
        elif (
            r["kind"] == "sale"
            and platforms.get(source) == "shopify"
            and (r["gateway_source"] or source) == source
            and amount
        ):
            paid_as, what = str(r["key"]).rsplit(":sale:", 1)[-1], "order"
        else:
            continue
        sales.append(
            Unpaid(
                r["id"],
                r["reference"],
                amount,
                r["currency"],
                r["day"],
                delays[source],
                paid_as,
                what,
            )
        )
    explained = {f"unsettled_sale:{s.id}" for s in sales if (s.paid_as or s.reference) in paid}
    return unsettled_sales(sales, paid, today=day), explained
