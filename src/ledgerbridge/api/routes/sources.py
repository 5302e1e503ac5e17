"""Sources: add, list, show (with sync status). Secrets are write-only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.schemas import SourceIn
from ledgerbridge.service import setup

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])


@router.post("", status_code=201, summary="Add a source")
async def add(body: SourceIn, request: Request) -> dict[str, Any]:
    db = request.app.state.db
    config = await run_in_threadpool(
        lambda: setup.add_source(
            db,
            source_id=body.id,
            platform=body.platform,
            ledger=body.ledger,
            webhook_secret=body.webhook_secret,
            api_credentials=body.api_credentials,
            settings=body.settings,
        )
    )
    return await run_in_threadpool(setup.source_status, db, config.id)


@router.get("", summary="List sources with their sync status")
async def list_sources(request: Request) -> dict[str, Any]:
    db = request.app.state.db

    def load() -> list[dict[str, Any]]:
        return [setup.source_status(db, s) for s in setup.source_ids(db)]

    return {"items": await run_in_threadpool(load), "next_cursor": None}


@router.get("/{source_id}", summary="A source with its sync status")
async def show(source_id: str, request: Request) -> dict[str, Any]:
    return await run_in_threadpool(setup.source_status, request.app.state.db, source_id)
