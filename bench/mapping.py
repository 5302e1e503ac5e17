"""Mapping benchmark: evaluation cost per event for a 50-rule mapping over Shopify orders.

    .venv/bin/python bench/mapping.py [--events N] [--rounds R]

Each event is a realistic Shopify order (sources/shopify/simulate.py) carrying a merchant code
and sales rep as note attributes, tags and a shipping country; it is normalised once up front.
Timed per event: ``CompiledMapping.apply`` (fields, ignore rules, required fields, dimensions,
50 account / clearing rules). For scale, the pure posting of the same sale (drafts_for +
to_entry) is timed too. Prints the median and p99 in microseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ledgerbridge.domain.accounts import RETAIL_CHART, Role
from ledgerbridge.domain.events import Sale
from ledgerbridge.domain.posting import PostingContext, drafts_for, to_entry
from ledgerbridge.domain.posting.convert import IDENTITY
from ledgerbridge.mapping import CompiledMapping, validate
from ledgerbridge.sources.base import Envelope, SourceConfig
from ledgerbridge.sources.shopify.normalize import normalize
from ledgerbridge.sources.shopify.simulate import Line, order

MERCHANTS = [f"M{i:02d}" for i in range(30)]
COUNTRIES = ["US", "CA", "DE", "FR", "GB", "NO", "JP", "AU"]
ROLE_DEFAULTS = {a.role: a.code for a in RETAIL_CHART if a.role is not None}
ROLE_DEFAULTS[Role.GATEWAY_CLEARING] = "1100-shopify"


def mapping_document() -> dict[str, Any]:
    """50 rules: 24 sales by merchant code, 8 shipping and 8 tax by region and country,
    4 with JMESPath conditions over the payload, 6 clearing accounts by merchant code."""
    accounts: list[dict[str, Any]] = []
    for i, code in enumerate(MERCHANTS[:24]):
        when: dict[str, Any] = {"merchant_code": code}
        if i % 3 == 0:
            when["region"] = ["europe", "north_america"]
        accounts.append({"role": "sales", "account": f"40{i:02d}", "when": when})
    for i, country in enumerate(COUNTRIES):
        accounts.append(
            {"role": "shipping_income", "account": f"41{i:02d}", "when": {"country": country}}
        )
        accounts.append(
            {"role": "tax_payable", "account": f"21{i:02d}", "when": {"country": country}}
        )
    for i, tag in enumerate(["wholesale", "vip", "staff", "b2b"]):
        accounts.append(
            {
                "role": "discounts",
                "account": f"45{i:02d}",
                "when": {"expr": f"contains(tags, '{tag}')"},
            }
        )
    clearing = [
        {"account": f"1100-m{i}", "when": {"merchant_code": code}}
        for i, code in enumerate(MERCHANTS[:6])
    ]
    return {
        "fields": {
            "merchant_code": "note_attributes[?name=='merchant_code'].value | [0]",
            "sales_rep": "note_attributes[?name=='sales_rep'].value | [0]",
            "channel": "lower(default(source_name, 'web'))",
            "country": {"expr": "upper(shipping_address.country_code)", "default": "XX"},
            "region": {"from": "country", "lookup": "regions", "default": "rest_of_world"},
            "total": {"expr": "decimal(total_price)", "type": "decimal"},
            "items": {"expr": "length(line_items)", "type": "integer"},
            "is_test": {"expr": "test", "type": "boolean", "default": False},
        },
        "tables": {
            "regions": {
                "US": "north_america",
                "CA": "north_america",
                "DE": "europe",
                "FR": "europe",
                "GB": "europe",
                "NO": "europe",
            }
        },
        "dimensions": {
            "channel": "channel",
            "region": "region",
            "merchant": "merchant_code",
            "sales_rep": {"field": "sales_rep", "default": "house"},
            "store": {"value": "bench"},
        },
        "accounts": accounts,
        "clearing": clearing,
        "ignore": [
            {"when": {"is_test": True}, "reason": "test order"},
            {"event_types": ["orders/updated"]},
            {"zero_amount": True},
        ],
        "required_fields": ["merchant_code"],
    }


def chart(document: dict[str, Any]) -> set[str]:
    codes = {a.code for a in RETAIL_CHART} | {"1100-shopify"}
    codes |= {r["account"] for r in document["accounts"] + document["clearing"]}
    return codes


def events(n: int, seed: int = 7) -> list[tuple[dict[str, Any], Sale]]:
    rng = random.Random(seed)
    config = SourceConfig("shopify", "shopify", "default", ("secret",))
    out = []
    for i in range(n):
        lines = [
            Line(
                f"Item {j}",
                f"{rng.randint(5, 200)}.{rng.randint(0, 99):02d}",
                rng.randint(1, 3),
                sku=f"SKU-{j}",
            )
            for j in range(rng.randint(1, 6))
        ]
        payload = order(
            100_000 + i,
            lines=lines,
            tax_rate=rng.choice(["0", "0.07", "0.2"]),
            discount=rng.choice(["0", "5.00"]),
            shipping=rng.choice(["0", "4.95"]),
        )
        payload["note_attributes"] = [
            {"name": "merchant_code", "value": rng.choice(MERCHANTS)},
            {"name": "sales_rep", "value": rng.choice(["ana", "bo", "cy"])},
        ]
        payload["shipping_address"] = {"country_code": rng.choice(COUNTRIES).lower()}
        payload["tags"] = rng.choice(["", "vip", "wholesale, vip", "b2b"])
        (sale,) = normalize(Envelope(str(i), "orders/paid", payload), {}, config)
        if not isinstance(sale, Sale):
            raise TypeError(f"expected a Sale, got {sale!r}")
        out.append((payload, sale))
    return out


def time_mapping(mapping: CompiledMapping, work: list[tuple[dict[str, Any], Sale]]) -> list[float]:
    samples = []
    for payload, sale in work:
        start = time.perf_counter_ns()
        mapping.apply(
            payload,
            event_type="orders/paid",
            event=sale,
            source="shopify",
            role_defaults=ROLE_DEFAULTS,
        )
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def time_posting(work: list[tuple[dict[str, Any], Sale]]) -> list[float]:
    ctx = PostingContext("default", "shopify", ROLE_DEFAULTS, "1100-shopify")
    samples = []
    for _payload, sale in work:
        start = time.perf_counter_ns()
        draft = drafts_for(sale, ctx)
        if draft is None:
            raise ValueError("a sale always posts")
        to_entry(
            draft,
            ledger="default",
            source="shopify",
            base_currency=sale.currency,
            rate_for=lambda c, d: IDENTITY,
            rounding_account="7990",
        )
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    document = mapping_document()
    rules = len(document["accounts"]) + len(document["clearing"])
    start = time.perf_counter()
    mapping = validate(document, accounts=chart(document))
    compile_ms = (time.perf_counter() - start) * 1000
    work = events(args.events)
    time_mapping(mapping, work[:200])  # warm-up
    mapped: list[float] = []
    posted: list[float] = []
    for _ in range(args.rounds):
        mapped += time_mapping(mapping, work)
        posted += time_posting(work)
    print(
        f"mapping: {rules} rules, {len(document['fields'])} fields, "
        f"{len(document['dimensions'])} dimensions; validate + compile {compile_ms:.1f} ms"
    )
    print(
        f"evaluation per event (apply), {len(mapped)} samples: "
        f"median {statistics.median(mapped):.1f} µs, p99 {p99(mapped):.1f} µs"
    )
    print(
        f"posting per sale (drafts_for + to_entry) for scale: "
        f"median {statistics.median(posted):.1f} µs, p99 {p99(posted):.1f} µs"
    )


if __name__ == "__main__":
    main()
