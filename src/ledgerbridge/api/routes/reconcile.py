"""Reconciliation runs, matches and the discrepancy queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.auth import require_api_key
from ledgerbridge.api.schemas import ReasonIn
from ledgerbridge.service import reconcile, reconcile_manual

router = APIRouter(prefix="/api/v1", tags=["reconciliation"])


class RunIn(BaseModel):
    ledger: str = "default"


@router.post("/reconciliations", status_code=201, summary="Run reconciliation now")
async def run(body: RunIn, request: Request) -> dict[str, Any]:
    return await run_in_threadpool(reconcile.run, request.app.state.db, body.ledger)


@router.get("/matches", summary="Matches with their rule and confidence")
async def matches(
    request: Request, kind: str | None = None, ledger: str = "default"
) -> dict[str, Any]:
    items = await run_in_threadpool(reconcile.matches, request.app.state.db, ledger, kind)
    return {"items": items, "next_cursor": None}


class MatchIn(BaseModel):
    kind: str
    left_ids: list[str]
    right_ids: list[str]
    ledger: str = "default"


@router.post("/matches", status_code=201, summary="Match by hand (confirmed, audited)")
async def create_match(
    body: MatchIn, request: Request, actor: Annotated[str, Depends(require_api_key)]
) -> dict[str, Any]:
    return await run_in_threadpool(
        reconcile_manual.create,
        request.app.state.db,
        body.ledger,
        body.kind,
        body.left_ids,
        body.right_ids,
        actor,
    )


@router.post("/matches/{match_id}/confirm", summary="Confirm a match (kept across runs)")
async def confirm_match(
    match_id: str, request: Request, actor: Annotated[str, Depends(require_api_key)]
) -> dict[str, Any]:
    return await run_in_threadpool(
        reconcile_manual.decide, request.app.state.db, match_id, "confirmed", actor
    )


@router.post("/matches/{match_id}/break", summary="Break a match (never made again)")
async def break_match(
    match_id: str, request: Request, actor: Annotated[str, Depends(require_api_key)]
) -> dict[str, Any]:
    return await run_in_threadpool(
        reconcile_manual.decide, request.app.state.db, match_id, "broken", actor
    )


@router.get("/discrepancies", summary="The discrepancy work queue")
async def discrepancies(
    request: Request, status: str | None = None, kind: str | None = None, ledger: str = "default"
) -> dict[str, Any]:
    items = await run_in_threadpool(
        reconcile.discrepancies, request.app.state.db, ledger, status, kind
    )
    return {"items": items, "next_cursor": None}


@router.post("/discrepancies/{discrepancy_id}/resolve", summary="Resolve, with the reason")
async def resolve(
    discrepancy_id: str,
    body: ReasonIn,
    request: Request,
    actor: Annotated[str, Depends(require_api_key)],
) -> dict[str, Any]:
    return await run_in_threadpool(
        reconcile.decide, request.app.state.db, discrepancy_id, "resolved", body.reason, actor
    )


@router.post("/discrepancies/{discrepancy_id}/ignore", summary="Ignore, with the reason")
async def ignore(
    discrepancy_id: str,
    body: ReasonIn,
    request: Request,
    actor: Annotated[str, Depends(require_api_key)],
) -> dict[str, Any]:
    return await run_in_threadpool(
        reconcile.decide, request.app.state.db, discrepancy_id, "ignored", body.reason, actor
    )
