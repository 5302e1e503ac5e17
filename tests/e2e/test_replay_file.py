"""``ledgerbridge replay FILE``: saved payloads through the real CLI, reported per line."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ledgerbridge.service import setup
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "ledgerbridge")


def _run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDGERBRIDGE_DATABASE_URL": db_url}
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_file_of_saved_payloads_posts_once_and_reports_each_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    db = Database(url)
    setup.init(db, "EUR")
    setup.add_source(
        db, source_id="stripe", platform="stripe", ledger="default", webhook_secret="whsec_saved"
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shpss_saved",
        settings={"gateway": "stripe"},
    )
    order = shopify.order(55, currency="EUR", tax_rate="0.19", payment_gateway_names=("stripe",))
    body = shopify.body(order)
    shop_headers = shopify.headers("orders/paid", body, "shpss_saved", "wh-55", "a.myshopify.com")
    charge, txn = stripe.captured_charge(amount=2000, currency="eur", fee=55)
    charge["balance_transaction"] = txn  # expanded: no look-up needed
    stripe_body = stripe.encode(stripe.charge_succeeded(charge, created=1_700_000_000))
    lines = [
        {"source": "shop", "headers": shop_headers, "body": order},
        # signed long ago: a webhook would get 401, a saved payload is replayed all the same
        {
            "source": "stripe",
            "headers": stripe.sign(stripe_body, "whsec_saved", 1_700_000_000),
            "body_base64": base64.b64encode(stripe_body).decode(),
        },
        {"source": "shop", "headers": {}},
        {"source": "nowhere", "headers": {}, "body": {"id": 1}},
    ]
    saved = tmp_path / "saved.jsonl"
    saved.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\nnot json\n")

    first = _run(url, "replay", str(saved))
    rows = [line.split("\t") for line in first.stdout.splitlines()]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("line 1", "shop", "posted"),
        ("line 2", "stripe", "posted"),
        ("line 3", "shop", "invalid"),
        ("line 4", "nowhere", "error"),
        ("line 5", "-", "invalid"),
    ]
    assert "no source 'nowhere'" in rows[3][4]
    assert first.returncode == 1

    again = _run(url, "replay", str(saved))
    assert [line.split("\t")[2] for line in again.stdout.splitlines()][:2] == [
        "duplicate",
        "duplicate",
    ]
