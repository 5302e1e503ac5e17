"""Reports over the real server: P&L (with a dimension filter), balance sheet and trial
balance as JSON and CSV; ``ledgerbridge export`` as a command beside the running server."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import Live
from tests.e2e.test_http import posted, shopify_paid, stripe_charge

pytestmark = pytest.mark.e2e


def _day(live: Live) -> None:
    """A EUR order through Shopify (124.95) and its Stripe charge (with Stripe's fee)."""
    posted(live, "shopify", *shopify_paid())
    raw, headers, _ = stripe_charge(live)
    posted(live, "stripe", raw, headers)


def _csv(live: Live, path: str, **params: str) -> list[dict[str, str]]:
    response = live.get(path, params={**params, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_profit_and_loss_balance_sheet_and_trial_balance_over_http(live: Live) -> None:
    _day(live)
    month = {"since": "2026-03-01", "until": "2026-03-31"}
    pnl = live.get("/api/v1/reports/profit-and-loss", params=month).json()
    assert pnl["base_currency"] == "EUR"
    income = {r["account"]: r["amount"] for r in pnl["income"]["rows"]}
    assert income == {"4000": "110.00", "4100": "5.00", "4500": "-10.00"}
    fees = Decimal(pnl["expenses"]["total"])
    assert fees > 0
    assert Decimal(pnl["net_income"]) == Decimal("105.00") - fees
    assert all(isinstance(r["amount"], str) for r in pnl["expenses"]["rows"])

    store = live.get("/api/v1/reports/profit-and-loss", params={"dimension.source": "shopify"})
    assert store.json()["expenses"]["rows"] == []
    assert store.json()["net_income"] == "105.00"
    gateway = live.get("/api/v1/reports/profit-and-loss", params={"dimension.source": "stripe"})
    assert gateway.json()["income"]["rows"] == []
    assert gateway.json()["net_income"] == str(-fees)
    rows = _csv(live, "/api/v1/reports/profit-and-loss", **month)
    assert {
        "section": "total",
        "account": "",
        "name": "net_income",
        "amount": pnl["net_income"],
    } in rows

    sheet = live.get("/api/v1/reports/balance-sheet", params={"as_of": "2026-03-31"}).json()
    assert sheet["balanced"] is True
    assert sheet["liabilities"]["total"] == "19.95"
    assert sheet["equity"]["earnings"] == pnl["net_income"]
    assert Decimal(sheet["assets"]["total"]) == Decimal("124.95") - fees
    rows = _csv(live, "/api/v1/reports/balance-sheet", as_of="2026-03-31")
    assert {r["section"] for r in rows} == {"assets", "liabilities", "equity", "total"}

    tb = live.get("/api/v1/trial-balance").json()
    rows = _csv(live, "/api/v1/trial-balance")
    assert [r["account"] for r in rows] == [r["account"] for r in tb["rows"]] + ["total"]
    assert rows[-1]["debit"] == tb["total_debit"] == rows[-1]["credit"]
    assert live.http.get("/api/v1/reports/balance-sheet").status_code == 401


def test_export_command_writes_a_file_bean_check_accepts(live: Live, tmp_path: Path) -> None:
    _day(live)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "LEDGERBRIDGE_DATABASE_URL": live.db.url}
    out = tmp_path / "books.beancount"
    args = ["export", "--format", "beancount", "--since", "2026-03-01", "--output", str(out)]
    done = subprocess.run(
        [str(bin_dir / "ledgerbridge"), *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "written to" in done.stdout
    check = subprocess.run(
        [str(bin_dir / "bean-check"), str(out)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert 'option "operating_currency" "EUR"' in out.read_text()
    shown = subprocess.run(
        [str(bin_dir / "ledgerbridge"), "export", "--format", "csv"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0].startswith("entry_id,date,description,account")
    bad = subprocess.run(
        [str(bin_dir / "ledgerbridge"), "export", "--format", "csv", "--since", "March"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
