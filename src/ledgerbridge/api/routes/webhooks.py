"""POST /webhooks/{source_id}: the raw body and headers exactly as the platform sent them."""

from __future__ import annotations

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ledgerbridge.service.ingest import ingest

router = APIRouter(tags=["webhooks"])

INGEST_THREADS = {"sqlite": 16, "postgresql": 16}
"""Worker threads for ingest. SQLite takes one writer at a time, but the webhooks waiting for
it share the next transaction and its commit (Database.batched): with 16 threads a batch holds a
few webhooks and one server process posts about a third more than with 4 (bench/posting.py)."""


def ingest_limiter(dialect: str) -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(INGEST_THREADS.get(dialect, 8))


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
async def receive(source_id: str, request: Request) -> Response:
    body = await request.body()
    state = request.app.state
    accepted = await to_thread.run_sync(
        lambda: ingest(
            state.db,
            source_id,
            body,
            dict(request.headers),
            lookup_timeout=state.settings.lookup_timeout_seconds,
        ),
        limiter=state.ingest_limiter,
    )
    if accepted.reply is not None:  # the platform's own acknowledgement (Adyen: "[accepted]")
        return Response(accepted.reply, media_type=accepted.reply_type)
    return JSONResponse({"event_id": accepted.event_id, "status": accepted.status})
