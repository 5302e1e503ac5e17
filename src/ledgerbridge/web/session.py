"""Who a dashboard request acts as: the session cookie (HttpOnly, SameSite=Strict), the role
each page needs, and the CSRF token every form posts back."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ledgerbridge.service import access, setup
from ledgerbridge.service.access import Principal

COOKIE = "lb_session"
LOGIN_COOKIE = "lb_login_csrf"


class LoginRequired(Exception):
    """Raised when a page needs a session and the request has none: redirects to the login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):
    """Raised when the session's role may not do what the request asks, or its CSRF token is
    missing or wrong."""


async def current(request: Request) -> Principal:
    """The session's principal (a FastAPI dependency for every page but the login)."""
    token = request.cookies.get(COOKIE, "")
    found = await run_in_threadpool(access.session, request.app.state.db, token)
    if found is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query)
    request.state.principal = found
    request.state.ledgers = await run_in_threadpool(setup.ledger_ids, request.app.state.db)
    return found


async def form_of(request: Request, who: Principal, role: str) -> dict[str, str]:
    """A posted form, once its CSRF token is checked and the role allows the action."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not access.csrf_ok(who, values.get("csrf")):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page")
    if not who.may(role):
        raise Forbidden(f"this needs the {role} role; {who.name} is {who.role}")
    return values


def login_url(next_path: str) -> str:
    return "/ui/login?next=" + quote(next_path, safe="")
