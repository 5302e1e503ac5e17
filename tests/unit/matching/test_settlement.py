"""Level 2 matching: itemised payouts against their transactions, the unitemised fallback
against the clearing balance, and the charges no payout has paid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.matching.settlement import (
    SettledPayout,
    Unpaid,
    adyen_itemisation,
    itemisation,
    match_settlements,
    totals,
    unsettled,
    unsettled_sales,
)
from ledgerbridge.sources.adyen.report import ReportRow

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


def adyen_rows() -> list[ReportRow]:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def row(
        line: int,
        kind: str,
        net: str,
        batch: str = "9",
        psp: str | None = None,
        mod: str | None = None,
        fees: tuple[tuple[str, Decimal], ...] = (),
    ) -> ReportRow:
        return ReportRow(line, "Shop", psp, None, at, kind, mod, batch, "EUR", D(net), fees=fees)

    return [
        row(
            2,
            "Settled",
            "59.52",
            psp="P1",
            mod="C1",
            fees=(("markup", D("0.30")), ("scheme_fees", D("0.06")), ("interchange", D("0.12"))),
        ),
        row(3, "Settled", "19.75", psp="P2", mod="C2", fees=(("commission", D("0.25")),)),
        row(4, "Refunded", "-10.00", psp="P1", mod="R1"),
        row(5, "Chargeback", "-20.00", psp="P2", mod="D1"),
        row(6, "Fee", "-0.40", mod="Transaction Fees March 02 2026"),
        row(7, "Settled", "5.00", batch="10", psp="P3", mod="C3"),  # the next batch
        row(8, "MerchantPayout", "-48.87", mod="TX000000009XT batch 9"),
    ]


def test_adyen_batch_rows_itemise_its_payout() -> None:
    items = adyen_itemisation(adyen_rows(), "9", "EUR")
    assert items is not None
    assert [(i.ref, i.category, i.net) for i in items] == [
        ("C1", "charges", D("59.52")),
        ("C2", "charges", D("19.75")),
        ("R1", "refunds", D("-10.00")),
        ("D1", "disputes", D("-20.00")),
        ("Transaction Fees March 02 2026", "fees", D("-0.40")),
    ]
    assert totals(items) == {
        "charges": D("80.00"),
        "refunds": D("10.00"),
        "fees": D("1.13"),
        "disputes": D("20.00"),
        "adjustments": D(0),
    }
    adyen = SettledPayout("a", "adyen", "batch 9", D("48.87"), "EUR", MON, items)
    short = SettledPayout("b", "adyen", "batch 9", D("50.00"), "EUR", MON, items)
    found, problems = match_settlements([adyen, short], {})
    assert [(m.rule, m.difference) for m in found] == [("itemised", D(0)), ("itemised", D("1.13"))]
    assert [(p.kind, p.amount) for p in problems] == [("settlement_mismatch", D("1.13"))]
    assert "charges 80.00 - refunds 10.00 - fees 1.13 - disputes 20.00" in problems[0].detail


def test_adyen_no_itemisation_without_one_payout_row_for_the_batch() -> None:
    rows = adyen_rows()
    assert adyen_itemisation(rows, "10", "EUR") is None  # batch 10 has no MerchantPayout
    assert adyen_itemisation(rows, "9", "USD") is None
    assert adyen_itemisation([*rows, rows[-1]], "9", "EUR") is None  # paid out twice


def test_square_payments_and_shopify_orders_unsettled_until_a_payout_names_them() -> None:
    entries = [
        {
            "id": "e1",
            "type": "CHARGE",
            "net_amount_money": {"amount": 970, "currency": "EUR"},
            "type_charge_details": {"payment_id": "pay_1"},
        }
    ]
    square_paid = {
        i.charge for i in itemisation("square", {"payout_entries": entries}, "EUR") or ()
    }
    rows = [{"id": 1, "type": "charge", "amount": "50.00", "fee": "1", "source_order_id": 7001}]
    shop_paid = {i.charge for i in itemisation("shopify", {"transactions": rows}, "EUR") or ()}
    paid = frozenset(c for c in square_paid | shop_paid if c)
    sales = [
        Unpaid("f1", "pay_1", D(10), "EUR", MON, 1),
        Unpaid("f2", "pay_2", D(5), "EUR", MON, 1),
        Unpaid("f3", "#1001", D(50), "EUR", MON, 3, "7001", "order"),
        Unpaid("f4", "#1002", D(20), "EUR", MON, 3, "7002", "order"),
    ]
    assert unsettled_sales(sales, paid, today=MON + timedelta(2)) == []
    late = unsettled_sales(sales, paid, today=MON + timedelta(3))
    assert [(d.key, d.refs) for d in late] == [("unsettled_sale:f2", ("pay_2",))]
    late = unsettled_sales(sales, paid, today=MON + timedelta(7))
    assert [(d.key, d.refs) for d in late] == [
        ("unsettled_sale:f2", ("pay_2",)),
        ("unsettled_sale:f4", ("#1002",)),
    ]
    assert late[1].detail.startswith("order #1002 of 20 EUR")
