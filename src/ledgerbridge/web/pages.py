"""What every page shares: the Jinja2 environment (autoescaped), filters for money and time,
and the redirect after a form (POST, then 303 to a page with a message). Dimension filters
and CSV responses are the API's own (api/routes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from ledgerbridge.service.access import Principal

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _money(value: Any) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    return f"{amount:,}"


def _ago(value: timedelta | None) -> str:
    if value is None:
        return "never"
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def _when(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


templates.env.filters["money"] = _money
templates.env.filters["ago"] = _ago
templates.env.filters["when"] = _when


def render(
    request: Request, name: str, who: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("message", request.query_params.get("msg"))
    context.setdefault("problem", request.query_params.get("err"))
    context.setdefault("ledgers", getattr(request.state, "ledgers", []))
    context.setdefault("current_ledger", request.query_params.get("ledger", "default"))
    response = templates.TemplateResponse(
        request, name, {"who": who, "today": date.today(), **context}, status_code=status_code
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def back(
    path: str, *, msg: str | None = None, err: str | None = None, **params: str
) -> RedirectResponse:
    """303 to a page of ours (never an outside URL) with a message to show."""
    if not path.startswith("/ui") or path.startswith("//"):
        path = "/ui/"
    query = {k: v for k, v in {**params, "msg": msg, "err": err}.items() if v}
    sep = "&" if "?" in path else "?"
    return RedirectResponse(path + (sep + urlencode(query) if query else ""), status_code=303)
