"""Close and reopen a period: audited with who did it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.auth import require_api_key
from ledgerbridge.service import close as close_service
from ledgerbridge.service import periods

router = APIRouter(prefix="/api/v1/periods", tags=["periods"])


class PeriodIn(BaseModel):
    ledger: str = "default"


@router.get("/{period}/checklist", summary="The month-end checklist of a period")
async def checklist(
    period: str, request: Request, ledger: str = "default", threshold: Decimal = Decimal(0)
) -> dict[str, Any]:
    doc = await run_in_threadpool(
        close_service.checklist, request.app.state.db, ledger, period, threshold
    )
    return dict(close_service.as_document(doc))


@router.post("/{period}/close", summary="Close a month: late events post into the next open one")
async def close(
    period: str,
    request: Request,
    actor: Annotated[str, Depends(require_api_key)],
    body: PeriodIn | None = None,
) -> dict[str, Any]:
    ledger = body.ledger if body else "default"
    return await run_in_threadpool(
        periods.change, request.app.state.db, ledger, period, "closed", actor
    )


@router.post("/{period}/reopen", summary="Reopen a closed month (audited)")
async def reopen(
    period: str,
    request: Request,
    actor: Annotated[str, Depends(require_api_key)],
    body: PeriodIn | None = None,
) -> dict[str, Any]:
    ledger = body.ledger if body else "default"
    return await run_in_threadpool(
        periods.change, request.app.state.db, ledger, period, "open", actor
    )
