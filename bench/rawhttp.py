"""A lean HTTP/1.1 keep-alive client for the load generator.

The bench's client shares the server's two cores: httpx.AsyncClient spends about as much CPU
on a request as the server does, so at high rates it measured the client, not the server. This
one writes prebuilt request bytes on a few keep-alive connections and reads back the status
line, Content-Length and body: tens of microseconds a request. Enough HTTP for our own server
on loopback (no chunked responses, no redirects, no TLS), nothing more.
"""

from __future__ import annotations

import asyncio
import time

import orjson

IDLE_SECONDS = 3.0
"""A connection idle this long is not reused: uvicorn closes keep-alive connections idle 5 s."""


def request_bytes(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host",
                                                                           "content-length")]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class Connection:
    """One keep-alive connection: one request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.used = time.monotonic()

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        self.used = time.monotonic()
        return status, body

    def close(self) -> None:
        self.writer.close()


class Pool:
    """Keep-alive connections handed out one request at a time (at most ``size`` open)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.free: list[Connection] = []
        self.slots = asyncio.Semaphore(size)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        async with self.slots:
            stale = time.monotonic() - IDLE_SECONDS
            while self.free and self.free[0].used < stale:  # the least recently used first
                self.free.pop(0).close()
            conn = self.free.pop() if self.free else await Connection.open(self.host, self.port)
            try:
                answer = await conn.send(request)
            except BaseException:
                conn.close()
                raise
            self.free.append(conn)
            return answer

    def close(self) -> None:
        for conn in self.free:
            conn.close()
        self.free.clear()


def outcome(status: int, body: bytes) -> str:
    """The webhook's status word (``posted``, ``duplicate``...) or the HTTP status code."""
    if status != 200:
        return str(status)
    return str(orjson.loads(body).get("status", status))
