"""Rates: the rate the ledger would use for a pair and day, and manual rates.

A rate is ``quote`` units per one ``base`` unit, always a decimal string: a JSON number is
refused (422) so no rate ever passes through a float.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictStr
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.errors import error_body
from ledgerbridge.domain.errors import MissingRateError
from ledgerbridge.domain.fx import Chosen
from ledgerbridge.service import rates as service

router = APIRouter(prefix="/api/v1/rates", tags=["rates"])


class RateIn(BaseModel):
    base: str = Field(min_length=3, max_length=3)
    quote: str = Field(min_length=3, max_length=3)
    date: date
    rate: StrictStr = Field(description='quote units per one base unit, e.g. "1.0812"')


def _shown(chosen: Chosen) -> dict[str, Any]:
    return {
        "base": chosen.currency,
        "quote": chosen.base,
        "date": chosen.day.isoformat(),
        "rate": service.as_decimal_text(chosen.rate),
        "rate_date": chosen.rate_date.isoformat(),
        "source": chosen.source,
        "via": chosen.via,
        "note": chosen.note,
    }


@router.get(
    "", summary="The rate the ledger would use for base/quote on a day", response_model=None
)
async def show(
    request: Request,
    base: Annotated[str, Query(min_length=3, max_length=3)],
    quote: Annotated[str, Query(min_length=3, max_length=3)],
    day: Annotated[date | None, Query(alias="date", description="default: today (UTC)")] = None,
) -> dict[str, Any] | JSONResponse:
    wanted = day or datetime.now(UTC).date()
    db = request.app.state.db
    try:
        chosen = await run_in_threadpool(service.rate_on, db, base, quote, wanted)
    except MissingRateError as exc:
        # A GET for a rate that does not exist is a missing resource here (404), while
        # posting an event without its rate stays 422 (api/errors.py).
        details = {k: v for k, v in exc.details.items() if isinstance(v, str)}
        return JSONResponse(error_body(exc.code, exc.message, details), status_code=404)
    return _shown(chosen)


@router.post("", status_code=201, summary="Enter a manual rate (wins over a feed's on its date)")
async def add(body: RateIn, request: Request) -> dict[str, Any]:
    db = request.app.state.db
    stored = await run_in_threadpool(
        service.put_manual, db, body.base, body.quote, body.date, body.rate
    )
    return {
        "base": stored.base,
        "quote": stored.quote,
        "date": stored.day.isoformat(),
        "rate": service.as_decimal_text(stored.rate),
        "source": stored.source,
    }
