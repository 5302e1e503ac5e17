"""The journal, three clicks from a trial-balance line to the raw event: trial balance ->
account ledger -> entry -> event. Each page also downloads as CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.routes.entries import dimension_filters
from ledgerbridge.api.routes.reports import as_csv as csv_download
from ledgerbridge.service import journal, reports
from ledgerbridge.service.access import Principal
from ledgerbridge.service.account_ledger import account_ledger, account_ledger_csv
from ledgerbridge.web.pages import render
from ledgerbridge.web.session import current

router = APIRouter(prefix="/ui")


@router.get("/journal", response_class=HTMLResponse)
async def trial_balance(
    request: Request,
    who: Annotated[Principal, Depends(current)],
    ledger: str = "default",
    as_of: date | None = None,
    group_by: str = "",
    format: str = "html",
) -> Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: journal.trial_balance(
            request.app.state.db, ledger, as_of, dimensions=filters, group_by=group_by or None
        )
    )
    if format == "csv":
        return csv_download(reports.trial_balance_csv(doc), "trial-balance")
    return render(
        request, "journal.html", who, page="journal", tb=doc, filters=filters, ledger=ledger
    )


@router.get("/accounts/{code}", response_class=HTMLResponse)
async def account(
    request: Request,
    code: str,
    who: Annotated[Principal, Depends(current)],
    ledger: str = "default",
    since: date | None = None,
    until: date | None = None,
    format: str = "html",
) -> Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: account_ledger(request.app.state.db, ledger, code, since, until, dimensions=filters)
    )
    if format == "csv":
        return csv_download(account_ledger_csv(doc), f"account-ledger-{code}")
    return render(request, "account.html", who, page="journal", doc=doc, filters=filters)


@router.get("/entries/{entry_id}", response_class=HTMLResponse)
async def entry(
    request: Request, entry_id: str, who: Annotated[Principal, Depends(current)]
) -> HTMLResponse:
    doc = await run_in_threadpool(journal.get_entry, request.app.state.db, entry_id)
    return render(request, "entry.html", who, page="journal", entry=doc)
