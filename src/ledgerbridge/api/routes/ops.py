"""Operations: /healthz (no auth) and /metrics (Prometheus text)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import metrics
from ledgerbridge.store.tables import events

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Storage reachable")
async def healthz(request: Request) -> JSONResponse:
    db = request.app.state.db

    def check() -> None:
        with db.read() as conn:
            conn.execute(select(1))

    await run_in_threadpool(check)
    return JSONResponse({"status": "ok", "database": db.dialect})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def prometheus(request: Request) -> Response:
    db = request.app.state.db

    def failed() -> int:
        with db.read() as conn:
            query = select(func.count()).select_from(events).where(events.c.status == "failed")
            return int(conn.execute(query).scalar() or 0)

    metrics.EVENTS_FAILED.set(await run_in_threadpool(failed))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
