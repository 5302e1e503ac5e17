"""A source's mapping: upload a new version, show the active one, preview a payload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ledgerbridge.mapping import schema
from ledgerbridge.service import mapping, preview

router = APIRouter(prefix="/api/v1", tags=["mapping"])


class PreviewIn(BaseModel):
    payload: dict[str, Any] = Field(description="The platform payload, as it would arrive")
    mapping: dict[str, Any] | None = Field(None, description="A draft mapping (else the active)")
    event_type: str | None = Field(None, description="When the type travels in a header")
    headers: dict[str, str] | None = Field(None, description="Delivery headers, if any")


@router.put(
    "/sources/{source_id}/mapping",
    summary="Upload a mapping: validated in full, stored as a new version, active at once",
    responses={422: {"description": "every error with its path and reason; nothing stored"}},
)
async def put(
    source_id: str,
    request: Request,
    document: Annotated[dict[str, Any], Body(description="The mapping document")],
) -> dict[str, Any]:
    version = await run_in_threadpool(
        mapping.put_mapping, request.app.state.db, source_id, document
    )
    return {"source": source_id, "version": version}


@router.get("/sources/{source_id}/mapping", summary="The active mapping version")
async def show(source_id: str, request: Request) -> dict[str, Any]:
    return await run_in_threadpool(mapping.get_mapping, request.app.state.db, source_id)


@router.post(
    "/sources/{source_id}/mapping/preview",
    summary="The entry a payload would post (or the exact error), writing nothing",
)
async def preview_payload(source_id: str, body: PreviewIn, request: Request) -> dict[str, Any]:
    state = request.app.state
    return await run_in_threadpool(
        lambda: preview.preview(
            state.db,
            source_id,
            body.payload,
            event_type=body.event_type,
            headers=body.headers,
            mapping=body.mapping,
            lookup_timeout=state.settings.lookup_timeout_seconds,
        )
    )


@router.get("/mapping/schema", summary="The JSON Schema of a mapping document")
async def mapping_schema() -> dict[str, Any]:
    return schema()
