"""A source's field mapping: read the active version; an admin saves an edited document as the
next version (validated in full, every error listed, nothing stored when one is wrong)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.domain.errors import LedgerbridgeError, NotFoundError
from ledgerbridge.service import setup
from ledgerbridge.service.access import Principal
from ledgerbridge.service.mapping import get_mapping, put_mapping
from ledgerbridge.web.pages import back, render
from ledgerbridge.web.session import current, form_of

router = APIRouter(prefix="/ui")


@router.get("/mapping", response_class=HTMLResponse)
async def page(
    request: Request, who: Annotated[Principal, Depends(current)], source: str = ""
) -> HTMLResponse:
    db = request.app.state.db
    sources = await run_in_threadpool(setup.source_ids, db)
    source = source or (sources[0] if sources else "")
    version, text = None, "{}"
    if source:
        try:
            found = await run_in_threadpool(get_mapping, db, source)
            version, text = found["version"], json.dumps(found["document"], indent=2)
        except NotFoundError:
            pass
    return render(
        request,
        "mapping.html",
        who,
        page="mapping",
        sources=sources,
        source=source,
        version=version,
        text=text,
        errors=[],
    )


@router.post("/mapping")
async def save(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "admin")
    source, text = form.get("source", ""), form.get("document", "")
    try:
        version = await run_in_threadpool(put_mapping, request.app.state.db, source, text)
    except LedgerbridgeError as exc:
        sources = await run_in_threadpool(setup.source_ids, request.app.state.db)
        return render(
            request,
            "mapping.html",
            who,
            status_code=422,
            page="mapping",
            sources=sources,
            source=source,
            version=None,
            text=text,
            errors=exc.details.get("errors") or [{"path": "", "reason": exc.message}],
            problem="the mapping was not saved",
        )
    return back(
        "/ui/mapping",
        msg=f"mapping version {version} of {source} saved: replay failed events to post them",
        source=source,
    )
