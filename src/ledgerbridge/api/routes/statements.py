"""Bank statements (multipart upload) and bank lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import statements

router = APIRouter(prefix="/api/v1", tags=["bank"])


@router.post(
    "/statements",
    status_code=201,
    summary="Import a bank statement (camt.05x, MT940, OFX/QFX, BAI2; CSV with a saved profile)",
    responses={
        422: {
            "description": "bad_statement: details.line and details.reason; "
            "nothing of the file is imported"
        }
    },
)
async def import_statement(
    request: Request,
    file: Annotated[UploadFile, File(description="The statement file as the bank sent it")],
    account: Annotated[str, Form(description="The ledger's bank account code, e.g. 1000")],
    format: Annotated[str | None, Form(description="Detected when omitted")] = None,
    ledger: Annotated[str, Form()] = "default",
) -> dict[str, Any]:
    data = await file.read()
    result = await run_in_threadpool(
        lambda: statements.import_statement(
            request.app.state.db, data, account=account, ledger=ledger, fmt=format
        )
    )
    return {
        "id": result.id,
        "format": result.format,
        "lines_imported": result.lines_imported,
        "lines_skipped_duplicate": result.lines_skipped_duplicate,
        "statements": result.statements,
    }


@router.get("/bank-lines", summary="Bank lines, with their match status")
async def bank_lines(
    request: Request,
    status: str | None = None,
    account: str | None = None,
    ledger: str = "default",
    limit: int = Query(100, ge=1, le=1000),
    cursor: str | None = None,
) -> dict[str, Any]:
    items, next_cursor = await run_in_threadpool(
        lambda: statements.list_bank_lines(
            request.app.state.db,
            ledger=ledger,
            status=status,
            account=account,
            limit=limit,
            cursor=cursor,
        )
    )
    return {"items": items, "next_cursor": next_cursor}
