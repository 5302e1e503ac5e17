"""Ledgers and accounts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.schemas import AccountIn, LedgerIn
from ledgerbridge.service import setup
from ledgerbridge.store import catalog

router = APIRouter(prefix="/api/v1", tags=["ledgers"])


@router.post("/ledgers", status_code=201, summary="Create a ledger with a chart of accounts")
async def create_ledger(body: LedgerIn, request: Request) -> dict[str, Any]:
    db = request.app.state.db
    await run_in_threadpool(
        lambda: setup.create_ledger(
            db, body.id, body.base_currency, body.chart, timezone=body.timezone
        )
    )
    return {
        "id": body.id,
        "base_currency": body.base_currency.upper(),
        "chart": body.chart,
        "timezone": body.timezone,
    }


def _account_doc(a: Any) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "type": a.type.value,
        "role": a.role.value if a.role else None,
        "source": a.source,
    }


@router.get("/accounts", summary="The chart of accounts of a ledger")
async def list_accounts(request: Request, ledger: str = "default") -> dict[str, Any]:
    db = request.app.state.db

    def load() -> list[dict[str, Any]]:
        with db.read() as conn:
            catalog.get_ledger(conn, ledger)
            return [_account_doc(a) for a in catalog.list_accounts(conn, ledger)]

    return {"items": await run_in_threadpool(load), "next_cursor": None}


@router.post("/accounts", status_code=201, summary="Add an account")
async def add_account(body: AccountIn, request: Request, ledger: str = "default") -> dict[str, Any]:
    account = await run_in_threadpool(
        setup.add_account, request.app.state.db, ledger, body.code, body.name, body.type, body.role
    )
    return _account_doc(account)
