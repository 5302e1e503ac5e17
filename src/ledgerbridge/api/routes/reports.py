"""Reports: profit and loss, balance sheet; JSON, or CSV with ``?format=csv``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.routes.entries import DIMENSION_HELP, dimension_filters
from ledgerbridge.service import account_ledger as ledger_report
from ledgerbridge.service import reports

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Format = Literal["json", "csv"]


def as_csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(
    "/profit-and-loss",
    summary="Profit and loss for [since, until] in base currency (income and expenses positive)",
    description=DIMENSION_HELP,
    response_model=None,
)
async def profit_and_loss(
    request: Request,
    ledger: str = "default",
    since: date | None = None,
    until: date | None = None,
    format: Format = "json",
) -> dict[str, Any] | Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: reports.profit_and_loss(
            request.app.state.db, ledger, since, until, dimensions=filters
        )
    )
    return as_csv(reports.report_csv(doc), "profit-and-loss") if format == "csv" else doc


@router.get(
    "/balance-sheet",
    summary="Assets, liabilities and equity (with earnings to date) in base currency",
    description=DIMENSION_HELP,
    response_model=None,
)
async def balance_sheet(
    request: Request,
    ledger: str = "default",
    as_of: date | None = None,
    format: Format = "json",
) -> dict[str, Any] | Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: reports.balance_sheet(request.app.state.db, ledger, as_of, dimensions=filters)
    )
    return as_csv(reports.report_csv(doc), "balance-sheet") if format == "csv" else doc


@router.get(
    "/account-ledger",
    summary="One account's lines for [since, until] with opening, running and closing balance",
    description=DIMENSION_HELP,
    response_model=None,
)
async def account_ledger(
    request: Request,
    account: str,
    ledger: str = "default",
    since: date | None = None,
    until: date | None = None,
    format: Format = "json",
) -> dict[str, Any] | Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: ledger_report.account_ledger(
            request.app.state.db, ledger, account, since, until, dimensions=filters
        )
    )
    if format == "csv":
        return as_csv(ledger_report.account_ledger_csv(doc), f"account-ledger-{account}")
    return doc
