"""The overview: every source's activity and health, the clearing balances not yet paid out,
and the plots (daily sales, payouts and deposits; posting latency over the last hour)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import dashboard
from ledgerbridge.service.access import Principal
from ledgerbridge.web.pages import render
from ledgerbridge.web.plots import line_chart
from ledgerbridge.web.session import current

router = APIRouter(prefix="/ui")


@router.get("/", response_class=HTMLResponse)
async def overview(
    request: Request, who: Annotated[Principal, Depends(current)], ledger: str = "default"
) -> HTMLResponse:
    db = request.app.state.db
    found = await run_in_threadpool(dashboard.overview, db)
    if ledger not in found["ledgers"] and found["ledgers"]:
        ledger = found["ledgers"][0]
    daily = await run_in_threadpool(dashboard.daily_series, db, ledger)
    latency = await run_in_threadpool(dashboard.latency_series, db)
    money_chart = line_chart(
        "Daily sales, payouts and bank deposits",
        [d.strftime("%d %b") for d in daily["days"]],
        daily["series"],
        unit=daily["currency"],
    )
    latency_chart = line_chart(
        f"Posting latency, last hour ({latency['count']} events)",
        [m.strftime("%H:%M") for m in latency["minutes"]],
        {"p50": latency["p50"], "p99": latency["p99"]},
        unit="ms",
    )
    return render(
        request,
        "overview.html",
        who,
        page="overview",
        ledger=ledger,
        **found,
        money_chart=money_chart,
        latency_chart=latency_chart,
    )
