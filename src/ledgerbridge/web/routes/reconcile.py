"""Reconciliation: the discrepancy queue (resolve or ignore with a reason), matches with their
rule and confidence (confirm or break), unmatched bank lines and a manual match."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service import reconcile, reconcile_manual, statements
from ledgerbridge.service.access import Principal
from ledgerbridge.web.pages import back, render
from ledgerbridge.web.session import current, form_of

router = APIRouter(prefix="/ui")
PAGE = "/ui/reconcile"


@router.get("/reconcile", response_class=HTMLResponse)
async def page(
    request: Request,
    who: Annotated[Principal, Depends(current)],
    ledger: str = "default",
    kind: str = "payout_deposit",
) -> HTMLResponse:
    db = request.app.state.db

    def load() -> dict[str, Any]:
        lines, _ = statements.list_bank_lines(
            db, ledger=ledger, status="unmatched", account=None, limit=200, cursor=None
        )
        every = reconcile.matches(db, ledger, None)
        counts: dict[str, int] = {}
        for m in every:
            counts[m["kind"]] = counts.get(m["kind"], 0) + 1
        found = reconcile.discrepancies(db, ledger, None, None)
        decided = [d for d in found if d["status"] != "open"]
        return {
            "open": [d for d in found if d["status"] == "open"],
            "closed": decided[-20:],
            "matches": [m for m in every if m["kind"] == kind][-50:],
            "kind": kind,
            "kinds": counts,
            "bank_lines": lines,
            "payouts": reconcile_manual.open_payouts(db, ledger),
        }

    found = await run_in_threadpool(load)
    return render(request, "reconcile.html", who, page="reconcile", ledger=ledger, **found)


@router.post("/reconcile/run")
async def run(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "accountant")
    ledger = form.get("ledger") or "default"
    done = await run_in_threadpool(
        lambda: reconcile.run(request.app.state.db, ledger, trigger="dashboard")
    )
    return back(
        PAGE,
        msg=f"reconciled: {done['matched']} matched, "
        f"{done['discrepancies_opened']} discrepancies opened, "
        f"{done['discrepancies_closed']} closed",
    )


@router.post("/discrepancies/{discrepancy_id}")
async def decide(
    request: Request, discrepancy_id: str, who: Annotated[Principal, Depends(current)]
) -> Response:
    form = await form_of(request, who, "accountant")
    status = form.get("decision", "")
    try:
        await run_in_threadpool(
            reconcile.decide,
            request.app.state.db,
            discrepancy_id,
            status,
            form.get("reason", ""),
            who.name,
        )
    except LedgerbridgeError as exc:
        return back(PAGE, err=exc.message)
    return back(PAGE, msg=f"discrepancy {discrepancy_id} {status}")


@router.post("/matches")
async def manual_match(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "accountant")
    try:
        await run_in_threadpool(
            reconcile_manual.create,
            request.app.state.db,
            form.get("ledger") or "default",
            "payout_deposit",
            [form.get("payout", "")],
            [form.get("bank_line", "")],
            who.name,
        )
    except LedgerbridgeError as exc:
        return back(PAGE, err=exc.message)
    return back(PAGE, msg="matched by hand")


@router.post("/matches/{match_id}/{action}")
async def match_action(
    request: Request, match_id: str, action: str, who: Annotated[Principal, Depends(current)]
) -> Response:
    await form_of(request, who, "accountant")
    status = {"confirm": "confirmed", "break": "broken"}.get(action)
    if status is None:
        return back(PAGE, err=f"unknown action {action!r}")
    try:
        await run_in_threadpool(
            reconcile_manual.decide, request.app.state.db, match_id, status, who.name
        )
    except LedgerbridgeError as exc:
        return back(PAGE, err=exc.message)
    return back(PAGE, msg=f"match {match_id} {status}")
