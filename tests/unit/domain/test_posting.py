"""Posting rules over the retail chart: each canonical event as exact lines."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.domain.events import (
    Charge,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Noted,
    Payout,
    PayoutFailed,
    Refund,
    Sale,
)
from ledgerbridge.domain.posting import PostingContext

from .factories import (
    BANK,
    CHARGEBACKS,
    CLEARING,
    DISCOUNTS,
    FEES,
    GIFT_CARDS,
    RETURNS,
    SALES,
    SHIPPING,
    TAX,
    at,
    balances,
    d,
    pairs,
    post,
    retail_context,
)

STORE = retail_context(source="shopify")
GATEWAY = retail_context(source="stripe")
GATEWAY_ALONE = retail_context(source="stripe", recognize_revenue=True)


def sale(**kw: object) -> Sale:
    fields: dict[str, object] = {
        "key": "shopify:order:1001",
        "reference": "#1001",
        "occurred_at": at(1),
        "currency": "EUR",
        "gateway": "stripe",
    }
    fields.update(kw)
    return Sale(**fields)  # type: ignore[arg-type]


def refund(**kw: object) -> Refund:
    fields: dict[str, object] = {
        "key": "shopify:refund:77",
        "reference": "77",
        "occurred_at": at(10),
        "currency": "EUR",
        "order_reference": "#1001",
    }
    fields.update(kw)
    return Refund(**fields)  # type: ignore[arg-type]


def entry_for(event, ctx: PostingContext = STORE, base: str = "EUR"):
    e = post(event, ctx, base=base)
    assert e is not None
    return e


# --- sales ---------------------------------------------------------------------------------


def test_sale_with_discount_shipping_and_tax() -> None:
    e = entry_for(
        sale(
            goods=d("100.00"),
            discounts=d("10.00"),
            shipping=d("5.00"),
            tax=d("19.00"),
            total=d("114.00"),
        )
    )
    assert pairs(e) == [
        (CLEARING, d("114.00")),
        (DISCOUNTS, d("10.00")),
        (SALES, d("-100.00")),
        (SHIPPING, d("-5.00")),
        (TAX, d("-19.00")),
    ]
    assert e.key == "shopify:order:1001"
    assert e.description == "Sale #1001"
    assert e.effective_date == date(2024, 3, 1)
    assert e.source == "shopify"
    assert e.ledger == "main"


def test_sale_rounding_remainder_of_the_platform_goes_to_sales() -> None:
    # Tax rounded per line by the store: parts say 11.88, the customer paid 11.90.
    e = entry_for(sale(goods=d("9.99"), tax=d("1.89"), total=d("11.90")))
    assert pairs(e) == [(CLEARING, d("11.90")), (SALES, d("-10.01")), (TAX, d("-1.89"))]


def test_sale_where_parts_exceed_the_total_credits_less_revenue() -> None:
    e = entry_for(sale(goods=d("10.00"), tax=d("1.90"), total=d("11.89")))
    assert pairs(e) == [(CLEARING, d("11.89")), (SALES, d("-9.99")), (TAX, d("-1.90"))]


def test_sale_of_a_gift_card_is_a_liability_not_revenue() -> None:
    e = entry_for(sale(goods=d("20.00"), gift_cards_sold=d("50.00"), total=d("70.00")))
    assert pairs(e) == [(CLEARING, d("70.00")), (SALES, d("-20.00")), (GIFT_CARDS, d("-50.00"))]


def test_sale_paid_partly_by_gift_card_only_clears_the_rest_through_the_gateway() -> None:
    e = entry_for(sale(goods=d("80.00"), gift_card_tender=d("30.00"), total=d("80.00")))
    assert pairs(e) == [(CLEARING, d("50.00")), (GIFT_CARDS, d("30.00")), (SALES, d("-80.00"))]


def test_sale_paid_wholly_by_gift_card_touches_no_clearing() -> None:
    e = entry_for(
        sale(goods=d("25.00"), tax=d("5.00"), gift_card_tender=d("30.00"), total=d("30.00"))
    )
    assert pairs(e) == [(GIFT_CARDS, d("30.00")), (SALES, d("-25.00")), (TAX, d("-5.00"))]


def test_sale_in_yen_has_no_decimals() -> None:
    e = entry_for(sale(currency="JPY", goods=d("3000"), tax=d("300"), total=d("3300")), base="JPY")
    assert pairs(e) == [(CLEARING, d("3300")), (SALES, d("-3000")), (TAX, d("-300"))]
    assert {x.currency for x in e.lines} == {"JPY"}


def test_sale_keeps_event_dimensions_over_context_dimensions() -> None:
    ctx = PostingContext(
        ledger="main",
        source="shopify",
        accounts=STORE.accounts,
        clearing=CLEARING,
        dimensions={"channel": "web", "store": "eu"},
    )
    e = entry_for(sale(goods=d("10.00"), total=d("10.00"), dimensions={"channel": "pos"}), ctx)
    assert all(dict(x.dimensions) == {"channel": "pos", "store": "eu"} for x in e.lines)


def test_sale_on_a_chart_without_tax_account_is_unmappable() -> None:
    ctx = PostingContext(
        ledger="main",
        source="shopify",
        accounts={r: c for r, c in STORE.accounts.items() if r.value != "tax_payable"},
        clearing=CLEARING,
    )
    with pytest.raises(UnmappableEventError, match="tax_payable"):
        post(sale(goods=d("10.00"), tax=d("1.90"), total=d("11.90")), ctx)


# --- revenue recognised once --------------------------------------------------------------


def test_sale_recognised_once_when_store_and_gateway_both_report() -> None:
    order = sale(goods=d("100.00"), shipping=d("5.00"), tax=d("19.95"), total=d("124.95"))
    charge = Charge(
        key="stripe:charge:ch_1",
        reference="ch_1",
        occurred_at=at(1),
        currency="EUR",
        amount=d("124.95"),
        order_reference="#1001",
    )
    journal = [e for e in (post(order, STORE), post(charge, GATEWAY)) if e is not None]
    sales_lines = [x for e in journal for x in e.lines if x.account == SALES]
    assert [x.amount for x in sales_lines] == [d("-100.00")]
    assert balances(journal) == {
        CLEARING: d("124.95"),
        SALES: d("-100.00"),
        SHIPPING: d("-5.00"),
        TAX: d("-19.95"),
    }


def test_charge_posts_nothing_when_a_store_recognises_the_revenue() -> None:
    charge = Charge(key="c", reference="ch_1", occurred_at=at(1), currency="EUR", amount=d("5"))
    assert post(charge, GATEWAY) is None


def test_charge_of_a_gateway_with_no_store_in_front_posts_the_sale() -> None:
    charge = Charge(key="c", reference="ch_1", occurred_at=at(1), currency="USD", amount=d("42.50"))
    e = post(charge, GATEWAY_ALONE, base="USD")
    assert e is not None
    assert pairs(e) == [(CLEARING, d("42.50")), (SALES, d("-42.50"))]
    assert e.description == "Sale by charge ch_1"


def test_gateway_refund_posts_only_for_a_revenue_recognising_gateway() -> None:
    r = GatewayRefund(
        key="re_1",
        reference="re_1",
        occurred_at=at(2),
        currency="EUR",
        amount=d("12.00"),
        charge_reference="ch_1",
    )
    assert post(r, GATEWAY) is None
    e = post(r, GATEWAY_ALONE)
    assert e is not None
    assert pairs(e) == [(RETURNS, d("12.00")), (CLEARING, d("-12.00"))]


# --- refunds ---------------------------------------------------------------------------------


def test_partial_refund_of_one_item_with_its_tax() -> None:
    e = entry_for(refund(goods=d("40.00"), tax=d("7.60"), total=d("47.60")))
    assert pairs(e) == [(RETURNS, d("40.00")), (TAX, d("7.60")), (CLEARING, d("-47.60"))]
    assert e.description == "Refund 77 of order #1001"
    assert e.effective_date == date(2024, 3, 10)


def test_full_refund_returns_goods_shipping_and_tax() -> None:
    e = entry_for(refund(goods=d("90.00"), shipping=d("5.00"), tax=d("19.00"), total=d("114.00")))
    assert pairs(e) == [
        (RETURNS, d("90.00")),
        (SHIPPING, d("5.00")),
        (TAX, d("19.00")),
        (CLEARING, d("-114.00")),
    ]


def test_refund_of_a_manual_amount_goes_to_sales_returns() -> None:
    e = entry_for(refund(goods=d("40.00"), tax=d("7.60"), total=d("50.00")))
    assert pairs(e) == [(RETURNS, d("42.40")), (TAX, d("7.60")), (CLEARING, d("-50.00"))]
    e = entry_for(refund(total=d("15.00")))
    assert pairs(e) == [(RETURNS, d("15.00")), (CLEARING, d("-15.00"))]


def test_partial_refund_after_payout() -> None:
    journal = [
        entry_for(sale(goods=d("100.00"), tax=d("19.00"), total=d("119.00"))),
        entry_for(
            Fee(
                key="fee:1", reference="txn_1", occurred_at=at(1), currency="EUR", amount=d("2.03")
            ),
            GATEWAY,
        ),
        entry_for(
            Payout(
                key="po:1", reference="po_1", occurred_at=at(3), currency="EUR", amount=d("116.97")
            ),
            GATEWAY,
        ),
    ]
    assert balances(journal)[CLEARING] == 0
    journal.append(entry_for(refund(goods=d("40.00"), tax=d("7.60"), total=d("47.60"))))
    # Refunded after the money left: the clearing account now owes the gateway.
    assert balances(journal) == {
        CLEARING: d("-47.60"),
        SALES: d("-100.00"),
        TAX: d("-11.40"),
        RETURNS: d("40.00"),
        FEES: d("2.03"),
        BANK: d("116.97"),
    }


# --- gateway fees, disputes, payouts ------------------------------------------------------------


def test_gateway_fee_is_an_expense_against_clearing() -> None:
    fee = Fee(key="fee:1", reference="txn_1", occurred_at=at(1), currency="EUR", amount=d("3.49"))
    assert pairs(entry_for(fee, GATEWAY)) == [(FEES, d("3.49")), (CLEARING, d("-3.49"))]


def test_fee_given_back_credits_the_expense() -> None:
    fee = Fee(key="fee:2", reference="txn_2", occurred_at=at(1), currency="EUR", amount=d("-0.25"))
    assert pairs(entry_for(fee, GATEWAY)) == [(FEES, d("-0.25")), (CLEARING, d("0.25"))]


def test_zero_fee_posts_nothing() -> None:
    fee = Fee(key="fee:3", reference="txn_3", occurred_at=at(1), currency="EUR", amount=d("0"))
    assert post(fee, GATEWAY) is None


def test_dispute_withdrawn_then_reinstated_nets_to_zero() -> None:
    withdrawn = DisputeFunds(
        key="dp_1:w",
        reference="dp_1",
        occurred_at=at(5),
        currency="EUR",
        withdrawn=d("114.00"),
        fee=d("15.00"),
    )
    reinstated = DisputeFunds(
        key="dp_1:r",
        reference="dp_1",
        occurred_at=at(20),
        currency="EUR",
        withdrawn=d("-114.00"),
        fee=d("-15.00"),
    )
    e1, e2 = entry_for(withdrawn, GATEWAY), entry_for(reinstated, GATEWAY)
    assert pairs(e1) == [(CHARGEBACKS, d("129.00")), (CLEARING, d("-129.00"))]
    assert e1.description == "Dispute dp_1 funds withdrawn"
    assert pairs(e2) == [(CHARGEBACKS, d("-129.00")), (CLEARING, d("129.00"))]
    assert e2.description == "Dispute dp_1 funds reinstated"
    assert balances([e1, e2]) == {CHARGEBACKS: 0, CLEARING: 0}


def test_dispute_that_moves_nothing_posts_nothing() -> None:
    nothing = DisputeFunds(
        key="dp_2", reference="dp_2", occurred_at=at(5), currency="EUR", withdrawn=d("0")
    )
    assert post(nothing, GATEWAY) is None


def test_payout_debits_the_bank_on_its_arrival_day() -> None:
    payout = Payout(
        key="po:1",
        reference="po_1",
        occurred_at=at(3),
        currency="EUR",
        amount=d("110.51"),
        arrival=at(5),
    )
    e = entry_for(payout, GATEWAY)
    assert pairs(e) == [(BANK, d("110.51")), (CLEARING, d("-110.51"))]
    assert e.effective_date == date(2024, 3, 5)
    assert e.description == "Payout po_1"


def test_payout_failed_and_noted_post_nothing() -> None:
    failed = PayoutFailed(
        key="po:1:failed", reference="po_1", occurred_at=at(6), currency="EUR", payout_key="po:1"
    )
    noted = Noted(
        key="n",
        reference="#1002",
        occurred_at=at(6),
        currency="EUR",
        note="order cancelled before payment",
    )
    assert post(failed, GATEWAY) is None
    assert post(noted, STORE) is None
