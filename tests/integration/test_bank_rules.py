"""Bank categorisation rules, on SQLite and PostgreSQL: rent and a supplier that no payout
explains are posted to their accounts by the first rule that fits (once, traceable to the bank
line, balanced in base), a deposit naming a gateway is never categorised, a deposit waits out
the level 1 grace, a rule for an account not in the chart is refused, and a closed period is
respected."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from ledgerbridge.api import errors
from ledgerbridge.api.auth import require_api_key
from ledgerbridge.api.routes import bank_rules as bank_rules_route
from ledgerbridge.cli.main import app as cli
from ledgerbridge.service import bank_rules, journal, periods, rates, reconcile, setup, statements
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import audit_log, entries
from tests.integration.test_bank_reconcile import ofx

LATER = date(2026, 3, 21)


def _lines(db: Database, status: str) -> dict[str, dict[str, Any]]:
    found, _ = statements.list_bank_lines(
        db, ledger="default", status=status, account=None, limit=100, cursor=None
    )
    return {x["amount"]: x for x in found}


def _entry_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(entries)).scalar() or 0)


def _categorised(db: Database) -> dict[str, dict[str, Any]]:
    return {m["rule"]: m for m in reconcile.matches(db, "default", "categorised")}


def test_rent_and_a_supplier_are_categorised_once_and_a_gateway_deposit_is_not(
    db: Database,
) -> None:
    setup.init(db, "EUR")
    setup.add_account(db, "default", "6400", "Rent expense", "expense", None)
    setup.add_account(db, "default", "5100", "Purchases", "expense", None)
    setup.add_account(db, "default", "4900", "Other income", "income", None)
    statements.import_statement(
        db,
        ofx(
            [
                ("20260302", "-1800.00", "R-1", "LANDLORD RENT MARCH 2026"),
                ("20260303", "-245.50", "R-2", "ACME supplies invoice 42"),
                ("20260305", "99.00", "R-3", "STRIPE PAYMENTS EUROPE"),
                ("20260319", "12.34", "R-4", "INTEREST Q1"),
                ("20260306", "-7.00", "R-5", "ACME small order"),
            ]
        ),
        account="1000",
    )
    add = bank_rules.add
    rent = add(db, "default", account="6400", text="rent", direction="debit", actor="finance")
    assert (rent["name"], rent["direction"], rent["created_by"]) == (
        "rent -> 6400",
        "debit",
        "finance",
    )
    add(db, "default", account="4900", text="RENT", name="never first", priority=500, actor="fin")
    add(db, "default", account="5100", text="acme", name="Acme", min_amount="10", actor="fin")
    add(db, "default", account="4900", text="europe", direction="credit", actor="fin")
    add(db, "default", account="4900", text="interest", direction="credit", actor="fin")
    assert [r["name"] for r in bank_rules.list_rules(db, "default")][-1] == "never first"

    first = reconcile.run(db, "default", trigger="test", today=LATER)
    assert first["levels"]["categorised"] == {"matched": 2, "discrepancies_opened": 0}
    by_rule = _categorised(db)
    assert sorted(by_rule) == ["Acme", "rent -> 6400"]
    matched = _lines(db, "matched")
    assert sorted(matched) == ["-1800.00", "-245.50"]
    unmatched = _lines(db, "unmatched")
    # the Stripe deposit waits for its payout; interest is inside the grace; 7.00 is too small
    assert sorted(unmatched) == ["-7.00", "12.34", "99.00"]

    rent_match = by_rule["rent -> 6400"]
    line = matched["-1800.00"]
    assert (rent_match["confidence"], rent_match["right_ids"]) == ("1.00", [line["id"]])
    entry = journal.get_entry(db, rent_match["left_ids"][0])
    assert entry["key"] == f"bank:{line['id']}"
    assert entry["note"] == f"bank line {line['id']}"
    assert entry["description"] == "Bank rule rent -> 6400: LANDLORD RENT MARCH 2026"
    assert entry["effective_date"] == "2026-03-02"
    posted = {x["account"]: (x["amount"], x["base_amount"]) for x in entry["lines"]}
    assert posted == {"1000": ("-1800.00", "-1800.00"), "6400": ("1800.00", "1800.00")}
    acme = journal.get_entry(db, by_rule["Acme"]["left_ids"][0])
    assert sum(Decimal(x["amount"]) for x in acme["lines"]) == 0
    assert {x["account"] for x in acme["lines"]} == {"1000", "5100"}

    [flagged] = reconcile.discrepancies(db, "default", "open", None)
    assert (flagged["kind"], flagged["refs"]) == (
        "deposit_without_payout",
        [unmatched["99.00"]["id"]],
    )

    count = _entry_count(db)
    again = reconcile.run(db, "default", trigger="test", today=LATER)
    assert again["levels"]["categorised"]["matched"] == 0
    assert _entry_count(db) == count
    assert len(reconcile.matches(db, "default", "categorised")) == 2

    # past the grace the interest is categorised; the gateway's deposit never is
    later = reconcile.run(db, "default", trigger="test", today=date(2026, 4, 30))
    assert later["levels"]["categorised"]["matched"] == 1
    assert sorted(_lines(db, "unmatched")) == ["-7.00", "99.00"]
    assert "interest -> 4900" in _categorised(db)


def test_a_closed_period_is_respected_and_the_base_comes_from_the_rate(db: Database) -> None:
    setup.init(db, "USD")
    setup.add_account(db, "default", "6400", "Rent expense", "expense", None)
    rates.put_manual(db, "EUR", "USD", date(2026, 4, 1), "1.08")
    statements.import_statement(
        db, ofx([("20260330", "-1800.00", "R-1", "RENT APRIL 2026")]), account="1000"
    )
    periods.change(db, "default", "2026-03", "closed", "controller")
    bank_rules.add(db, "default", account="6400", text="rent", actor="finance")

    reconcile.run(db, "default", trigger="test", today=LATER)
    [match] = reconcile.matches(db, "default", "categorised")
    entry = journal.get_entry(db, match["left_ids"][0])
    assert entry["effective_date"] == "2026-04-01"
    assert entry["note"] == (
        f"bank line {match['right_ids'][0]}; dated 2026-03-30 in closed period 2026-03: "
        "posted into the open period 2026-04"
    )
    posted = {x["account"]: (x["amount"], x["currency"], x["base_amount"]) for x in entry["lines"]}
    assert posted == {
        "1000": ("-1800.00", "EUR", "-1944.00"),
        "6400": ("1800.00", "EUR", "1944.00"),
    }
    assert {x["rate_source"] for x in entry["lines"]} == {"manual"}


def test_rules_over_the_api_refuse_an_account_not_in_the_chart(db: Database) -> None:
    setup.init(db, "EUR")
    setup.add_account(db, "default", "6400", "Rent expense", "expense", None)
    app = FastAPI()
    app.state.db = db
    errors.install(app)
    app.include_router(bank_rules_route.router)
    app.dependency_overrides[require_api_key] = lambda: "finance"

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = {"account": "6499", "text_contains": "RENT", "direction": "debit"}
            missing = await client.post("/api/v1/bank-rules", json=body)
            assert missing.status_code == 422
            assert "6499" in missing.json()["error"]["message"]
            bad = {**body, "account": "6400", "direction": "sideways"}
            assert (await client.post("/api/v1/bank-rules", json=bad)).status_code == 422
            floats = {**body, "account": "6400", "min_amount": 10.5}
            assert (await client.post("/api/v1/bank-rules", json=floats)).status_code == 422
            made = await client.post(
                "/api/v1/bank-rules", json={**body, "account": "6400", "max_amount": "5000"}
            )
            assert made.status_code == 201
            rule = made.json()
            assert (rule["account"], rule["max_amount"], rule["created_by"]) == (
                "6400",
                "5000",
                "finance",
            )
            twin = await client.post("/api/v1/bank-rules", json={**body, "account": "6400"})
            assert twin.status_code == 409  # the same name: a match names its rule
            listed = (await client.get("/api/v1/bank-rules")).json()["items"]
            assert [r["id"] for r in listed] == [rule["id"]]
            gone = await client.delete(f"/api/v1/bank-rules/{rule['id']}")
            assert gone.status_code == 204
            again = await client.delete(f"/api/v1/bank-rules/{rule['id']}")
            assert again.status_code == 404
            assert (await client.get("/api/v1/bank-rules")).json()["items"] == []

    asyncio.run(run())
    with db.read() as conn:
        trail = [
            (r.actor, r.action) for r in conn.execute(select(audit_log).order_by(audit_log.c.at))
        ]
    assert trail == [("finance", "bank_rule.created"), ("finance", "bank_rule.deleted")]


def test_the_cli_adds_lists_and_deletes_a_rule(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup.init(sqlite_db, "EUR")
    setup.add_account(sqlite_db, "default", "6400", "Rent expense", "expense", None)
    monkeypatch.setenv("LEDGERBRIDGE_DATABASE_URL", str(sqlite_db.engine.url))
    runner = CliRunner()
    added = runner.invoke(
        cli, ["bank-rule", "add", "--text", "RENT", "--account", "6400", "--direction", "debit"]
    )
    assert added.exit_code == 0, added.output
    assert "'RENT -> 6400': debit lines to 6400" in added.output
    listed = runner.invoke(cli, ["bank-rule", "list"])
    rule_id = listed.output.split("\t")[0]
    assert listed.output.split("\t")[1:4] == ["100", "RENT -> 6400", "RENT"]
    missing = runner.invoke(cli, ["bank-rule", "add", "--text", "ACME", "--account", "5999"])
    assert missing.exit_code == 1
    assert "no account '5999'" in missing.output
    assert runner.invoke(cli, ["bank-rule", "delete", rule_id]).exit_code == 0
    assert bank_rules.list_rules(sqlite_db, "default") == []
