"""``ledgerbridge mapping put|show|preview|test``, run as the installed command in a subprocess
against an SQLite file set up with the service functions (issue 5)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ledgerbridge.service import mapping as mappings
from ledgerbridge.service import setup
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries, events, lines

pytestmark = pytest.mark.e2e

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CLEARING, SALES, POS_SALES = "1100-shopify", "4000", "4020"

MAPPING_YAML = """\
# Counter sales by merchant code, and the sales channel as a dimension.
description: CLI mapping
fields:
  merchant_code: "note_attributes[?name=='merchant_code'].value | [0]"
  channel:
    expr: "lower(note_attributes[?name=='sales_channel'].value | [0])"
    default: web
dimensions:
  channel: channel
  merchant: merchant_code
accounts:
  - role: sales
    account: 4020          # a number in YAML, an account code here
    when: {merchant_code: POS}
required_fields: [merchant_code]
"""

INVALID_YAML = """\
fields:
  country: {from: region}
  region: {from: country}
  wholesale: {expr: "contains(default(tags, ''), 'wholesale')", type: boolean}
accounts:
  - {role: sales, account: "4031", when: {wholesale: "yes"}}
required_fields: [nope]
"""
INVALID_LINES = [
    "  fields.country.from: cycle: country -> region -> country",
    "  accounts[0].account: account 4031 is not in the chart",
    "  accounts[0].when.wholesale: fact wholesale is a boolean: 'yes' is not a boolean, "
    "so the rule can never match",
    "  required_fields[0]: unknown field nope",
]


def command() -> str:
    found = shutil.which("ledgerbridge") or str(Path(sys.executable).parent / "ledgerbridge")
    assert Path(found).exists(), found
    return found


@dataclass
class Cli:
    db: Database
    url: str
    home: Path

    def run(self, *args: str, columns: str | None = "240") -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "LEDGERBRIDGE_DATABASE_URL": self.url, "NO_COLOR": "1"}
        env.pop("COLUMNS", None)
        if columns is not None:
            env["COLUMNS"] = columns  # rich's table width when stdout is not a terminal
        return subprocess.run(
            [command(), "mapping", *args],
            cwd=self.home,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def write(self, name: str, content: str | dict[str, Any]) -> Path:
        path = self.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    def counts(self) -> tuple[int, ...]:
        with self.db.read() as conn:
            return tuple(
                int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                for t in (events, entries, lines)
            )


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret="shpss_cli_0123456789abcdef",
        api_credentials={"access_token": "shpat_cli"},
        settings={"shop_domain": "cli-shop.myshopify.com", "api_base_url": "http://127.0.0.1:9"},
    )
    setup.add_account(db, "default", POS_SALES, "Counter sales", "income", None)
    yield Cli(db, url, tmp_path)
    db.dispose()


def order(order_id: int, price: str, *, merchant: str | None, channel: str | None = None) -> Any:
    doc = shopify.order(
        order_id,
        lines=[shopify.Line("Linen shirt", price)],
        currency="EUR",
        shipping="0",
        created_at=DAY,
    )
    attrs = [("merchant_code", merchant), ("sales_channel", channel)]
    doc["note_attributes"] = [{"name": n, "value": v} for n, v in attrs if v is not None]
    return doc


def saved(doc: dict[str, Any]) -> dict[str, Any]:
    """A saved payload in the replay shape, carrying its event type."""
    return {"event_type": "orders/paid", "payload": doc}


def line_view(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    return [(x["account"], x["amount"], x["dimensions"]) for x in doc["lines"]]


def test_put_prints_the_version_and_show_prints_the_document(cli: Cli) -> None:
    path = cli.write("mapping.yaml", MAPPING_YAML)
    first = cli.run("put", "shopify", str(path))
    assert (first.returncode, first.stdout) == (0, "mapping version 1 of shopify is active\n"), (
        first.stderr
    )
    second = cli.run("put", "shopify", str(path))
    assert (second.returncode, second.stdout) == (0, "mapping version 2 of shopify is active\n")

    shown = cli.run("show", "shopify")
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert (doc["source"], doc["version"]) == ("shopify", 2)
    assert doc["document"]["description"] == "CLI mapping"
    assert doc["document"]["required_fields"] == ["merchant_code"]
    assert [(r["role"], str(r["account"]), r["when"]) for r in doc["document"]["accounts"]] == [
        ("sales", POS_SALES, {"merchant_code": "POS"})
    ]
    assert mappings.get_mapping(cli.db, "shopify")["version"] == 2


def test_an_invalid_mapping_file_exits_1_with_every_error_path_on_stderr(cli: Cli) -> None:
    path = cli.write("invalid.yaml", INVALID_YAML)
    result = cli.run("put", "shopify", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: invalid mapping: fields.country.from: cycle: country -> region -> country "
        "(and 3 more)",
        *INVALID_LINES,
    ]
    shown = cli.run("show", "shopify")
    assert shown.returncode == 1
    assert "shopify" in shown.stderr
    assert "has no mapping" in shown.stderr

    folder = cli.home / "payloads"
    cli.write("payloads/sale.json", saved(order(9050, "30.00", merchant="POS")))
    tested = cli.run("test", "shopify", str(folder), "--mapping", str(path))
    assert tested.returncode == 1
    assert tested.stderr.splitlines()[1:] == INVALID_LINES


def test_mapping_test_rejects_an_invalid_draft_even_with_no_payloads(cli: Cli) -> None:
    """A CI job running ``mapping test`` on an invalid mapping must not pass: the draft is
    validated before any payload is read, so an empty folder does not hide its errors."""
    path = cli.write("invalid.yaml", INVALID_YAML)
    empty = cli.home / "empty"
    empty.mkdir()
    tested = cli.run("test", "shopify", str(empty), "--mapping", str(path))
    assert tested.returncode == 1, tested.stdout
    assert tested.stderr.splitlines()[1:] == INVALID_LINES


def test_preview_prints_the_entry_as_json_and_writes_nothing(cli: Cli) -> None:
    cli.run("put", "shopify", str(cli.write("mapping.yaml", MAPPING_YAML)))
    before = cli.counts()
    payload = cli.write("payload.json", saved(order(9001, "30.00", merchant="POS", channel="POS")))

    result = cli.run("preview", "shopify", str(payload))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["status"], shown["mapping_version"], shown["error"]) == ("posted", 1, None)
    [entry] = shown["entries"]
    dims = {"source": "shopify", "channel": "pos", "merchant": "POS"}
    assert entry["key"] == "shopify:sale:9001"
    assert line_view(entry) == [(CLEARING, "30.00", dims), (POS_SALES, "-30.00", dims)]

    # A bare payload with --event-type, tried with a draft mapping.
    bare = cli.write("bare.json", order(9002, "10.00", merchant=None))
    draft = cli.write("draft.json", {"dimensions": {"store": {"value": "counter"}}})
    tried = cli.run(
        "preview", "shopify", str(bare), "--mapping", str(draft), "--event-type", "orders/paid"
    )
    assert tried.returncode == 0, tried.stderr
    shown = json.loads(tried.stdout)
    assert (shown["status"], shown["mapping_version"]) == ("posted", 0)
    dims = {"source": "shopify", "store": "counter"}
    assert line_view(shown["entries"][0]) == [(CLEARING, "10.00", dims), (SALES, "-10.00", dims)]

    failing = cli.run("preview", "shopify", str(bare), "--event-type", "orders/paid")
    assert failing.returncode == 1
    shown = json.loads(failing.stdout)
    assert (shown["status"], shown["entries"]) == ("failed", [])
    assert shown["error"]["message"] == "field merchant_code (required) is missing"

    assert cli.counts() == before


def test_mapping_test_prints_a_row_per_payload_and_fails_when_one_fails(cli: Cli) -> None:
    cli.run("put", "shopify", str(cli.write("mapping.yaml", MAPPING_YAML)))
    folder = cli.home / "payloads"
    cli.write("payloads/counter_sale.json", saved(order(9101, "30.00", merchant="POS")))
    cli.write("payloads/web_sale.json", saved(order(9102, "20.00", merchant="WEB")))
    missing = cli.write("payloads/no_merchant.json", saved(order(9103, "5.00", merchant=None)))
    before = cli.counts()

    result = cli.run("test", "shopify", str(folder))
    assert result.returncode == 1, result.stderr
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in line.strip("│┃ ").split("│")]
            for line in result.stdout.splitlines()
            if ".json" in line
        )
    }
    assert set(rows) == {"counter_sale.json", "web_sale.json", "no_merchant.json"}
    assert rows["counter_sale.json"][:4] == [
        "posted",
        "1",
        f"{CLEARING} {POS_SALES}",
        "channel=web merchant=POS",
    ]
    assert rows["web_sale.json"][:4] == [
        "posted",
        "1",
        f"{CLEARING} {SALES}",
        "channel=web merchant=WEB",
    ]
    assert rows["no_merchant.json"] == [
        "failed",
        "0",
        "",
        "",
        "field merchant_code (required) is missing",
    ]

    missing.unlink()
    passing = cli.run("test", "shopify", str(folder))
    assert passing.returncode == 0, passing.stdout
    assert "counter_sale.json" in passing.stdout
    assert "web_sale.json" in passing.stdout
    assert "no_merchant.json" not in passing.stdout
    assert cli.counts() == before


def test_mapping_test_names_every_payload_in_full_at_the_default_width(cli: Cli) -> None:
    """In CI stdout is not a terminal (80 columns): the table must still say which file
    failed, not ``order_number…``."""
    cli.run("put", "shopify", str(cli.write("mapping.yaml", MAPPING_YAML)))
    folder = cli.home / "saved"
    names = ["order_9201_counter_sale_saved.json", "order_9202_missing_merchant_saved.json"]
    cli.write(f"saved/{names[0]}", saved(order(9201, "30.00", merchant="POS")))
    cli.write(f"saved/{names[1]}", saved(order(9202, "5.00", merchant=None)))
    result = cli.run("test", "shopify", str(folder), columns=None)
    assert result.returncode == 1
    for name in names:
        assert name in result.stdout, result.stdout
