"""POST /webhooks/{source_id}: the raw body and headers exactly as the platform sent them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service.ingest import ingest

router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks/{source_id}",
    summary="Receive a platform webhook",
    responses={
        200: {"description": '{"event_id", "status": posted|duplicate|failed|ignored|queued}'},
        401: {"description": "signature wrong, missing or outside the replay window"},
        404: {"description": "unknown source"},
        503: {"description": "the event could not be stored durably; the platform retries"},
    },
)
async def receive(source_id: str, request: Request) -> JSONResponse:
    body = await request.body()
    state = request.app.state
    accepted = await run_in_threadpool(
        ingest,
        state.db,
        source_id,
        body,
        dict(request.headers),
        lookup_timeout=state.settings.lookup_timeout_seconds,
    )
    return JSONResponse({"event_id": accepted.event_id, "status": accepted.status})
