"""The published JSON Schema is the models' own, and the docs' example is a valid mapping."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.mapping import schema, schema_json
from ledgerbridge.mapping.documents import AccountRole

from .helpers import DEFAULTS, compiled, post_sale, sale_of, shopify_order

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_committed_schema_is_the_generated_one() -> None:
    # Regenerate: .venv/bin/python -c "from pathlib import Path; from ledgerbridge.mapping
    # import write_schema; write_schema(Path('docs/mapping.schema.json'))"
    assert (DOCS / "mapping.schema.json").read_text(encoding="utf-8") == schema_json()
    published = schema()
    assert published["additionalProperties"] is False
    assert json.loads(schema_json()) == published


def test_account_rules_take_every_role_but_gateway_clearing() -> None:
    assert set(get_args(AccountRole)) == {r.value for r in Role} - {"gateway_clearing"}


def docs_example() -> str:
    text = (DOCS / "mapping.md").read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert found is not None
    return found.group(1)


def test_the_docs_example_validates_and_maps_a_european_counter_sale() -> None:
    mapping = compiled(docs_example())
    payload = shopify_order(7, merchant="POS", country="de", currency="EUR", tax_rate="0.19")
    sale = sale_of(payload)
    applied = mapping.apply(
        payload, event_type="orders/paid", event=sale, source="shopify", role_defaults=DEFAULTS
    )
    assert applied.ignored_reason is None
    assert applied.accounts[Role.SALES] == "4020"  # the counter rule comes before the region's
    assert applied.accounts[Role.SHIPPING_INCOME] == "4110"
    assert applied.accounts[Role.TAX_PAYABLE] == "2110"
    assert applied.clearing == "1100-pos"
    assert applied.dimensions == {
        "channel": "web",
        "region": "europe",
        "merchant": "POS",
        "sales_rep": "ana",
        "store": "northwind",
    }
    entry = post_sale(sale, applied.accounts, applied.clearing)
    assert {x.account for x in entry.lines} == {"1100-pos", "4020", "4110", "2110"}
    assert sum(x.amount for x in entry.lines) == 0


def test_the_docs_example_ignores_test_orders_and_fails_without_a_merchant_code() -> None:
    mapping = compiled(docs_example())
    test_order = shopify_order(8, merchant=None, test=True)
    applied = mapping.apply(test_order, event_type="orders/paid", role_defaults=DEFAULTS)
    assert applied.ignored_reason == "test order"
    with pytest.raises(UnmappableEventError, match="field merchant_code \\(required\\) is missing"):
        mapping.apply(
            shopify_order(9, merchant=None), event_type="orders/paid", role_defaults=DEFAULTS
        )
    with pytest.raises(UnmappableEventError, match="unknown event type carts/update"):
        mapping.apply(shopify_order(9), event_type="carts/update", role_defaults=DEFAULTS)
