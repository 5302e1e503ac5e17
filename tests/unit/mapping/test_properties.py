"""Properties: for any payload, evaluation is deterministic, picks only accounts of the chart,
and a sale posted with the accounts it picks balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.mapping import Applied

from .helpers import CHART, DEFAULTS, compiled, post_sale, sale_of, shopify_order

FAST = settings(max_examples=150, deadline=None)
MAPPING = compiled(
    """
tables:
  regions: {US: na, CA: na, DE: eu, FR: eu}
fields:
  merchant: {expr: "note_attributes[?name=='merchant_code'].value | [0]", default: WEB}
  country: {expr: "upper(shipping_address.country_code)", default: XX}
  region: {from: country, lookup: regions, default: row}
  total: {expr: "decimal(total_price)", type: decimal, default: "0"}
  wholesale: {expr: "contains(tags, 'wholesale')", type: boolean, default: false}
dimensions:
  region: region
  merchant: merchant
accounts:
  - {role: sales, account: 4010, when: {wholesale: true}}
  - {role: sales, account: 4020, when: {merchant: [POS, AMZ]}}
  - {role: sales, account: 4030, when: {region: eu}}
  - {role: shipping_income, account: 4110, when: {region: eu, total: ["100", "115.00"]}}
  - {role: tax_payable, account: 2110, when: {expr: "contains(tags, 'vat')"}}
clearing:
  - {account: 1100-pos, when: {merchant: POS}}
"""
)

json_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
merchants = st.sampled_from(["POS", "AMZ", "WEB", "X1", ""]) | st.none()
countries = st.sampled_from(["us", "de", "fr", "ca", "jp"]) | st.none()
tags = st.sampled_from(["", "wholesale", "vat", "vat, wholesale", "vip"])


@st.composite
def payloads(draw: Any) -> dict[str, Any]:
    payload = shopify_order(
        draw(st.integers(1, 10**6)),
        merchant=draw(merchants),
        country=draw(countries),
        tags=draw(tags),
        shipping=draw(st.sampled_from(["0", "5.00", "12.50"])),
        tax_rate=draw(st.sampled_from(["0", "0.07", "0.19"])),
        discount=draw(st.sampled_from(["0", "3.00"])),
    )
    for key, value in draw(
        st.dictionaries(st.sampled_from(["extra", "meta", "x"]), json_values)
    ).items():
        payload[key] = value
    return payload


def evaluate(payload: dict[str, Any]) -> Applied | str:
    try:
        return MAPPING.apply(
            payload, event_type="orders/paid", event=sale_of(payload), role_defaults=DEFAULTS
        )
    except UnmappableEventError as exc:
        return exc.message


@FAST
@given(payload=payloads())
def test_evaluation_is_deterministic_and_picks_chart_accounts_that_balance(
    payload: dict[str, Any],
) -> None:
    first, second = evaluate(payload), evaluate(payload)
    assert first == second
    assert isinstance(first, Applied)
    assert set(first.accounts.values()) <= CHART
    assert first.clearing is None or first.clearing in CHART
    entry = post_sale(sale_of(payload), first.accounts, first.clearing)
    assert sum((x.amount for x in entry.lines), Decimal(0)) == 0
    assert sum((x.base_amount for x in entry.lines), Decimal(0)) == 0
    assert {x.account for x in entry.lines} <= CHART
    assert first.accounts[Role.BANK] == DEFAULTS[Role.BANK]


@FAST
@given(
    payload=st.dictionaries(
        st.sampled_from(["note_attributes", "shipping_address", "tags", "total_price", "test"]),
        json_values,
    )
)
def test_any_json_payload_maps_the_same_way_twice_or_fails_the_same_way(
    payload: dict[str, Any],
) -> None:
    def run() -> Applied | str:
        try:
            return MAPPING.apply(payload, event_type="orders/paid", role_defaults=DEFAULTS)
        except UnmappableEventError as exc:
            return exc.message

    first = run()
    assert first == run()
    if isinstance(first, Applied):
        assert set(first.accounts.values()) <= CHART
