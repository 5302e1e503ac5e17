"""The webhook hot path as plain ASGI, in front of FastAPI.

``POST /webhooks/{source_id}`` is the one route that sees platform traffic, and FastAPI's
request object, routing and dependency solving cost more CPU than a posting does. This
middleware answers it directly with the same service call, status codes and error bodies; the
FastAPI route of the same path stays for the OpenAPI document (and for anything not POST).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from queue import SimpleQueue
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
        self.workers = _Workers(INGEST_THREADS.get(state.db.dialect, 8))

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
            accepted: Accepted = await self.workers.run(call)
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


class _Workers:
    """Ingest threads of its own, fed by a queue; each answer goes back to the event loop by
    one ``call_soon_threadsafe``. A tenth of the server's CPU went into handing calls over
    (anyio's to_thread: cancel scopes, limiter, checkpoints; run_in_executor: two chained
    futures, their locks and callbacks); this is the least that hand-over needs."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.started = 0
        self.idle = threading.Semaphore(0)  # a thread waiting for work (started as needed)
        self.jobs: SimpleQueue[tuple[asyncio.AbstractEventLoop, asyncio.Future[Any], Any]]
        self.jobs = SimpleQueue()

    async def run(self, call: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.jobs.put((loop, future, call))
        if not self.idle.acquire(blocking=False) and self.started < self.threads:
            self.started += 1
            threading.Thread(target=self._work, name=f"ingest-{self.started}", daemon=True).start()
        return await future

    def _work(self) -> None:
        while True:
            loop, future, call = self.jobs.get()
            try:
                outcome: tuple[Any, BaseException | None] = (call(), None)
            except BaseException as exc:  # the caller's to handle, as if it ran in the loop
                outcome = (None, exc)
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it
                loop.call_soon_threadsafe(_settle, future, *outcome)
            self.idle.release()


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the client went away: the webhook was still stored
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


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
