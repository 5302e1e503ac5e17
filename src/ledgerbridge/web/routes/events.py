"""The inbox: filter events, open one (error, raw payload with secrets hidden, its entries),
replay it, or replay every failure of a source."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import journal, replay, setup
from ledgerbridge.service.access import Principal
from ledgerbridge.web.pages import back, render
from ledgerbridge.web.redact import pretty, scrub
from ledgerbridge.web.session import current, form_of

router = APIRouter(prefix="/ui")
STATUSES = ("posted", "failed", "ignored")


@router.get("/events", response_class=HTMLResponse)
async def events(
    request: Request,
    who: Annotated[Principal, Depends(current)],
    source: str = "",
    status: str = "",
    cursor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> HTMLResponse:
    db = request.app.state.db
    items, after = await run_in_threadpool(
        lambda: journal.list_events(
            db,
            status=status or None,
            source=source or None,
            since=_start(since),
            until=_start(until + timedelta(days=1)) if until else None,
            limit=50,
            cursor=cursor or None,
        )
    )
    sources = await run_in_threadpool(setup.source_ids, db)
    return render(
        request,
        "events.html",
        who,
        page="events",
        items=items,
        next_cursor=after,
        source=source,
        status=status,
        sources=sources,
        statuses=STATUSES,
        since=since,
        until=until,
    )


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), UTC) if day else None


@router.get("/events/{event_id}", response_class=HTMLResponse)
async def event(
    request: Request, event_id: str, who: Annotated[Principal, Depends(current)]
) -> HTMLResponse:
    doc = await run_in_threadpool(journal.get_event, request.app.state.db, event_id)
    raw = base64.b64decode(doc["raw_body"])
    return render(
        request,
        "event.html",
        who,
        page="events",
        event=doc,
        payload=pretty(raw),
        size=len(raw),
        headers=scrub(doc["headers"] or {}),
        lookups=pretty(json.dumps(doc["lookups"]).encode()) if doc["lookups"] else None,
    )


@router.post("/events/{event_id}/replay")
async def replay_one(
    request: Request, event_id: str, who: Annotated[Principal, Depends(current)]
) -> Response:
    await form_of(request, who, "accountant")
    done = await run_in_threadpool(replay.replay, request.app.state.db, event_id)
    if done.status == "failed":
        return back(f"/ui/events/{event_id}", err=f"still failing: {done.error}")
    return back(f"/ui/events/{event_id}", msg=f"replayed: {done.status}")


@router.post("/events/replay-failed")
async def replay_failed(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "accountant")
    source = form.get("source") or None
    results = await run_in_threadpool(replay.replay_many, request.app.state.db, "failed", source)
    posted = sum(1 for r in results if r.status == "posted")
    still = sum(1 for r in results if r.status == "failed")
    return back(
        "/ui/events",
        msg=f"replayed {len(results)}: {posted} posted, {still} still failing",
        source=source or "",
        status="failed",
    )
