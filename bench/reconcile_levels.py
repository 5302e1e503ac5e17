"""Levels 2 and 3 of the reconciliation bench: ground truth built on a generated month
(bench/reconcile_month.py), scored on the pure matchers of domain/matching/.

LEVEL 2  transactions to payout (``match_settlements``). Every gateway payout of the month (the
         duplicate's twin left out: it is one payout recorded twice) gets the balance
         transactions it pays, dated the day before it: charges (gross, fee, net), about 3 %
         refunds of earlier orders, and a closing charge that makes the nets sum to the payout
         (a wholesale charge for the split payout, a large refund before it for the refund one).
         Stripe rows go through ``itemisation("stripe", {"payout_balance_transactions": ...})``,
         Square rows through ``payout_entries``; PayPal has no itemisation (None), so its
         payouts fall back to the clearing balance. Planted: one Stripe payout whose
         transactions net 12.34 less than it (settlement_mismatch), one Stripe manual payout
         (an empty list) settled by the fallback. Truth: itemised -> the set of its items;
         fallback -> "{source} clearing {previous payout day or start}..{the day before}".
         The clearing balance also takes in the last day's sales (paid out next month).
LEVEL 3  order to charge (``match_orders``): one Shopify order per charge (gateway portion of
         the order, order day; one charge in twenty booked the next day). The charge names its
         order by id ("5207..."), name ("#1001") or padded name (" 1001 ") 85 % of the time,
         else nothing (rule amount_date). Planted: an order whose charge never came
         (order_without_charge), a charge with no order (charge_without_order), a charge 5.00
         over its order (amount_mismatch). Noise: cash-on-delivery orders (not fronted) that
         must raise nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from reconcile_month import FEES, Month, Payout, money

from ledgerbridge.domain.matching.orders import (
    ChargeRef,
    OrderRef,
    fronted_gateways,
    match_orders,
)
from ledgerbridge.domain.matching.settlement import SettledPayout, itemisation, match_settlements

Pair = tuple[tuple[str, ...], tuple[str, ...]]
Planted = tuple[str, tuple[str, ...]]
SOURCES: list[dict[str, Any]] = [
    {"id": "shop", "settings": {"role": "store", "gateway": {g: g for g in FEES}}},
    *({"id": g, "settings": {"role": "gateway"}} for g in FEES),
]


@dataclass
class Levels:
    payouts: list[SettledPayout] = field(default_factory=list)
    balances: dict[tuple[str, str], list[tuple[date, Decimal]]] = field(default_factory=dict)
    l2_pairs: list[Pair] = field(default_factory=list)
    l2_planted: list[Planted] = field(default_factory=list)
    orders: list[OrderRef] = field(default_factory=list)
    charges: list[ChargeRef] = field(default_factory=list)
    l3_pairs: list[Pair] = field(default_factory=list)
    l3_planted: list[Planted] = field(default_factory=list)


class _Build:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.lv = Levels()
        self.n = 0
        self.sales: list[tuple[str, int, date, str]] = []  # gateway, gross, day, charge id

    def tx(self, p: Payout, gross: int, fee: int, refund: bool) -> dict[str, Any]:
        self.n += 1
        day = p.day - timedelta(days=1)
        charge = None if refund else f"ch_3Q{self.n:09d}"
        if charge:
            self.sales.append((p.source, gross, day, charge))
        if p.gateway == "square":
            return {
                "id": f"poe_{self.n:09d}",
                "type": "REFUND" if refund else "CHARGE",
                "gross_amount_money": {"amount": gross, "currency_code": "EUR"},
                "fee_amount_money": {"amount": fee, "currency_code": "EUR"},
                "net_amount_money": {"amount": gross - fee, "currency_code": "EUR"},
                f"type_{'refund' if refund else 'charge'}_details": {"payment_id": charge},
            }
        kind = "refund" if refund else "charge"
        return {
            "id": f"txn_{self.n:09d}",
            "type": kind,
            "reporting_category": kind,
            "amount": gross,
            "fee": fee,
            "net": gross - fee,
            "currency": "eur",
            "source": charge or f"re_{self.n:09d}",
        }

    def items(self, p: Payout) -> list[dict[str, Any]]:
        r, (bp, fixed) = self.r, FEES[p.gateway]
        rows = []
        for _ in range(p.transactions - 1):
            gross = int(r.lognormvariate(8.2, 0.7))
            refund = r.random() < 0.03
            rows.append(self.tx(p, -gross if refund else gross, 0 if refund else
                                (gross * bp + 5000) // 10000 + fixed, refund))
        residual = p.minor - sum(row.get("net", 0) or row.get("net_amount_money", {}).get(
            "amount", 0) for row in rows)
        if residual <= 100:
            extra = -residual + r.randrange(20_000, 60_000)
            rows.append(self.tx(p, -extra, 0, True))
            residual += extra
        fee = (residual * bp + 5000) // 10000 + fixed
        rows.append(self.tx(p, residual + fee, fee, False))
        return rows


def build(m: Month, seed: int = 7) -> Levels:
    b = _Build(seed)
    lv, r = b.lv, b.r
    real = sorted((p for p in m.payouts if p.id not in m.twins), key=lambda p: (p.day, p.id))
    stripe = [p for p in real if p.gateway == "stripe"]
    mismatch, manual = stripe[11], stripe[19]
    last: dict[str, date] = {}
    for p in real:
        rows = b.items(p)
        nets = [row.get("net", row.get("net_amount_money", {}).get("amount")) for row in rows]
        day = p.day - timedelta(days=1)
        lv.balances.setdefault((p.source, "EUR"), []).append((day, money(sum(nets))))
        since = str(last[p.source]) if p.source in last else "start"
        last[p.source] = p.day
        if p is mismatch:
            rows[0]["net"] -= 1234  # the transactions net 12.34 less than the payout
            rows[0]["fee"] += 1234
            lv.l2_planted.append(("settlement_mismatch", (p.ref,)))
        if p is manual or p.gateway == "paypal":
            lookups: dict[str, Any] = {"payout_balance_transactions": []} if p is manual else {}
            lv.l2_pairs.append(((p.id,), (f"{p.source} clearing {since}..{day}",)))
        else:
            name = "payout_entries" if p.gateway == "square" else "payout_balance_transactions"
            if p.gateway == "stripe":  # Stripe lists the payout itself among its transactions
                rows = [*rows, {"id": f"txn_po{p.id}", "type": "payout", "amount": -p.minor}]
            lookups = {name: rows}
            lv.l2_pairs.append(((p.id,), tuple(sorted(str(row["id"]) for row in lookups[name]
                                                      if row.get("type") != "payout"))))
        items = itemisation(p.gateway, lookups, "EUR")
        lv.payouts.append(SettledPayout(p.id, p.source, p.ref, money(p.minor), "EUR", p.day, items))
    for source, day in last.items():  # the last day's sales, paid out next month
        lv.balances[(source, "EUR")].append((day, money(r.randrange(50_000, 300_000))))
    orders(b, m)
    return lv


def orders(b: _Build, m: Month) -> None:
    lv, r = b.lv, b.r
    sales = sorted(b.sales, key=lambda s: (s[2], s[3]))
    odd = {sales[len(sales) // 3][3]: "no_charge", sales[len(sales) // 2][3]: "mismatch"}
    for k, (gateway, gross, day, charge) in enumerate(sales):
        oid, name = f"{5207000000000 + k}", f"#{1001 + k}"
        order = OrderRef(f"fact_o{k:07d}", "shop", gateway, oid, name, money(gross), "EUR", day)
        lv.orders.append(order)
        if odd.get(charge) == "no_charge":  # the customer paid, the gateway never charged
            lv.l3_planted.append(("order_without_charge", (name,)))
            continue
        amount = gross + 500 if odd.get(charge) == "mismatch" else gross
        ref = r.choice([oid, name, f" {1001 + k} "]) if r.random() < 0.85 else None
        if odd.get(charge) == "mismatch":
            ref = oid
            lv.l3_planted.append(("amount_mismatch", (name, charge)))
        booked = day + timedelta(days=1) if r.random() < 0.05 else day
        lv.charges.append(
            ChargeRef(f"fact_c{k:07d}", gateway, charge, ref, money(amount), "EUR", booked)
        )
        lv.l3_pairs.append(((order.id,), (f"fact_c{k:07d}",)))
    first = sales[0][2]
    stray = ChargeRef("fact_cstray", "stripe", "ch_3QSTRAY", None, Decimal("987.65"), "EUR",
                      first + timedelta(days=9))
    lv.charges.append(stray)
    lv.l3_planted.append(("charge_without_order", (stray.reference,)))
    for k in range(25):  # cash on delivery: no gateway fronted, nothing expected
        lv.orders.append(OrderRef(f"fact_cod{k:03d}", "shop", "cash", f"COD{k}", f"#C{k}",
                                  money(r.randrange(1_000, 20_000)), "EUR",
                                  first + timedelta(days=k)))


Found = tuple[list[tuple[tuple[str, ...], tuple[str, ...], str]], list[Planted]]


def run(lv: Levels, today: date) -> tuple[Found, Found]:
    found2, problems2 = match_settlements(lv.payouts, lv.balances)
    found3, problems3 = match_orders(
        lv.orders, lv.charges, today=today, fronted=fronted_gateways(SOURCES)
    )
    return tuple(  # type: ignore[return-value]
        ([(x.left, tuple(sorted(x.right)), x.rule) for x in found], [(d.kind, d.refs) for d in ps])
        for found, ps in ((found2, problems2), (found3, problems3))
    )


def score(pairs: list[Pair], planted: list[Planted], got: Found, label: str) -> tuple[int, ...]:
    """Print one level's figures; returns (correct, matches, true pairs, planted, found ok,
    missed, invented)."""
    truth = {(tuple(sorted(a)), tuple(sorted(b))) for a, b in pairs}
    matches, problems = got
    keyed = [((tuple(sorted(a)), b), rule) for a, b, rule in matches]
    correct = [k for k, _ in keyed if k in truth]
    precision = len(correct) / len(keyed) if keyed else 0.0
    recall = len(set(correct)) / len(truth) if truth else 1.0
    want, have = Counter(planted), Counter(problems)
    missed, invented = want - have, have - want
    print(f"\n{label}: {len(keyed)} matches of {len(truth)} true pairs; precision "
          f"{precision:.4%}  recall {recall:.4%}")
    rules = Counter(r for _, r in keyed)
    print("  per rule: " + ", ".join(f"{r} {n}" for r, n in sorted(rules.items())))
    print(f"  {'discrepancy kind':<24}{'planted':>8}{'found':>8}{'matched':>9}{'missed':>8}"
          f"{'invented':>10}")
    for kind in sorted({k for k, _ in want} | {k for k, _ in have}):
        def n(c: Counter[Any], kind: str = kind) -> int:
            return sum(v for (k, _), v in c.items() if k == kind)
        print(f"  {kind:<24}{n(want):>8}{n(have):>8}{n(want & have):>9}{n(missed):>8}"
              f"{n(invented):>10}")
    for (left, right), rule in keyed:
        if (left, right) not in truth:
            print(f"  WRONG ({rule}): {left} -> {right[:3]}{' ...' if len(right) > 3 else ''}")
    for left, right in sorted(truth - set(correct))[:8]:
        print(f"  MISSED pair: {left} -> {right[:3]}{' ...' if len(right) > 3 else ''}")
    for what, items in (("MISSED", missed), ("INVENTED", invented)):
        for item in sorted(items.elements())[:6]:
            print(f"  {what} discrepancy: {item[0]} {item[1]}")
    return (len(correct), len(keyed), len(truth), sum(want.values()),
            sum((want & have).values()), sum(missed.values()), sum(invented.values()))


def levels(m: Month, today: date) -> tuple[bool, list[tuple[int, ...]]]:
    """Build, run and score levels 2 and 3; True when both meet the target."""
    lv = build(m)
    got2, got3 = run(lv, today)
    rows = [
        score(lv.l2_pairs, lv.l2_planted, got2,
              f"LEVEL 2 match_settlements ({len(lv.payouts)} payouts, "
              f"{sum(len(p.items or ()) for p in lv.payouts)} itemised transactions)"),
        score(lv.l3_pairs, lv.l3_planted, got3,
              f"LEVEL 3 match_orders ({len(lv.orders)} orders, {len(lv.charges)} charges)"),
    ]
    ok = all(c / max(k, 1) >= 0.999 and c / max(t, 1) >= 0.999 and not mi and not inv
             for c, k, t, _, _, mi, inv in rows)
    return ok, rows
