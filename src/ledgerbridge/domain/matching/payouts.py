"""Level 1: payouts to deposits. The rules run in order, each on what is still unmatched,
and every choice between candidates is made by a total order (closest day, then id), so the
same inputs always give the same matches, whatever order they came in.

    reference    the deposit's text names the payout's own id, same amount    confidence 1.00
    descriptor   same amount, within the window, the gateway's name in text   0.95
    amount_date  same amount, within the window, the only candidate           0.80
    batched      2-4 payouts of one gateway that sum to one deposit           0.85
    split        one payout that 2-3 deposits sum to                          0.80
    bank_fee     a deposit short of a payout by a bank fee (named in text)    0.70 + discrepancy
Leftovers: a payout past its window (business days, plus one for a bank holiday) with no
deposit (missing_deposit; duplicate_payout when another payout of the same gateway, amount and
day took the only deposit, in this run or an earlier one), and a deposit naming a gateway that
no payout explains after a grace period (deposit_without_payout).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from heapq import nsmallest
from itertools import combinations
from typing import TypeVar

from ledgerbridge.domain.matching.model import DepositRef, Discrepancy, Match, PayoutRef

KIND = "payout_deposit"
BANK_FEE_SHARE = Decimal("0.01")
BANK_FEE_CAP = Decimal("25")
DEPOSIT_GRACE_DAYS = 3
"""A deposit naming a gateway waits this long for its payout before it is flagged."""
MAX_BATCH = 4
MAX_SPLIT = 3
NEAREST = 12
"""Bounded subset search: batched and split try combinations of only this many candidates,
the nearest by day (then id)."""
DAY = timedelta(days=1)
_Item = TypeVar("_Item", PayoutRef, DepositRef)
GATEWAY_WORDS = {
    "stripe": ("stripe",),
    "shopify": ("shopify",),
    "paypal": ("paypal",),
    "square": ("square", "sq *", "sq*"),
    "adyen": ("adyen",),
    "woocommerce": ("woocommerce",),
    "bigcommerce": ("bigcommerce",),
    "magento": ("magento",),
}


def _names(gateway: str) -> tuple[str, ...]:
    return GATEWAY_WORDS.get(gateway, (gateway,))


def _text(deposit: DepositRef) -> str:
    return deposit.text.lower()


def window_end(payout: PayoutRef) -> date:
    """The last day the bank may book a payout: ``window_days`` business days after it, plus
    one for a bank holiday (weekends never count: a Friday payout lands on Monday or later)."""
    day, left = payout.day, payout.window_days + 1
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


def _names_gateway(payout: PayoutRef, deposit: DepositRef) -> bool:
    text = _text(deposit)
    return any(word in text for word in _names(payout.gateway))


def _order(payout: PayoutRef, deposit: DepositRef) -> tuple[int, str]:
    return abs((deposit.day - payout.day).days), deposit.id


def _by_day(item: PayoutRef | DepositRef) -> tuple[date, str]:
    return item.day, item.id


class _Pool:
    """What is still unmatched, indexed so that every rule looks only at the candidates in
    a day window: per currency, the deposits by day and the payouts by window start (a
    payout's window is its day less one to ``window_end``), with the longest window so that
    the payouts whose window can hold a given day are a bounded slice."""

    def __init__(
        self,
        payouts: Iterable[PayoutRef],
        deposits: Iterable[DepositRef],
        vetoed: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.vetoed = vetoed
        self.payouts = sorted(payouts, key=_by_day)
        self.deposits = sorted((d for d in deposits if d.amount > 0), key=_by_day)
        self.matches: list[Match] = []
        self.discrepancies: list[Discrepancy] = []
        self.used_payouts: set[str] = set()
        self.used_deposits: set[str] = set()
        self.by_amount: dict[tuple[str, Decimal], list[DepositRef]] = {}
        self.deposits_of: dict[str, list[DepositRef]] = {}
        for deposit in self.deposits:
            self.by_amount.setdefault((deposit.currency, deposit.amount), []).append(deposit)
            self.deposits_of.setdefault(deposit.currency, []).append(deposit)
        self.deposit_days = {c: [d.day for d in ds] for c, ds in self.deposits_of.items()}
        self.ends: dict[tuple[date, int], date] = {}
        self.payouts_of: dict[str, list[PayoutRef]] = {}
        self.longest: dict[str, timedelta] = {}
        for payout in self.payouts:  # by day, so by window start too
            self.payouts_of.setdefault(payout.currency, []).append(payout)
            length = self.end(payout) - (payout.day - DAY)
            self.longest[payout.currency] = max(self.longest.get(payout.currency, length), length)
        self.payout_starts = {c: [p.day - DAY for p in ps] for c, ps in self.payouts_of.items()}

    def end(self, payout: PayoutRef) -> date:
        key = (payout.day, payout.window_days)
        found = self.ends.get(key)
        if found is None:
            found = self.ends[key] = window_end(payout)
        return found

    def in_window(self, payout: PayoutRef, deposit: DepositRef) -> bool:
        return payout.day - DAY <= deposit.day <= self.end(payout)

    def free_payouts(self) -> list[PayoutRef]:
        return [p for p in self.payouts if p.id not in self.used_payouts]

    def free_deposits(self) -> list[DepositRef]:
        return [d for d in self.deposits if d.id not in self.used_deposits]

    def deposits_near(self, payout: PayoutRef) -> Iterator[DepositRef]:
        """The free deposits in the payout's currency and window, by day then id."""
        days = self.deposit_days.get(payout.currency)
        if not days:
            return
        lo = bisect_left(days, payout.day - DAY)
        hi = bisect_right(days, self.end(payout), lo)
        for deposit in self.deposits_of[payout.currency][lo:hi]:
            if deposit.id not in self.used_deposits:
                yield deposit

    def payouts_near(self, deposit: DepositRef) -> Iterator[PayoutRef]:
        """The free payouts in the deposit's currency whose window holds its day, by day
        then id: those starting no earlier than the longest window before it."""
        starts = self.payout_starts.get(deposit.currency)
        if not starts:
            return
        lo = bisect_left(starts, deposit.day - self.longest[deposit.currency])
        hi = bisect_right(starts, deposit.day, lo)
        for payout in self.payouts_of[deposit.currency][lo:hi]:
            if payout.id not in self.used_payouts and deposit.day <= self.end(payout):
                yield payout

    def take(
        self,
        rule: str,
        confidence: str,
        payouts: Sequence[PayoutRef],
        deposits: Sequence[DepositRef],
    ) -> Match:
        difference = sum((d.amount for d in deposits), Decimal(0)) - sum(
            (p.amount for p in payouts), Decimal(0)
        )
        match = Match(
            KIND,
            rule,
            Decimal(confidence),
            tuple(p.id for p in payouts),
            tuple(d.id for d in deposits),
            difference,
        )
        self.matches.append(match)
        self.used_payouts.update(p.id for p in payouts)
        self.used_deposits.update(d.id for d in deposits)
        return match


def _one_to_one(
    pool: _Pool,
    rule: str,
    confidence: str,
    *,
    need_reference: bool,
    need_name: bool,
    only_candidate: bool,
) -> None:
    for payout in pool.free_payouts():
        candidates = [
            d
            for d in pool.by_amount.get((payout.currency, payout.amount), ())
            if d.id not in pool.used_deposits
            and (payout.id, d.id) not in pool.vetoed
            and (need_reference or pool.in_window(payout, d))
            and (not need_reference or payout.reference.lower() in _text(d))
            and (not need_name or _names_gateway(payout, d))
        ]
        if not candidates or (only_candidate and len(candidates) > 1):
            continue
        pool.take(rule, confidence, [payout], [min(candidates, key=lambda d: _order(payout, d))])


def _nearest(items: Iterable[_Item], day: date) -> list[_Item]:
    """The ``NEAREST`` items closest to ``day`` (then by id) of ``items`` (in day order), back
    in day order."""
    every = list(items)
    if len(every) <= NEAREST:
        return every
    near = nsmallest(NEAREST, every, key=lambda x: (abs((x.day - day).days), x.id))
    return sorted(near, key=_by_day)


def _batched(pool: _Pool) -> None:
    for deposit in pool.free_deposits():
        by_gateway: dict[str, list[PayoutRef]] = {}
        for payout in pool.payouts_near(deposit):
            if payout.amount < deposit.amount and (payout.id, deposit.id) not in pool.vetoed:
                by_gateway.setdefault(payout.source, []).append(payout)
        found = _subset(by_gateway, deposit)
        if found:
            pool.take("batched", "0.85", found, [deposit])


def _subset(groups: dict[str, list[PayoutRef]], deposit: DepositRef) -> list[PayoutRef] | None:
    for source in sorted(groups):
        found = _first_sum(_nearest(groups[source], deposit.day), MAX_BATCH, deposit.amount)
        if found:
            return found
    return None


def _first_sum(items: list[_Item], most: int, total: Decimal) -> list[_Item] | None:
    """The first combination of 2 to ``most`` items, smallest first and then in the order of
    ``itertools.combinations``, whose amounts sum to ``total``: for each prefix of all but the
    last item, the last is looked up by the amount still needed (the earliest one after it)."""
    if len(items) < 2:
        return None
    where: dict[Decimal, list[int]] = {}
    for i, item in enumerate(items):
        where.setdefault(item.amount, []).append(i)
    prefix: tuple[int, ...]
    for size in range(2, most + 1):
        for prefix in combinations(range(len(items)), size - 1):
            after = where.get(total - sum((items[i].amount for i in prefix), Decimal(0)))
            if after and after[-1] > prefix[-1]:
                last = after[bisect_right(after, prefix[-1])]
                return [items[i] for i in (*prefix, last)]
    return None


def _split(pool: _Pool) -> None:
    for payout in pool.free_payouts():
        near = _nearest(
            (
                d
                for d in pool.deposits_near(payout)
                if d.amount < payout.amount and (payout.id, d.id) not in pool.vetoed
            ),
            payout.day,
        )
        combo = _first_sum(near, MAX_SPLIT, payout.amount)
        if combo:
            pool.take("split", "0.80", [payout], combo)


def _bank_fee(pool: _Pool) -> None:
    for payout in pool.free_payouts():
        cap = min(BANK_FEE_CAP, payout.amount * BANK_FEE_SHARE)
        candidates = [
            d
            for d in pool.deposits_near(payout)
            if 0 < payout.amount - d.amount <= cap
            and _names_gateway(payout, d)
            and (payout.id, d.id) not in pool.vetoed
        ]
        if not candidates:
            continue
        deposit = min(candidates, key=lambda d: (payout.amount - d.amount, *_order(payout, d)))
        match = pool.take("bank_fee", "0.70", [payout], [deposit])
        pool.discrepancies.append(
            Discrepancy(
                key=f"bank_fee:{payout.id}:{deposit.id}",
                kind="bank_fee",
                amount=-match.difference,
                currency=payout.currency,
                refs=(payout.reference, deposit.id),
                detail=f"deposit {deposit.amount} is {-match.difference} short of payout "
                f"{payout.reference} ({payout.amount}): a bank fee on receipt?",
            )
        )


def _leftovers(pool: _Pool, today: date, settled: Iterable[PayoutRef]) -> None:
    taken = {(p.source, p.amount, p.day) for p in pool.payouts if p.id in pool.used_payouts}
    taken |= {(p.source, p.amount, p.day) for p in settled}
    for payout in pool.free_payouts():
        if today <= pool.end(payout):
            continue  # the bank may still book it
        twin = (payout.source, payout.amount, payout.day) in taken
        kind = "duplicate_payout" if twin else "missing_deposit"
        pool.discrepancies.append(
            Discrepancy(
                key=f"{kind}:{payout.id}",
                kind=kind,
                amount=payout.amount,
                currency=payout.currency,
                refs=(payout.reference,),
                detail=(
                    f"payout {payout.reference} of {payout.amount} {payout.currency} on "
                    f"{payout.day} has no deposit after {payout.window_days} days"
                    + (
                        "; another payout of the same amount and day took the only deposit"
                        if twin
                        else ""
                    )
                ),
            )
        )
    for deposit in pool.free_deposits():
        if today <= deposit.day + timedelta(days=DEPOSIT_GRACE_DAYS):
            continue  # its payout may not be in the journal yet (a late webhook, a back-fill)
        named = [g for g, words in GATEWAY_WORDS.items() if any(w in _text(deposit) for w in words)]
        if named:
            pool.discrepancies.append(
                Discrepancy(
                    key=f"deposit_without_payout:{deposit.id}",
                    kind="deposit_without_payout",
                    amount=deposit.amount,
                    currency=deposit.currency,
                    refs=(deposit.id,),
                    detail=f"deposit of {deposit.amount} {deposit.currency} on {deposit.day} "
                    f"names {named[0]} but matches no payout",
                )
            )


def match_payouts(
    payouts: Iterable[PayoutRef],
    deposits: Iterable[DepositRef],
    *,
    today: date,
    vetoed: frozenset[tuple[str, str]] = frozenset(),
    settled: Iterable[PayoutRef] = (),
) -> tuple[list[Match], list[Discrepancy]]:
    """Level 1 over the unmatched payouts and deposits (see the module docstring);
    ``vetoed`` pairs (payout, deposit) were broken by a person and are never matched again;
    ``settled`` are payouts matched in earlier runs (a later twin of one is a duplicate)."""
    pool = _Pool(payouts, deposits, vetoed)
    _one_to_one(
        pool, "reference", "1.00", need_reference=True, need_name=False, only_candidate=False
    )
    _one_to_one(
        pool, "descriptor", "0.95", need_reference=False, need_name=True, only_candidate=False
    )
    _one_to_one(
        pool, "amount_date", "0.80", need_reference=False, need_name=False, only_candidate=True
    )
    _batched(pool)
    _split(pool)
    _bank_fee(pool)
    _leftovers(pool, today, settled)
    return pool.matches, pool.discrepancies
