"""Level 2 matching: itemised payouts against their transactions, the unitemised fallback
against the clearing balance, and the charges no payout has paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.matching.settlement import (
    SettledPayout,
    itemisation,
    match_settlements,
    totals,
    unsettled,
)

D = Decimal
MON = date(2026, 3, 2)


def txn(tid: str, kind: str, amount: int, fee: int, source: str = "") -> dict[str, object]:
    return {
        "id": tid,
        "type": kind,
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
        "currency": "eur",
        "source": source or None,
    }


STRIPE = [
    txn("txn_1", "charge", 10000, 320, "ch_1"),
    txn("txn_2", "charge", 5000, 175, "ch_2"),
    txn("txn_3", "refund", -2000, 0, "re_1"),
    {**txn("txn_4", "adjustment", -1500, 1500, "dp_1"), "description": "Chargeback withdrawal"},
    txn("txn_po", "payout", -9505, 0, "po_1"),
]


def payout(pid: str, amount: str, items: object, day: date = MON) -> SettledPayout:
    return SettledPayout(pid, "stripe", f"po_{pid}", D(amount), "EUR", day, items)  # type: ignore[arg-type]


def test_stripe_itemisation_leaves_the_payout_row_out_and_sums_by_category() -> None:
    items = itemisation("stripe", {"payout_balance_transactions": STRIPE}, "EUR")
    assert items is not None
    assert [i.ref for i in items] == ["txn_1", "txn_2", "txn_3", "txn_4"]
    assert totals(items) == {
        "charges": D("150.00"),
        "refunds": D("20.00"),
        "fees": D("19.95"),
        "disputes": D("15.00"),
        "adjustments": D(0),
    }
    assert sum(i.net for i in items) == D("95.05")
    assert {i.charge for i in items} >= {"ch_1", "ch_2"}


def test_no_itemisation_for_manual_payouts_or_other_gateways() -> None:
    assert itemisation("stripe", {"payout_balance_transactions": []}, "EUR") is None
    assert itemisation("stripe", None, "EUR") is None
    assert itemisation("paypal", {"anything": [1]}, "EUR") is None


def test_square_entries_and_shopify_transactions() -> None:
    entries = [
        {
            "id": "e1",
            "type": "CHARGE",
            "gross_amount_money": {"amount": 1000, "currency": "EUR"},
            "fee_amount_money": {"amount": -30, "currency": "EUR"},
            "net_amount_money": {"amount": 970, "currency": "EUR"},
            "type_charge_details": {"payment_id": "pay_1"},
        },
        {"id": "e2", "type": "FEE", "net_amount_money": {"amount": -5, "currency": "EUR"}},
    ]
    items = itemisation("square", {"payout_entries": entries}, "EUR") or ()
    assert [(i.ref, i.net, i.charge) for i in items] == [
        ("e1", D("9.70"), "pay_1"),
        ("e2", D("-0.05"), None),
    ]
    rows = [
        {
            "id": 1,
            "type": "charge",
            "amount": "50.00",
            "fee": "1.75",
            "net": "48.25",
            "source_order_id": 7,
        },
        {"id": 2, "type": "payout", "amount": "-48.25", "fee": "0.00", "net": "-48.25"},
        {"id": 3, "type": "charge", "amount": "9.00", "fee": "0", "net": "9.00", "test": True},
    ]
    items = itemisation("shopify", {"transactions": rows}, "EUR") or ()
    assert [(i.ref, i.net, i.charge) for i in items] == [("1", D("48.25"), "7")]


def test_itemised_payout_that_adds_up_and_one_that_does_not() -> None:
    items = itemisation("stripe", {"payout_balance_transactions": STRIPE}, "EUR")
    found, problems = match_settlements(
        [payout("a", "95.05", items), payout("b", "96.05", items)], {}
    )
    assert [(m.rule, m.left, m.difference, m.confidence) for m in found] == [
        ("itemised", ("a",), D(0), D("1.00")),
        ("itemised", ("b",), D("1.00"), D("0.90")),
    ]
    assert found[0].right == ("txn_1", "txn_2", "txn_3", "txn_4")
    [problem] = problems
    assert (problem.kind, problem.key, problem.amount) == (
        "settlement_mismatch",
        "settlement_mismatch:b",
        D("1.00"),
    )
    assert "charges 150.00 - refunds 20.00 - fees 19.95 - disputes 15.00" in problem.detail


def test_unitemised_payout_matches_the_balance_since_the_previous_payout() -> None:
    movements = [(MON, D("40")), (MON + timedelta(1), D("60")), (MON + timedelta(2), D("25"))]
    first = payout("p1", "100", None, MON + timedelta(1))
    second = payout("p2", "25", None, MON + timedelta(3))
    wrong = payout("p3", "999", None, MON + timedelta(4))
    found, problems = match_settlements([second, wrong, first], {("stripe", "EUR"): movements})
    assert [(m.rule, m.left, m.confidence) for m in found] == [
        ("unitemised_balance", ("p1",), D("0.60")),
        ("unitemised_balance", ("p2",), D("0.60")),
    ]
    assert found[1].right == (f"stripe clearing {MON + timedelta(1)}..{MON + timedelta(3)}",)
    assert problems == []  # an unexplained unitemised payout is left unmatched, not flagged


def test_unitemised_matches_an_earlier_day_when_later_charges_are_still_pending() -> None:
    movements = [(MON, D("40")), (MON + timedelta(1), D("60"))]
    found, _ = match_settlements(
        [payout("p", "40", None, MON + timedelta(1))], {("stripe", "EUR"): movements}
    )
    assert found[0].right == (f"stripe clearing start..{MON}",)


def test_unsettled_after_the_delay_only_and_not_when_paid() -> None:
    charges = [("f1", "ch_1", D(10), "EUR", MON, 2), ("f2", "ch_2", D(5), "EUR", MON, 2)]
    assert unsettled(charges, frozenset({"ch_1"}), today=MON + timedelta(3)) == []
    [late] = unsettled(charges, frozenset({"ch_1"}), today=MON + timedelta(4))
    assert (late.kind, late.key, late.refs) == ("unsettled_sale", "unsettled_sale:f2", ("ch_2",))


@given(st.permutations(range(4)), st.lists(st.integers(1, 5000), min_size=4, max_size=4))
@settings(max_examples=40, deadline=None)
def test_order_independence(order, amounts) -> None:  # type: ignore[no-untyped-def]
    movements = [(MON + timedelta(i), D(a)) for i, a in enumerate(amounts)]
    payouts = [payout(f"p{i}", str(amounts[i]), None, MON + timedelta(i)) for i in range(4)]
    expected = match_settlements(payouts, {("stripe", "EUR"): movements})
    shuffled = [payouts[i] for i in order]
    assert match_settlements(shuffled, {("stripe", "EUR"): list(reversed(movements))}) == expected
    assert len(expected[0]) == 4  # each payout took exactly its day
