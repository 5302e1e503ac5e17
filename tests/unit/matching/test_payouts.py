"""Level 1 matching: each rule on a worked example, the leftovers, and order independence."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.matching import DepositRef, PayoutRef, match_payouts
from ledgerbridge.domain.matching.payouts import window_end

D = Decimal
MON = date(2026, 3, 2)


def payout(
    pid: str,
    amount: str,
    day: date = MON,
    gateway: str = "stripe",
    ref: str | None = None,
    window: int = 5,
) -> PayoutRef:
    return PayoutRef(pid, gateway, gateway, ref or f"po_{pid}", D(amount), "EUR", day, window)


def deposit(did: str, amount: str, day: date = date(2026, 3, 4), text: str = "") -> DepositRef:
    return DepositRef(did, D(amount), "EUR", day, text)


def rules(
    payouts: list[PayoutRef], deposits: list[DepositRef], today: date = date(2026, 3, 5)
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    matches, _ = match_payouts(payouts, deposits, today=today)
    return sorted((m.rule, m.left, m.right) for m in matches)


def test_the_payout_id_in_the_remittance_wins_over_a_closer_amount_twin() -> None:
    found = rules(
        [payout("a", "100.00", ref="po_1Abc")],
        [
            deposit("x", "100.00", date(2026, 3, 2), "STRIPE PAYMENTS"),
            deposit("y", "100.00", date(2026, 3, 5), "STRIPE po_1Abc"),
        ],
    )
    assert found == [("reference", ("a",), ("y",))]


def test_same_amount_and_gateway_name_within_the_window() -> None:
    assert rules([payout("a", "250.10")], [deposit("x", "250.10", text="Stripe Payments UK")]) == [
        ("descriptor", ("a",), ("x",))
    ]


def test_a_deposit_outside_the_window_is_not_taken_and_the_payout_goes_missing() -> None:
    matches, found = match_payouts(
        [payout("a", "80.00")],
        [deposit("x", "80.00", date(2026, 3, 20), "STRIPE")],
        today=date(2026, 3, 25),
    )
    assert matches == []
    assert sorted(d.kind for d in found) == ["deposit_without_payout", "missing_deposit"]


def test_several_payouts_in_one_deposit_and_one_payout_split_over_two() -> None:
    found = rules(
        [payout("a", "40.00"), payout("b", "60.50"), payout("c", "500.00", gateway="paypal")],
        [
            deposit("x", "100.50", text="STRIPE TRANSFER"),
            deposit("y", "300.00", text="PAYPAL"),
            deposit("z", "200.00", text="PAYPAL"),
        ],
    )
    assert found == [("batched", ("a", "b"), ("x",)), ("split", ("c",), ("y", "z"))]


def test_a_deposit_short_by_a_bank_fee_is_a_match_with_a_discrepancy() -> None:
    matches, found = match_payouts(
        [payout("a", "1000.00")], [deposit("x", "997.50", text="STRIPE")], today=MON
    )
    assert [(m.rule, m.difference) for m in matches] == [("bank_fee", D("-2.50"))]
    assert [(d.kind, d.amount) for d in found] == [("bank_fee", D("2.50"))]


def test_a_duplicate_payout_is_named_as_such_not_as_a_missing_deposit() -> None:
    _, found = match_payouts(
        [payout("a", "75.00"), payout("b", "75.00")],
        [deposit("x", "75.00", text="STRIPE")],
        today=date(2026, 3, 30),
    )
    assert [(d.kind, d.refs) for d in found] == [("duplicate_payout", ("po_b",))]


def test_rent_is_an_unmatched_bank_line_not_a_discrepancy() -> None:
    _, found = match_payouts([], [deposit("x", "1200.00", text="ACME PROPERTIES RENT")], today=MON)
    assert found == []


def test_a_payout_still_inside_its_window_is_not_yet_missing() -> None:
    assert match_payouts([payout("a", "10.00")], [], today=date(2026, 3, 6))[1] == []


amounts = st.decimals(min_value=1, max_value=5000, places=2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(amounts, st.integers(0, 6)), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
)
def test_matching_ignores_the_order_of_its_inputs(
    rows: list[tuple[Decimal, int]], rnd: object
) -> None:
    payouts = [payout(f"p{i}", str(a), date(2026, 3, 1 + d)) for i, (a, d) in enumerate(rows)]
    deposits = [
        deposit(f"d{i}", str(a), date(2026, 3, 2 + d), "STRIPE")
        for i, (a, d) in enumerate(rows[::2])
    ]
    first = match_payouts(payouts, deposits, today=date(2026, 4, 1))
    shuffled_p, shuffled_d = payouts[::-1], deposits[::-1]
    assert match_payouts(shuffled_p, shuffled_d, today=date(2026, 4, 1)) == first


def test_a_friday_payout_over_a_holiday_still_finds_its_deposit() -> None:
    """Square's window is 3 business days: Thu 24 Dec lands Mon 28 Dec past the holiday."""
    found = rules(
        [payout("a", "2788.31", date(2026, 12, 24), gateway="square", window=3)],
        [deposit("x", "2788.31", date(2026, 12, 28), "SQUARE INC")],
        today=date(2027, 1, 10),
    )
    assert found == [("descriptor", ("a",), ("x",))]


def test_a_deposit_waits_for_its_payout_before_it_is_flagged() -> None:
    late = [deposit("x", "50.00", date(2026, 3, 4), "STRIPE")]
    assert match_payouts([], late, today=date(2026, 3, 6))[1] == []
    assert [d.kind for d in match_payouts([], late, today=date(2026, 3, 9))[1]] == [
        "deposit_without_payout"
    ]


def test_a_twin_of_a_payout_matched_in_an_earlier_run_is_a_duplicate() -> None:
    earlier = payout("a", "75.00")
    _, found = match_payouts([payout("b", "75.00")], [], today=date(2026, 3, 30), settled=[earlier])
    assert [d.kind for d in found] == ["duplicate_payout"]


def test_the_bounded_search_tries_the_nearest_candidates_not_the_earliest() -> None:
    """Fourteen payouts of one account could make up the deposit: the combination is the
    two nearest it (the latest), which a search of the first dozen by day would not reach."""
    early = [payout(f"a{i:02}", f"{i + 1}.00", date(2026, 3, 2), window=10) for i in range(12)]
    near = [payout("b1", "1000.00", date(2026, 3, 9)), payout("b2", "2000.00", date(2026, 3, 9))]
    found = rules(early + near, [deposit("x", "3000.00", date(2026, 3, 10), "STRIPE")])
    assert found == [("batched", ("b1", "b2"), ("x",))]
    parts = [deposit(f"e{i:02}", f"{i + 1}.00", date(2026, 3, 2)) for i in range(12)]
    late = [deposit("y1", "700.00", date(2026, 3, 11)), deposit("y2", "800.00", date(2026, 3, 11))]
    found = rules([payout("c", "1500.00", date(2026, 3, 10), window=10)], parts + late)
    assert found == [("split", ("c",), ("y1", "y2"))]


def test_a_long_window_payout_is_found_among_short_window_ones() -> None:
    """A deposit looks back as far as the longest window: a payout with a long window, early,
    still batches with a later one."""
    found = rules(
        [
            payout("long", "30.00", date(2026, 3, 2), window=10),
            *(payout(f"s{i}", f"{500 + i}.00", date(2026, 3, 2 + i), window=1) for i in range(8)),
            payout("late", "12.00", date(2026, 3, 12), window=1),
        ],
        [deposit("x", "42.00", date(2026, 3, 13), "STRIPE")],
    )
    assert found == [("batched", ("long", "late"), ("x",))]


def _large(groups: int) -> tuple[list[PayoutRef], list[DepositRef], list[tuple[str, ...]]]:
    """A year of twelve accounts (three gateways with different windows), each group of
    payouts and bank lines planted for one rule, amounts random (no accidental sums)."""
    rnd = Random(11)
    windows = {"stripe": 2, "paypal": 5, "square": 7}
    sources = [(g, f"{g}-{j}") for g in windows for j in range(4)]
    seen: set[int] = set()

    def amount() -> Decimal:
        """At least 30.00 from any other: no payout is within a bank fee of another's."""
        while (step := rnd.randint(6, 20_000)) in seen:
            pass
        seen.add(step)
        return D(step * 5_000 + rnd.randint(0, 1_999)) / 100

    payouts: list[PayoutRef] = []
    deposits: list[DepositRef] = []
    expected: list[tuple[str, ...]] = []
    for g in range(groups):
        gateway, source = sources[g % len(sources)]
        day = date(2026, 1, 5) + timedelta(days=g // 12)
        kind = g % 10
        made = [
            PayoutRef(
                f"p{g}.{k}",
                source,
                gateway,
                f"po_{g}_{k}",
                amount(),
                "EUR",
                day + timedelta(k),
                windows[gateway],
            )
            for k in range(1 if kind != 6 else 2 + g // 10 % 2)
        ]
        payouts += made
        first = made[0]
        start, end = day - timedelta(days=1), window_end(first)
        text = f"{gateway.upper()} PAYOUT {g}"
        if kind <= 4:
            deposits.append(
                DepositRef(f"d{g}", first.amount, "EUR", (start, day, end)[g % 3], text)
            )
            expected.append(("descriptor", first.id, f"d{g}"))
        elif kind == 5:
            deposits.append(
                DepositRef(
                    f"d{g}", first.amount, "EUR", end + timedelta(days=9), f"REF {first.reference}"
                )
            )
            expected.append(("reference", first.id, f"d{g}"))
        elif kind == 6:
            total = sum((p.amount for p in made), D(0))
            deposits.append(DepositRef(f"d{g}", total, "EUR", made[-1].day, text))
            expected.append(("batched", *(p.id for p in made), f"d{g}"))
        elif kind == 7:
            part = (first.amount / 3).quantize(D("0.01"))
            deposits.append(DepositRef(f"d{g}a", part, "EUR", day, text))
            deposits.append(
                DepositRef(f"d{g}b", first.amount - part, "EUR", day + timedelta(days=1), text)
            )
            expected.append(("split", first.id, f"d{g}a", f"d{g}b"))
        elif kind == 8:
            deposits.append(DepositRef(f"d{g}", first.amount - D("2.50"), "EUR", day, text))
            expected.append(("bank_fee", first.id, f"d{g}"))
        else:
            deposits.append(DepositRef(f"r{g}", amount(), "EUR", day, "ACME PROPERTIES RENT"))
    return payouts, deposits, expected


def test_a_year_of_5000_payouts_matches_every_planted_group() -> None:
    """Scale without a clock (the timing is in bench/reconcile.py's SCALE table): every group
    found by its rule, whatever the input order."""
    payouts, deposits, expected = _large(4_400)
    assert len(payouts) >= 5_000
    today = max(p.day for p in payouts) + timedelta(days=30)
    matches, found = match_payouts(payouts, deposits, today=today)
    assert sorted((m.rule, *m.left, *m.right) for m in matches) == sorted(expected)
    kinds = sorted({d.kind for d in found})
    assert kinds == ["bank_fee", "missing_deposit"]
    assert sum(d.kind == "missing_deposit" for d in found) == 4_400 // 10
    assert match_payouts(payouts[::-1], deposits[::-1], today=today) == (matches, found)
