"""Log in with a user name and password or an API key; log out. The login form carries its own
CSRF token (double-submit cookie), since there is no session yet to hold one."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import access
from ledgerbridge.service.access import LoginFailed, Principal
from ledgerbridge.web.pages import back, render
from ledgerbridge.web.session import COOKIE, LOGIN_COOKIE, Forbidden, current, form_of

router = APIRouter(prefix="/ui")


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/ui") and not value.startswith("//"):
        return value
    return "/ui/"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/ui/") -> Response:
    token = secrets.token_urlsafe(24)
    response: Response = render(request, "login.html", None, csrf=token, next=_safe_next(next))
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/ui")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    sent = values.get("csrf", "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise Forbidden("the login form expired: reload the page")
    db = request.app.state.db
    try:
        if values.get("api_key"):
            token, _ = await run_in_threadpool(access.login_api_key, db, values["api_key"])
        else:
            token, _ = await run_in_threadpool(
                access.login_password, db, values.get("username", ""), values.get("password", "")
            )
    except LoginFailed as exc:
        fresh = secrets.token_urlsafe(24)
        refused = render(
            request,
            "login.html",
            None,
            status_code=401,
            csrf=fresh,
            next=_safe_next(values.get("next")),
            problem=exc.message,
        )
        refused.set_cookie(LOGIN_COOKIE, fresh, httponly=True, samesite="strict", path="/ui")
        return refused
    response: Response = RedirectResponse(_safe_next(values.get("next")), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
        max_age=access.SESSION_HOURS * 3600,
    )
    response.delete_cookie(LOGIN_COOKIE, path="/ui")
    return response


@router.post("/logout")
async def logout(request: Request, who: Annotated[Principal, Depends(current)]) -> Response:
    await form_of(request, who, "viewer")
    await run_in_threadpool(access.logout, request.app.state.db, request.cookies.get(COOKIE, ""))
    response = back("/ui/login", msg="logged out")
    response.delete_cookie(COOKIE, path="/ui")
    return response
