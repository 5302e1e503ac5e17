"""Profit and loss and balance sheet for a period (by any dimension), with CSV downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.routes.entries import dimension_filters
from ledgerbridge.api.routes.reports import as_csv as csv_download
from ledgerbridge.domain.periods import bounds, period_of
from ledgerbridge.service import reports
from ledgerbridge.service.access import Principal
from ledgerbridge.web.pages import render
from ledgerbridge.web.session import current

router = APIRouter(prefix="/ui")


@router.get("/reports", response_class=HTMLResponse)
async def report_page(
    request: Request,
    who: Annotated[Principal, Depends(current)],
    ledger: str = "default",
    period: str = "",
    format: str = "html",
    report: str = "profit-and-loss",
) -> Response:
    period = period or period_of(date.today())
    since, until = bounds(period)
    filters = dimension_filters(request)
    db = request.app.state.db
    pnl = await run_in_threadpool(
        lambda: reports.profit_and_loss(db, ledger, since, until, dimensions=filters)
    )
    sheet = await run_in_threadpool(
        lambda: reports.balance_sheet(db, ledger, until, dimensions=filters)
    )
    if format == "csv":
        doc = sheet if report == "balance-sheet" else pnl
        return csv_download(reports.report_csv(doc), f"{report}-{period}")
    return render(
        request,
        "reports.html",
        who,
        page="reports",
        pnl=pnl,
        sheet=sheet,
        period=period,
        ledger=ledger,
        filters=filters,
    )
