"""Level 3 matching: orders to charges by reference, by amount and day, the mismatches and
leftovers, and order independence."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.matching.orders import (
    ChargeRef,
    OrderRef,
    fronted_gateways,
    match_orders,
    normalise,
)

D = Decimal
MON = date(2026, 3, 2)
FRONTED = frozenset({"stripe"})


def order(oid: str, amount: str, name: str | None = None, day: date = MON) -> OrderRef:
    return OrderRef(
        oid, "shop", "stripe", oid.removeprefix("o"), name or f"#{oid}", D(amount), "EUR", day
    )


def charge(cid: str, amount: str, ref: str | None = None, day: date = MON) -> ChargeRef:
    return ChargeRef(cid, "stripe", f"ch_{cid}", ref, D(amount), "EUR", day)


def run(orders: list[OrderRef], charges: list[ChargeRef], today: date = MON, **kw: object):  # type: ignore[no-untyped-def]
    found, problems = match_orders(orders, charges, today=today, fronted=FRONTED, **kw)  # type: ignore[arg-type]
    return (
        sorted((m.rule, m.left, m.right, m.difference) for m in found),
        sorted((p.kind, p.key, p.amount) for p in problems),
    )


def test_normalise_treats_hash_and_bare_numbers_alike() -> None:
    assert normalise("#1001") == normalise(" 1001 ") == "1001"
    assert normalise(None) == ""


def test_reference_beats_a_same_amount_charge_and_names_match_with_or_without_hash() -> None:
    found, problems = run(
        [order("o1", "10.00", name="#1001"), order("o2", "10.00", name="#1002")],
        [charge("a", "10.00", ref="1002"), charge("b", "10.00", ref="#1001")],
    )
    assert found == [
        ("order_reference", ("o1",), ("b",), D(0)),
        ("order_reference", ("o2",), ("a",), D(0)),
    ]
    assert problems == []


def test_order_id_also_matches() -> None:
    found, _ = run([order("o77", "5.00", name="#1077")], [charge("c", "5.00", ref="77")])
    assert found == [("order_reference", ("o77",), ("c",), D(0))]


def test_amount_mismatch_by_reference_is_a_match_and_a_discrepancy() -> None:
    found, problems = run([order("o1", "10.00")], [charge("a", "9.50", ref="#o1")])
    assert found == [("order_reference", ("o1",), ("a",), D("-0.50"))]
    assert problems == [("amount_mismatch", "amount_mismatch:o1:a", D("-0.50"))]


def test_amount_and_day_within_two_days_for_a_charge_naming_no_order() -> None:
    found, _ = run(
        [order("o1", "12.00")],
        [
            charge("far", "12.00", day=MON + timedelta(3)),
            charge("near", "12.00", day=MON + timedelta(1)),
        ],
    )
    assert found == [("amount_date", ("o1",), ("near",), D(0))]


def test_a_charge_naming_another_known_order_is_not_taken_by_amount() -> None:
    found, _ = run([order("o1", "12.00"), order("o2", "99.00")], [charge("x", "12.00", ref="#o2")])
    assert ("amount_date", ("o1",), ("x",), D(0)) not in found


def test_leftovers_after_three_days_only() -> None:
    orders, charges = [order("o1", "20.00")], [charge("z", "7.00", ref="unknown")]
    assert run(orders, charges, today=MON + timedelta(3))[1] == []
    _, problems = run(orders, charges, today=MON + timedelta(4))
    assert problems == [
        ("charge_without_order", "charge_without_order:z", D("7.00")),
        ("order_without_charge", "order_without_charge:o1", D("20.00")),
    ]


def test_gateways_without_a_store_in_front_expect_nothing() -> None:
    lone = ChargeRef("c", "paypal", "pp_1", None, D(5), "EUR", MON)
    own = OrderRef("o", "shop", "shop", "1", "#1", D(5), "EUR", MON)
    found, problems = match_orders([own], [lone], today=MON + timedelta(30), fronted=FRONTED)
    assert (found, problems) == ([], [])


def test_a_vetoed_pair_is_never_matched_again() -> None:
    found, _ = run(
        [order("o1", "10.00")], [charge("a", "10.00", ref="#o1")], vetoed=frozenset({("o1", "a")})
    )
    assert found == []


def test_fronted_gateways_read_store_settings() -> None:
    sources = [
        {"id": "stripe", "settings": {"role": "gateway"}},
        {"id": "square", "settings": {"role": "gateway"}},
        {"id": "shop", "settings": {"gateway": {"stripe": "stripe", "*": "square"}}},
        {"id": "woo", "settings": {"gateway": "nowhere"}},
    ]
    assert fronted_gateways(sources) == frozenset({"stripe", "square"})


AMOUNTS = st.sampled_from(["10.00", "12.50", "99.99"])


@given(
    st.lists(st.tuples(AMOUNTS, st.integers(0, 4), st.booleans()), min_size=1, max_size=8),
    st.lists(st.tuples(AMOUNTS, st.integers(0, 4), st.integers(-1, 7)), min_size=1, max_size=8),
    st.randoms(use_true_random=False),
)
@settings(max_examples=60, deadline=None)
def test_order_independence(orders_spec, charges_spec, rnd) -> None:  # type: ignore[no-untyped-def]
    orders = [order(f"o{i}", a, day=MON + timedelta(d)) for i, (a, d, _) in enumerate(orders_spec)]
    charges = [
        charge(f"c{i}", a, ref=f"#o{r}" if r >= 0 else None, day=MON + timedelta(d))
        for i, (a, d, r) in enumerate(charges_spec)
    ]
    first = run(orders, charges, today=MON + timedelta(10))
    rnd.shuffle(orders)
    rnd.shuffle(charges)
    assert run(orders, charges, today=MON + timedelta(10)) == first
    used = [c for _, _, right, _ in first[0] for c in right]
    assert len(used) == len(set(used))  # one charge per order
