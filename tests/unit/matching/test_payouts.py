"""Level 1 matching: each rule on a worked example, the leftovers, and order independence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.matching import DepositRef, PayoutRef, match_payouts

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
