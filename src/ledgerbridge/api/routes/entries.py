"""The journal: entries, one entry, reversal, trial balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.schemas import ReasonIn
from ledgerbridge.service import journal, reports
from ledgerbridge.service.post import reverse_entry

router = APIRouter(prefix="/api/v1", tags=["journal"])


DIMENSION_HELP = (
    "Filter by any dimension with `dimension.<name>=<value>` query parameters "
    "(for example `?dimension.channel=amazon`); several are combined with AND."
)


def dimension_filters(request: Request) -> dict[str, str]:
    """``?dimension.channel=amazon`` -> {"channel": "amazon"}: any dimension, no schema change."""
    return {
        key.removeprefix("dimension."): value
        for key, value in request.query_params.items()
        if key.startswith("dimension.") and len(key) > len("dimension.")
    }


@router.get(
    "/entries",
    summary="Journal entries (debit lines positive, credit negative)",
    description=DIMENSION_HELP,
)
async def list_entries(
    request: Request,
    ledger: str = "default",
    since: date | None = None,
    until: date | None = None,
    source: str | None = None,
    account: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
) -> dict[str, Any]:
    items, next_cursor = await run_in_threadpool(
        lambda: journal.list_entries(
            request.app.state.db,
            ledger=ledger,
            since=since,
            until=until,
            source=source,
            account=account,
            limit=limit,
            cursor=cursor,
            dimensions=dimension_filters(request),
        )
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/entries/{entry_id}", summary="One journal entry")
async def show(entry_id: str, request: Request) -> dict[str, Any]:
    return await run_in_threadpool(journal.get_entry, request.app.state.db, entry_id)


@router.post("/entries/{entry_id}/reverse", status_code=201, summary="Reverse a posted entry")
async def reverse(entry_id: str, body: ReasonIn, request: Request) -> dict[str, Any]:
    db = request.app.state.db

    def run() -> dict[str, Any]:
        with db.write() as conn:
            new_id = reverse_entry(conn, entry_id, body.reason, datetime.now(UTC).date())
        return journal.get_entry(db, new_id)

    return await run_in_threadpool(run)


@router.get(
    "/trial-balance",
    summary="Trial balance in base currency",
    description=DIMENSION_HELP + " `group_by=<dimension>` splits each account by its values; "
    "`format=csv` answers text/csv.",
    response_model=None,
)
async def trial_balance(
    request: Request,
    ledger: str = "default",
    as_of: date | None = None,
    group_by: str | None = None,
    format: Literal["json", "csv"] = "json",
) -> dict[str, Any] | Response:
    filters = dimension_filters(request)
    doc = await run_in_threadpool(
        lambda: journal.trial_balance(
            request.app.state.db, ledger, as_of, dimensions=filters, group_by=group_by
        )
    )
    if format == "csv":
        return Response(reports.trial_balance_csv(doc), media_type="text/csv; charset=utf-8")
    return doc
