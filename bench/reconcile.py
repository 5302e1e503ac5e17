"""Reconciliation bench: accuracy on a generated month with its ground truth at level 1 (payouts
to deposits), level 2 (transactions to payouts) and level 3 (orders to charges), and speed of
level 1 at 10k / 100k / 1M settlement transactions.

    .venv/bin/python bench/reconcile.py            # accuracy + scale + service path at 10k
    .venv/bin/python bench/reconcile.py --quick    # accuracy + the two smaller scale points
    .venv/bin/python bench/reconcile.py --profile  # and cProfile of the service path at 3k

ACCURACY  bench/reconcile_month.py generates October 2026 for a retailer on Stripe, PayPal and
          Square (one account each) with what is planted (see there). It runs twice: the pure
          ``match_payouts`` on PayoutRefs/DepositRefs, and the full path (payouts posted to a
          fresh SQLite journal, the statement imported as OFX through
          ``service.statements.import_statement``, which reconciles). A match is correct when
          its payout set and deposit set equal a true pair (the two records of the duplicated
          payout count as one: nothing tells them apart). Every planted discrepancy must be
          found (kind and refs) and none invented. Foreign currency: a USD credit on the EUR
          account is never matched; naming a gateway, it is flagged deposit_without_payout.
          Levels 2 and 3: bench/reconcile_levels.py builds their ground truth on the same
          month and scores the pure ``match_settlements`` and ``match_orders`` (see there).
SCALE     12 merchant accounts (4 per gateway) paying out daily, 100 transactions a payout,
          the period grows with the count (density fixed): 100 / 1,000 / 10,000 payouts and
          as many bank lines = 10k / 100k / 1M transactions. Level 2 (transactions to
          payout) is not built yet: the transactions are only the payouts' composition.
Only local files: a temporary SQLite database, no network.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reconcile_levels import levels
from reconcile_month import START, WINDOW, Month, generate, money
from reconcile_runs import Found, daily, service, statement_first

from ledgerbridge.domain.matching import DepositRef, PayoutRef, match_payouts


def refs(m: Month) -> tuple[list[PayoutRef], list[DepositRef]]:
    payouts = [
        PayoutRef(p.id, p.source, p.gateway, p.ref, money(p.minor), "EUR", p.day, WINDOW[p.gateway])
        for p in m.payouts
    ]
    deposits = [
        DepositRef(d.id, money(d.minor), d.currency, d.day, f"{d.memo} {d.name} {d.id}")
        for d in m.deposits
    ]
    return payouts, deposits


def pure(m: Month, today: date) -> Found:
    found, problems = match_payouts(*refs(m), today=today)
    return ([(x.left, x.right, x.rule) for x in found], [(d.kind, d.refs) for d in problems])


def score(
    m: Month, got: Found, label: str, *, verbose: bool = True, stats: list[Any] | None = None
) -> bool:
    def canon(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(m.twins.get(i, i) for i in ids))

    truth = {(canon(left), canon(right)) for left, right in m.pairs}
    matches, problems = got
    keyed = [((canon(left), canon(right)), rule) for left, right, rule in matches]
    correct = [k for k, _ in keyed if k in truth]
    precision = len(correct) / len(keyed) if keyed else 0.0
    recall = len(set(correct)) / len(truth)
    planted = Counter((k, canon(r)) for k, r in m.planted)
    found = Counter((k, canon(r)) for k, r in problems)
    missed, invented = planted - found, found - planted
    if stats is not None:
        tally = (planted, planted & found, missed, invented)
        stats.append((len(correct), len(keyed), len(truth), *(sum(c.values()) for c in tally)))
    print(
        f"\n{label}: {len(keyed)} matches of {len(truth)} true pairs; precision "
        f"{precision:.4%}  recall {recall:.4%}"
    )
    print(
        "  per rule: "
        + ", ".join(f"{r} {n}" for r, n in sorted(Counter(r for _, r in keyed).items()))
    )
    print(
        f"  {'discrepancy kind':<24}{'planted':>8}{'found':>8}{'matched':>9}{'missed':>8}"
        f"{'invented':>10}"
    )
    for kind in sorted({k for k, _ in planted} | {k for k, _ in found}):

        def n(c: Counter[Any], kind: str = kind) -> int:
            return sum(v for (k, _), v in c.items() if k == kind)

        print(
            f"  {kind:<24}{n(planted):>8}{n(found):>8}{n(planted & found):>9}"
            f"{n(missed):>8}{n(invented):>10}"
        )
    if verbose:
        byid = {p.id: p for p in m.payouts} | {d.id: d for d in m.deposits}

        def show(ids: tuple[str, ...]) -> str:
            return "; ".join(
                f"{i} {getattr(byid.get(i), 'gateway', '')} {money(byid[i].minor)} {byid[i].day}"
                if i in byid
                else i
                for i in ids
            )

        for (left, right), rule in keyed:
            if (left, right) not in truth:
                print(f"  WRONG ({rule}): [{show(left)}] -> [{show(right)}]")
        for left, right in sorted(truth - set(correct)):
            print(f"  MISSED pair: [{show(left)}] -> [{show(right)}]")
        for what, items in (
            ("MISSED", sorted(missed.elements())),
            ("INVENTED", sorted(invented.elements())),
        ):
            for item in items[:4]:
                print(f"  {what} discrepancy: {item[0]} {show(item[1])}")
            if len(items) > 4:
                print(f"  ... and {len(items) - 4} more {what.lower()}")
    return precision >= 0.999 and recall >= 0.999 and not missed and not invented


def accuracy(tmp: Path) -> bool:
    m = generate(31, 1, 65)
    print(
        f"ACCURACY: {START:%B %Y}, {len(m.payouts)} payouts ({m.orders} settlement "
        f"transactions: orders less refunds), {len(m.deposits)} bank lines "
        f"({sum(d.minor > 0 for d in m.deposits)} credits), {len(m.pairs)} true pairs, "
        f"{len(m.planted)} planted discrepancies"
    )
    today = START + timedelta(days=45)
    level1: list[Any] = []
    ok = score(m, pure(m, today), "LEVEL 1 match_payouts (pure)", stats=level1)
    good, rows = levels(m, today)
    ok &= good
    summary([*level1, *rows])
    ok &= score(
        m,
        service(m, tmp, {}, today),
        "full path (SQLite: payouts posted, then the OFX statement imported, which reconciles)",
    )
    print("\nSEQUENCES (full path; reported, not part of the target above):")
    score(
        m,
        statement_first(m, tmp, today),
        "statement imported before the payouts are posted, then reconcile.run",
    )
    score(m, daily(m, tmp), "daily: payouts and yesterday's bank lines, then the daily run")
    december = date(2026, 12, 1)
    xmas = generate(31, 1, 65, start=december, holidays=(date(2026, 12, 25), date(2027, 1, 1)))
    score(
        xmas,
        pure(xmas, december + timedelta(days=45)),
        "December 2026 with the TARGET2 "
        "holidays (25 Dec, 1 Jan; banks book nothing), match_payouts",
    )
    return ok


def summary(rows: list[Any]) -> None:
    """Precision, recall and planted-vs-found per level (pure matchers) and overall."""
    print(f"\nSUMMARY (pure matchers)\n  {'level':<22}{'matches':>8}{'true':>7}{'precision':>11}"
          f"{'recall':>10}{'planted':>9}{'found':>7}{'missed':>8}{'invented':>10}")
    names = ("1 payout-deposit", "2 transactions-payout", "3 order-charge")
    total = [sum(col) for col in zip(*rows, strict=True)]
    for name, (c, k, t, p, f, mi, inv) in zip((*names, "overall"), [*rows, total], strict=True):
        print(f"  {name:<22}{k:>8}{t:>7}{c / max(k, 1):>11.4%}{c / max(t, 1):>10.4%}{p:>9}"
              f"{f:>7}{mi:>8}{inv:>10}")


def scale(tmp: Path, quick: bool) -> None:
    print("\nSCALE: 12 accounts paying out daily, 100 transactions a payout, lines = payouts")
    print(
        f"  {'transactions':>12}{'payouts':>9}{'lines':>7}{'generate s':>12}"
        f"{'match_payouts s':>17}{'x previous':>12}{'precision':>11}{'recall':>10}"
    )
    previous = 0.0
    points = (100, 1_000) if quick else (100, 1_000, 10_000)
    biggest = None
    for n in points:
        t0 = time.perf_counter()
        days = -(-n // 12)
        m = generate(days, 4, 100, lines=n, seed=n, start=date.today() - timedelta(days=days + 20))
        t1 = time.perf_counter()
        today = max(p.day for p in m.payouts) + timedelta(days=30)
        got = pure(m, today)
        t2 = time.perf_counter()
        truth = {
            (tuple(sorted(m.twins.get(i, i) for i in a)), tuple(sorted(b))) for a, b in m.pairs
        }
        keys = [
            (tuple(sorted(m.twins.get(i, i) for i in a)), tuple(sorted(b))) for a, b, _ in got[0]
        ]
        good = sum(k in truth for k in keys)
        growth = f"{(t2 - t1) / previous:.1f}" if previous else "-"
        print(
            f"  {m.transactions:>12,}{len(m.payouts):>9,}{len(m.deposits):>7,}"
            f"{t1 - t0:>12.2f}{t2 - t1:>17.2f}{growth:>12}{good / len(keys):>11.4%}"
            f"{good / len(truth):>10.4%}",
            flush=True,
        )
        previous, biggest = t2 - t1, m
    if quick or biggest is None:
        return
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    got = service(biggest, tmp, times, max(p.day for p in biggest.payouts) + timedelta(days=30))
    total = time.perf_counter() - t0
    print(
        f"\nSERVICE PATH at {len(biggest.payouts):,} payouts / {len(biggest.deposits):,} "
        f"bank lines (SQLite, temporary file): {total:.2f} s in all"
    )
    for name, secs in sorted(times.items(), key=lambda x: (x[0][0] == " ", -x[1])):
        print(f"  {name:<50}{secs:>8.2f} s")
    score(biggest, got, "  service result at scale", verbose=False)


def profile(tmp: Path, n: int = 3_000) -> None:
    """Where the time goes: the full service path at ``n`` payouts under cProfile."""
    days = -(-n // 12)
    m = generate(days, 4, 100, lines=n, seed=n, start=date.today() - timedelta(days=days + 20))
    prof = cProfile.Profile()
    prof.runcall(service, m, tmp, {}, date.today())
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(10)
    print(f"\nPROFILE service path at {len(m.payouts):,} payouts (by own time, top 10):")
    text = out.getvalue()
    print(text[text.index("   ncalls") :].rstrip().replace(str(Path.cwd()) + "/", ""))


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    quick = "--quick" in sys.argv
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lb-reconcile-") as tmp:
        ok = accuracy(Path(tmp))
        scale(Path(tmp), quick)
        if "--profile" in sys.argv:
            profile(Path(tmp))
    print(
        f"\naccuracy target (>= 99.9 % precision and recall, every planted discrepancy "
        f"found, none invented): {'MET' if ok else 'NOT MET'}; bench "
        f"{time.perf_counter() - t0:.1f} s"
    )


if __name__ == "__main__":
    main()
