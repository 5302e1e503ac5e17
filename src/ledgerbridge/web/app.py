"""Mounts the dashboard on the FastAPI app: the pages under /ui, their static files, and the
handlers that turn a missing session into the login page and a refused action into a 403 page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from ledgerbridge.api.errors import domain_handler, status_of
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.web.pages import HERE, back, render
from ledgerbridge.web.routes import (
    close,
    events,
    journal,
    login,
    mapping,
    overview,
    reconcile,
    reports,
)
from ledgerbridge.web.session import Forbidden, LoginRequired, login_url


async def _login_required(request: Request, exc: Exception) -> Response:
    return back(login_url(exc.next_path if isinstance(exc, LoginRequired) else "/ui/"))


async def _forbidden(request: Request, exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        getattr(request.state, "principal", None),
        status_code=403,
        problem=str(exc),
    )


async def _domain(request: Request, exc: Exception) -> Response:
    if not request.url.path.startswith("/ui") or not isinstance(exc, LedgerbridgeError):
        return await domain_handler(request, exc)
    return render(
        request,
        "error.html",
        getattr(request.state, "principal", None),
        status_code=status_of(exc),
        problem=exc.message,
    )


def mount(app: FastAPI) -> None:
    for module in (login, overview, events, journal, reconcile, close, reports, mapping):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/ui/static", StaticFiles(directory=str(HERE / "static")), name="ui-static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(LedgerbridgeError, _domain)
