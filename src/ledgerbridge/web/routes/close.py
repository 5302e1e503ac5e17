"""Month-end: the checklist of a period, close (when ready, or by an admin with a reason) and
reopen (admin, with a reason). Every change is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.domain.periods import previous_period
from ledgerbridge.service import close, periods
from ledgerbridge.service.access import Principal
from ledgerbridge.web.pages import back, render
from ledgerbridge.web.session import Forbidden, current, form_of

router = APIRouter(prefix="/ui")


def _threshold(text: str | None) -> Decimal:
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() and value >= 0 else Decimal(0)


@router.get("/close", response_class=HTMLResponse)
async def page(
    request: Request,
    who: Annotated[Principal, Depends(current)],
    ledger: str = "default",
    period: str = "",
    threshold: str = "0",
) -> HTMLResponse:
    period = period or previous_period(date.today())
    found = await run_in_threadpool(
        close.checklist, request.app.state.db, ledger, period, _threshold(threshold)
    )
    return render(request, "close.html", who, page="close", doc=found)


@router.post("/close")
async def close_period(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "accountant")
    ledger, period = form.get("ledger") or "default", form.get("period", "")
    reason = form.get("override_reason", "").strip() or None
    if reason and not who.may("admin"):
        raise Forbidden("closing a period whose checks fail needs the admin role")
    where = {"ledger": ledger, "period": period, "threshold": form.get("threshold", "0")}
    try:
        await run_in_threadpool(
            lambda: close.close(
                request.app.state.db,
                ledger,
                period,
                who.name,
                threshold=_threshold(form.get("threshold")),
                override_reason=reason,
            )
        )
    except LedgerbridgeError as exc:
        return back("/ui/close", err=exc.message, **where)
    return back(
        "/ui/close", msg=f"{period} closed: late events now post into the next open month", **where
    )


@router.post("/reopen")
async def reopen(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    form = await form_of(request, who, "admin")
    ledger, period = form.get("ledger") or "default", form.get("period", "")
    reason = form.get("reason", "").strip()
    where = {"ledger": ledger, "period": period}
    if not reason:
        return back("/ui/close", err="reopening a period needs a reason", **where)
    try:
        await run_in_threadpool(
            lambda: periods.change(
                request.app.state.db, ledger, period, "open", who.name, detail={"reason": reason}
            )
        )
    except LedgerbridgeError as exc:
        return back("/ui/close", err=exc.message, **where)
    return back("/ui/close", msg=f"{period} reopened (audited)", **where)
