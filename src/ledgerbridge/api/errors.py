"""Domain errors to HTTP, in one table and one handler (the domain knows no HTTP)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ledgerbridge.domain import errors as e


class Unauthenticated(e.LedgerbridgeError):
    """Raised when /api/v1 is called without a valid API key."""

    code = "unauthenticated"


STATUS: list[tuple[type[e.LedgerbridgeError], int]] = [
    (e.SignatureError, 401),
    (Unauthenticated, 401),
    (e.NotFoundError, 404),
    (e.ConflictError, 409),
    (e.MalformedPayloadError, 400),
    (e.ValidationError, 422),
    (e.StorageUnavailableError, 503),
    (e.MissingRateError, 422),
    (e.LookupFailedError, 502),
]


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def status_of(exc: e.LedgerbridgeError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


async def domain_handler(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, e.LedgerbridgeError):  # pragma: no cover - registered for it
        raise exc
    details = {
        k: v for k, v in exc.details.items() if isinstance(v, str | int | bool | list | dict)
    }
    return JSONResponse(error_body(exc.code, exc.message, details), status_code=status_of(exc))


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover
        raise exc
    problems = [
        {"path": ".".join(str(p) for p in err["loc"]), "reason": err["msg"]} for err in exc.errors()
    ]
    return JSONResponse(
        error_body("invalid", "request is invalid", {"errors": problems}), status_code=422
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.LedgerbridgeError, domain_handler)
    app.add_exception_handler(RequestValidationError, _invalid)
