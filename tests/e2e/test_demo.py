"""The README's first command's job, ``ledgerbridge demo``, run as a user runs it: a day of
signed webhooks over HTTP into a fresh SQLite ledger, balanced books, the bank statement
reconciled, and a dashboard user whose printed password opens a session."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerbridge.service import access, journal, reconcile
from ledgerbridge.store.database import Database

pytestmark = pytest.mark.e2e


def test_the_demo_day_balances_reconciles_and_opens_the_dashboard(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "ledgerbridge"
    done = subprocess.run(
        [str(command), "demo", "--directory", str(tmp_path), "--orders", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "balanced: yes" in out
    assert "webhooks: 401 1," in out  # the forged one
    assert "gateway clearing 1100-stripe: 0.00 EUR" in out
    assert re.search(r"bank statement imported and reconciled: \d+ matches, 1 open", out)
    found = re.search(r"dashboard http://127\.0\.0\.1:8000/ui/  user admin, password (\S+)", out)
    assert found, out
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    _, who = access.login_password(db, "admin", found.group(1))
    assert who.role == "admin"
    assert journal.trial_balance(db, "default", None)["balanced"] is True
    [open_item] = reconcile.discrepancies(db, "default", "open", None)
    assert open_item["kind"] == "deposit_without_payout"
    kinds = {m["kind"] for m in reconcile.matches(db, "default", None)}
    assert {"payout_deposit", "order_charge"} <= kinds
    db.dispose()
