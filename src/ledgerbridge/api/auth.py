"""Bearer API keys for everything under /api/v1. Keys are looked up by their SHA-256."""

from __future__ import annotations

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledgerbridge.api.errors import Unauthenticated
from ledgerbridge.store import catalog

bearer = HTTPBearer(auto_error=False, description="An API key from `ledgerbridge apikey create`")


async def require_api_key(request: Request) -> str:
    credentials: HTTPAuthorizationCredentials | None = await bearer(request)
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("an API key is required: Authorization: Bearer <key>")
    db = request.app.state.db
    with db.read() as conn:
        name = catalog.api_key_name(conn, credentials.credentials)
    if name is None:
        raise Unauthenticated("API key not recognised")
    return str(name)
