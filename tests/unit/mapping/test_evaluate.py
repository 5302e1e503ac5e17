"""Evaluating a mapping over one event: fields, dimensions, accounts, clearing, ignore rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import yaml  # type: ignore[import-untyped]

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.domain.events import Fee, Payout

from .helpers import DEFAULTS, compiled, sale_of, shopify_order

FIELDS_YAML = """
tables:
  merchants: {WEB: online, POS: counter, "1001": legacy}
fields:
  merchant: "note_attributes[?name=='merchant_code'].value | [0]"
  merchant_kind: "lookup('merchants', note_attributes[?name=='merchant_code'].value | [0])"
  fallback: "default(note_attributes[?name=='nothing'].value | [0], 'WEB')"
  country: {expr: "upper(shipping_address.country_code)", default: XX}
  city: "lower(shipping_address.city)"
  total: {expr: "decimal(total_price)", type: decimal}
  quantity: {expr: "line_items[0].quantity", type: integer}
  wholesale: {expr: "contains(tags, 'wholesale')", type: boolean}
  kind: {from: merchant, lookup: merchants, default: other}
  kind_upper: {from: kind, expr: "upper(@)"}
"""


def test_fields_read_the_payload_with_the_custom_functions() -> None:
    mapping = compiled(FIELDS_YAML)
    payload = shopify_order(1, merchant="POS", country="de", tags="vip, wholesale")
    facts = mapping.facts(payload, "orders/paid").values
    assert facts["merchant"] == "POS"
    assert facts["merchant_kind"] == "counter"
    assert facts["country"] == "DE"
    assert facts["city"] == "somewhere"
    assert facts["total"] == "115.00"
    assert facts["quantity"] == "2"
    assert facts["wholesale"] == "true"
    assert facts["kind"] == "counter"
    assert facts["kind_upper"] == "COUNTER"
    assert facts["fallback"] == "WEB"


def test_defaults_apply_to_null_and_to_a_lookup_that_misses() -> None:
    mapping = compiled(FIELDS_YAML)
    payload = shopify_order(1, merchant="ZZZ", country=None)
    facts = mapping.facts(payload, "orders/paid").values
    assert facts["country"] == "XX"
    assert facts["city"] is None
    assert facts["kind"] == "other"
    assert facts["merchant_kind"] is None


def test_built_in_facts_come_from_the_canonical_event() -> None:
    mapping = compiled({})
    payload = shopify_order(3, currency="EUR")
    facts = mapping.facts(payload, "orders/paid", sale_of(payload), source="shop").values
    assert facts == {
        "event_type": "orders/paid",
        "event_kind": "Sale",
        "currency": "EUR",
        "gateway": "shopify_payments",
        "source": "shop",
        "amount": "115.00",
    }


@pytest.mark.parametrize(
    ("given", "expected"),
    [("45.00", "45.00"), (" 1e3 ", "1000"), (12, "12"), (0.1, "0.1"), ("-0.00", "0.00")],
)
def test_decimal_gives_plain_decimal_text_never_a_float(given: object, expected: str) -> None:
    mapping = compiled({"fields": {"v": "decimal(v)"}})
    assert mapping.facts({"v": given}, "x").values["v"] == expected


def test_a_value_that_does_not_read_as_its_type_names_the_field() -> None:
    mapping = compiled(
        {"fields": {"total": "decimal(total_price)", "n": {"expr": "n", "type": "integer"}}}
    )
    with pytest.raises(UnmappableEventError, match="field total: 'n/a' is not a decimal") as caught:
        mapping.facts({"total_price": "n/a"}, "orders/paid")
    assert caught.value.details["field"] == "total"
    with pytest.raises(UnmappableEventError, match="field n: 'x' is not an integer"):
        mapping.facts({"n": "x"}, "orders/paid")
    with pytest.raises(UnmappableEventError, match="field n: an array, not a integer"):
        mapping.facts({"n": [1]}, "orders/paid")


RULES = {
    "fields": {
        "merchant": "note_attributes[?name=='merchant_code'].value | [0]",
        "country": {"expr": "upper(shipping_address.country_code)"},
        "total": {"expr": "total_price", "type": "decimal"},
    },
    "accounts": [
        {"role": "sales", "account": "4010", "when": {"merchant": "POS"}},
        {"role": "sales", "account": "4020", "when": {"merchant": ["AMZ", "EBAY"]}},
        {"role": "sales", "account": "4030", "when": {"country": ["DE", "FR", None]}},
        {"role": "shipping_income", "account": "4110", "when": {"total": "115"}},
        {"role": "tax_payable", "account": "2110", "when": {"expr": "contains(tags, 'eu')"}},
    ],
    "clearing": [{"account": "1100-pos", "when": {"merchant": "POS"}}],
}


@pytest.mark.parametrize(
    ("merchant", "country", "sales"),
    [("POS", "de", "4010"), ("AMZ", "de", "4020"), ("WEB", "fr", "4030"), ("WEB", "us", "4000")],
)
def test_the_first_account_rule_that_holds_wins_and_the_chart_is_the_default(
    merchant: str, country: str, sales: str
) -> None:
    mapping = compiled(RULES)
    facts = mapping.facts(shopify_order(1, merchant=merchant, country=country), "orders/paid")
    chosen = mapping.accounts(DEFAULTS, facts)
    assert chosen[Role.SALES] == sales
    assert chosen[Role.SHIPPING_INCOME] == "4110"  # decimal facts compare by value
    assert chosen[Role.TAX_PAYABLE] == "2100"
    assert {r: a for r, a in chosen.items() if r not in (Role.SALES, Role.SHIPPING_INCOME)} == {
        r: a for r, a in DEFAULTS.items() if r not in (Role.SALES, Role.SHIPPING_INCOME)
    }
    assert mapping.clearing(facts) == ("1100-pos" if merchant == "POS" else None)


def test_an_expression_condition_reads_the_payload() -> None:
    mapping = compiled(RULES)
    facts = mapping.facts(shopify_order(1, tags="eu, vip"), "orders/paid")
    assert mapping.accounts(DEFAULTS, facts)[Role.TAX_PAYABLE] == "2110"


def test_a_rule_that_cannot_be_decided_on_a_null_fact_names_the_rule_and_the_fact() -> None:
    mapping = compiled(RULES)
    facts = mapping.facts(shopify_order(1, merchant=None), "orders/paid")
    with pytest.raises(UnmappableEventError, match=r"rule accounts\[0\]: fact merchant is null"):
        mapping.accounts(DEFAULTS, facts)


def test_a_null_fact_listed_among_the_values_matches() -> None:
    mapping = compiled(RULES)
    facts = mapping.facts(shopify_order(1, merchant="WEB", country=None), "orders/paid")
    assert mapping.accounts(DEFAULTS, facts)[Role.SALES] == "4030"


def test_dimensions_from_fields_defaults_and_literals() -> None:
    mapping = compiled(
        {
            "fields": {
                "channel": "source_name",
                "rep": "note_attributes[?name=='rep'].value | [0]",
            },
            "dimensions": {
                "channel": "channel",
                "sales_rep": {"field": "rep", "default": "house"},
                "rep_if_any": "rep",
                "store": {"value": "eu-1"},
            },
        }
    )
    facts = mapping.facts(shopify_order(1), "orders/paid")
    assert mapping.dimensions(facts) == {"channel": "web", "sales_rep": "house", "store": "eu-1"}


IGNORE = {
    "fields": {"is_test": {"expr": "test", "type": "boolean"}},
    "ignore": [
        {"when": {"is_test": True}, "reason": "test order"},
        {"event_types": ["orders/updated"]},
        {"zero_amount": True, "reason": "zero amount"},
    ],
}


def test_ignore_rules_give_their_reason() -> None:
    mapping = compiled(IGNORE)
    at = datetime(2024, 3, 1, tzinfo=UTC)
    fee = Fee(key="f", reference="f", occurred_at=at, currency="USD", amount=Decimal("0.00"))
    cases = [
        (shopify_order(1, test=True), "orders/paid", None, "test order"),
        (shopify_order(2), "orders/updated", None, "ignore[1]: event type orders/updated"),
        ({}, "balance.fee", fee, "zero amount"),
        (shopify_order(3), "orders/paid", None, None),
    ]
    for payload, event_type, event, reason in cases:
        facts = mapping.facts(payload, event_type, event)
        assert mapping.ignored(facts) == reason
        applied = mapping.apply(payload, event_type=event_type, event=event, role_defaults=DEFAULTS)
        assert applied.ignored_reason == reason


def test_unknown_event_types_are_ignored_by_default_and_fail_when_asked() -> None:
    lenient = compiled({"event_types": ["orders/paid"]})
    strict = compiled({"event_types": ["orders/paid"], "unknown_event_type": "fail"})
    at = datetime(2024, 3, 1, tzinfo=UTC)
    payout = Payout(key="p", reference="p", occurred_at=at, currency="USD", amount=Decimal(5))
    applied = lenient.apply({}, event_type="orders/edited", event=payout, role_defaults=DEFAULTS)
    assert applied.ignored_reason == "unknown event type orders/edited"
    assert lenient.check_event_type("orders/paid") is None
    assert compiled({}).check_event_type("anything") is None
    assert compiled({}).check_event_type("x", known=False) == "unknown event type x"
    with pytest.raises(UnmappableEventError, match="unknown event type orders/edited") as caught:
        strict.apply({}, event_type="orders/edited", role_defaults=DEFAULTS)
    assert caught.value.details["rule"] == "unknown_event_type"


def test_a_required_field_that_is_missing_makes_the_event_unmappable() -> None:
    mapping = compiled(
        {
            "fields": {"merchant_code": "note_attributes[?name=='merchant_code'].value | [0]"},
            "required_fields": ["merchant_code"],
        }
    )
    with pytest.raises(
        UnmappableEventError, match=r"field merchant_code \(required\) is missing"
    ) as caught:
        mapping.apply(
            shopify_order(1, merchant=None), event_type="orders/paid", role_defaults=DEFAULTS
        )
    assert caught.value.details == {"field": "merchant_code", "rule": "required_fields"}
    applied = mapping.apply(shopify_order(1), event_type="orders/paid", role_defaults=DEFAULTS)
    assert applied.facts["merchant_code"] == "WEB"


def test_json_and_yaml_documents_compile_to_the_same_mapping() -> None:
    as_json = compiled(json.dumps(RULES))
    as_yaml = compiled(yaml.safe_dump(RULES))
    payload = shopify_order(1, merchant="AMZ")
    for mapping in (as_json, as_yaml):
        applied = mapping.apply(payload, event_type="orders/paid", role_defaults=DEFAULTS)
        assert applied.accounts[Role.SALES] == "4020"
    assert as_json.document == as_yaml.document
