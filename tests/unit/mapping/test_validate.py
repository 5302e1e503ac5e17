"""A mapping is validated in full at upload: every problem at once, each with path and reason."""

from __future__ import annotations

from typing import Any

import pytest

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.mapping import MappingInvalid

from .helpers import compiled


def problems(document: dict[str, Any] | str) -> list[dict[str, str]]:
    with pytest.raises(MappingInvalid) as caught:
        compiled(document)
    return caught.value.errors


def reasons(document: dict[str, Any] | str) -> dict[str, str]:
    return {p["path"]: p["reason"] for p in problems(document)}


def test_a_rejected_mapping_is_a_validation_error_with_every_problem_in_its_details() -> None:
    with pytest.raises(ValidationError) as caught:
        compiled({"accounts": [{"role": "sales", "account": "9999"}]})
    assert caught.value.code == "invalid_mapping"
    assert caught.value.details["errors"] == [
        {"path": "accounts[0].account", "reason": "account 9999 is not in the chart"}
    ]
    assert "accounts[0].account: account 9999 is not in the chart" in caught.value.message


def test_a_malformed_expression_is_rejected_with_its_position() -> None:
    found = reasons({"fields": {"total": {"expr": "decimal(total_price"}}})
    assert found["fields.total.expr"].startswith(
        "malformed JMESPath expression 'decimal(total_price'"
    )
    assert "position" in found["fields.total.expr"]


def test_unknown_functions_and_wrong_arity_are_rejected() -> None:
    found = reasons({"fields": {"a": "frobnicate(x)", "b": "lower(x, y)"}})
    assert found == {
        "fields.a": "unknown function frobnicate()",
        "fields.b": "lower() takes 1 argument(s), not 2",
    }


def test_an_account_missing_from_the_chart_is_rejected() -> None:
    found = reasons({"clearing": [{"account": "1100-nowhere"}]})
    assert found == {"clearing[0].account": "account 1100-nowhere is not in the chart"}


def test_a_cycle_between_fields_is_reported_with_the_cycle() -> None:
    doc = {"fields": {"a": {"from": "b"}, "b": {"from": "c"}, "c": {"from": "a"}, "d": "x"}}
    assert reasons(doc) == {"fields.a.from": "cycle: a -> b -> c -> a"}


def test_a_default_of_the_wrong_type_is_rejected() -> None:
    doc = {
        "fields": {
            "total": {"expr": "total_price", "type": "decimal", "default": "n/a"},
            "count": {"expr": "n", "type": "integer", "default": "1.5"},
            "flag": {"expr": "f", "type": "boolean", "default": "yes"},
            "name": {"expr": "n", "default": 5},
        }
    }
    assert reasons(doc) == {
        "fields.total.default": "'n/a' is not a decimal (type decimal)",
        "fields.count.default": "'1.5' is not an integer (type integer)",
        "fields.flag.default": "'yes' is not a boolean (type boolean)",
        "fields.name.default": "5 is not a string (type string)",
    }


def test_lookups_of_unknown_tables_are_rejected_in_fields_and_expressions() -> None:
    doc = {
        "tables": {"regions": {"US": "na"}},
        "fields": {
            "a": {"expr": "country", "lookup": "regoins"},
            "b": "lookup('merchants', code)",
            "c": "lookup(table_name, code)",
        },
    }
    assert reasons(doc) == {
        "fields.a.lookup": "unknown table regoins (tables: regions)",
        "fields.b": "unknown table merchants (tables: regions)",
        "fields.c": "lookup() names its table as a quoted literal: lookup('t', x)",
    }


def test_an_unknown_key_anywhere_is_rejected() -> None:
    doc = {"acounts": [], "accounts": [{"role": "sales", "account": "4000", "when": None, "x": 1}]}
    assert reasons(doc) == {
        "acounts": "unknown key (not in the mapping schema)",
        "accounts[0].x": "unknown key (not in the mapping schema)",
    }


def test_unknown_roles_and_gateway_clearing_outside_clearing_are_rejected() -> None:
    doc = {
        "accounts": [
            {"role": "revenue", "account": "4000"},
            {"role": "gateway_clearing", "account": "1100-pos"},
        ]
    }
    found = reasons(doc)
    assert found["accounts[0].role"].startswith("Input should be 'bank', 'sales'")
    assert found["accounts[1].role"] == (
        "gateway_clearing is chosen by the clearing rules, not accounts"
    )


def test_conditions_on_unknown_facts_or_with_impossible_values_are_rejected() -> None:
    doc = {
        "fields": {
            "wholesale": {"expr": "w", "type": "boolean"},
            "n": {"expr": "n", "type": "decimal"},
        },
        "accounts": [
            {"role": "sales", "account": "4010", "when": {"contry": "US"}},
            {"role": "sales", "account": "4020", "when": {"wholesale": "yes"}},
            {"role": "sales", "account": "4030", "when": {"n": ["1", "lots"]}},
            {"role": "discounts", "account": "4500", "when": {"event_kind": "Order"}},
        ],
    }
    found = reasons(doc)
    assert found["accounts[0].when.contry"].startswith("unknown fact contry (facts: amount,")
    assert found["accounts[1].when.wholesale"] == (
        "fact wholesale is a boolean: 'yes' is not a boolean, so the rule can never match"
    )
    assert found["accounts[2].when.n"] == (
        "fact n is a decimal: 'lots' is not a decimal, so the rule can never match"
    )
    assert found["accounts[3].when.event_kind"].startswith("unknown event kind Order (kinds: ")


def test_a_rule_after_an_unconditional_one_is_unreachable() -> None:
    doc = {
        "accounts": [
            {"role": "sales", "account": "4010"},
            {"role": "shipping_income", "account": "4110", "when": {"currency": "EUR"}},
            {"role": "sales", "account": "4020", "when": {"currency": "EUR"}},
        ]
    }
    assert reasons(doc) == {"accounts[2]": "unreachable: accounts[0] always matches first"}


def test_references_to_unknown_fields_and_reserved_names_are_rejected() -> None:
    doc = {
        "fields": {"currency": "x", "region": {"from": "country"}},
        "dimensions": {"source": {"value": "x"}, "rep": "sales_rep", "r": {"field": "nope"}},
        "required_fields": ["merchant_code"],
    }
    assert reasons(doc) == {
        "fields.currency": "currency is reserved (a built-in fact or when.expr)",
        "fields.region.from": "unknown field country",
        "dimensions.source": "source is reserved: ledgerbridge sets it to the source id",
        "dimensions.rep": "unknown field sales_rep",
        "dimensions.r.field": "unknown field nope",
        "required_fields[0]": "unknown field merchant_code",
    }


def test_every_problem_is_reported_at_once() -> None:
    doc = """
fields:
  a: {from: b}
  b: {from: a}
  total: {expr: "decimal(total_price)", type: decimal, default: abc}
  code: "lookup('merchants', merchant)"
accounts:
  - {role: sales, account: 9999}
  - {role: sales, account: 4000, when: {zzz: 1}}
"""
    found = problems(doc)
    assert [p["path"] for p in found] == [
        "fields.total.default",
        "fields.code",
        "fields.a.from",
        "accounts[0].account",
        "accounts[1].when.zzz",
        "accounts[1]",  # unreachable after the unconditional accounts[0]
    ]


def test_schema_problems_are_reported_at_once_too() -> None:
    doc = {
        "fields": {"bad-name": "x", "t": "a[", "u": {"type": "decimal"}},
        "accounts": [{"role": "sales"}],
        "unknown_event_type": "explode",
    }
    found = reasons(doc)
    assert set(found) == {
        "fields.bad-name",
        "fields.t",
        "fields.u",
        "accounts[0].account",
        "unknown_event_type",
    }
    assert found["fields.bad-name"].startswith("bad name: String should match pattern")
    assert found["fields.u"] == "a field needs expr, from, or both"
    assert found["accounts[0].account"] == "Field required"


def test_a_float_is_refused_with_a_hint_to_write_decimals_as_text() -> None:
    doc = {"fields": {"t": {"expr": "t", "type": "decimal", "default": 0.2}}}
    hint = '(write decimals as strings: "0.20")'
    assert reasons(doc) == {"fields.t.default": f"expected a string, integer or boolean {hint}"}


def test_broken_yaml_and_a_document_that_is_not_an_object_are_rejected() -> None:
    assert reasons("fields: [unclosed")["$"].startswith("not valid YAML or JSON")
    assert reasons("- a list") == {"$": "a mapping document is an object"}


def test_yaml_reads_numbers_as_account_codes_and_no_as_text() -> None:
    mapping = compiled(
        "tables: {regions: {NO: europe, 1001: north}}\n"
        "accounts: [{role: sales, account: 4010, when: {currency: NOK}}]\n"
    )
    assert mapping.document.tables["regions"] == {"NO": "europe", "1001": "north"}
    assert mapping.document.accounts[0].account == "4010"
