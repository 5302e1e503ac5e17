"""The webhook hot path as plain ASGI, in front of FastAPI.

``POST /webhooks/{source_id}`` is the one route that sees platform traffic, and FastAPI's
request object, routing and dependency solving cost more CPU than a posting does. This
middleware answers it directly with the same service call, status codes and error bodies; the
FastAPI route of the same path stays for the OpenAPI document (and for anything not POST).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import orjson

from ledgerbridge.api.errors import error_body, status_of
from ledgerbridge.api.routes.webhooks import INGEST_THREADS
from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service.ingest import Accepted, ingest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
PREFIX = "/webhooks/"


class WebhookFastPath:
    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state
        # Its own worker threads: loop.run_in_executor hands a call over for a fraction of
        # what anyio's to_thread costs the event loop (cancel scopes, limiter, checkpoints).
        self.executor = ThreadPoolExecutor(
            INGEST_THREADS.get(state.db.dialect, 8), thread_name_prefix="ingest"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "POST" or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        source_id = path[len(PREFIX) :]
        if not source_id or "/" in source_id:
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        state = self.state
        call = partial(
            ingest,
            state.db,
            source_id,
            body,
            headers,
            lookup_timeout=state.settings.lookup_timeout_seconds,
        )
        try:
            accepted: Accepted = await asyncio.get_running_loop().run_in_executor(
                self.executor, call
            )
        except LedgerbridgeError as exc:
            details = {
                k: v
                for k, v in exc.details.items()
                if isinstance(v, str | int | bool | list | dict)
            }
            await _answer(
                send,
                status_of(exc),
                orjson.dumps(error_body(exc.code, exc.message, details)),
                b"application/json",
            )
            return
        if accepted.reply is not None:
            await _answer(send, 200, accepted.reply, accepted.reply_type.encode())
            return
        await _answer(
            send,
            200,
            orjson.dumps({"event_id": accepted.event_id, "status": accepted.status}),
            b"application/json",
        )


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Send, status: int, body: bytes, media_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
