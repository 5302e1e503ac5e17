"""The inbox: list, show (with the raw body), replay one or many."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.schemas import ReplayIn
from ledgerbridge.service import journal, replay, repost

router = APIRouter(prefix="/api/v1/events", tags=["events"])


@router.get("", summary="Received events, newest first")
async def list_events(
    request: Request,
    status: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
) -> dict[str, Any]:
    items, next_cursor = await run_in_threadpool(
        lambda: journal.list_events(
            request.app.state.db,
            status=status,
            source=source,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor,
        )
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/replay", summary="Replay every event with a status (failed by default)")
async def replay_many(body: ReplayIn, request: Request) -> dict[str, Any]:
    state = request.app.state
    results = await run_in_threadpool(
        lambda: replay.replay_many(
            state.db, body.status, body.source, lookup_timeout=state.settings.lookup_timeout_seconds
        )
    )
    return {
        "items": [r.__dict__ | {"entry_ids": list(r.entry_ids)} for r in results],
        "replayed": len(results),
        "posted": sum(r.status == "posted" for r in results),
        "failed": sum(r.status == "failed" for r in results),
    }


@router.post(
    "/{event_id}/repost",
    summary="Re-post under the active mapping: reverse its entries, post anew (explicit only)",
)
async def repost_one(event_id: str, request: Request) -> dict[str, Any]:
    state = request.app.state
    return await run_in_threadpool(
        lambda: repost.repost(
            state.db, event_id, lookup_timeout=state.settings.lookup_timeout_seconds
        )
    )


@router.get("/{event_id}", summary="One event with its raw body (base64) and stored headers")
async def show(event_id: str, request: Request) -> dict[str, Any]:
    return await run_in_threadpool(journal.get_event, request.app.state.db, event_id)


@router.post("/{event_id}/replay", summary="Post a kept event again")
async def replay_one(event_id: str, request: Request) -> dict[str, Any]:
    state = request.app.state
    result = await run_in_threadpool(
        lambda: replay.replay(
            state.db, event_id, lookup_timeout=state.settings.lookup_timeout_seconds
        )
    )
    return {
        "event_id": result.event_id,
        "status": result.status,
        "error": result.error,
        "entry_ids": list(result.entry_ids),
    }
