"""A loopback HTTP server that answers platform REST look-ups in each platform's own format.

Documents are registered by path (and optionally query parameters); the adapters' clients call
it exactly as they would call api.stripe.com or a WooCommerce site. Every request is recorded,
so a test can assert what was fetched. It is a real socket server, not a mock.

GET is answered by default; ``put(..., method="POST")`` answers a POST (an OAuth2 token
endpoint), matching ``query`` against the query string and a form-encoded body together.
``received`` keeps each request's method, path, headers and body.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson


class StandIn:
    """Serve JSON documents on 127.0.0.1:<free port> until ``close``."""

    def __init__(self) -> None:
        self._docs: dict[str, list[tuple[dict[str, str], Any, int, dict[str, str]]]] = {}
        self._posts: dict[str, list[tuple[dict[str, str], Any, int, dict[str, str]]]] = {}
        self._faults: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.received: list[tuple[str, str, dict[str, str], bytes]] = []
        """(method, path, headers with lower-cased names, body) of every request."""
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes

            def do_GET(self) -> None:
                stand_in._answer(self)

            def do_POST(self) -> None:
                stand_in._answer(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def put(
        self,
        path: str,
        document: Any,
        query: Mapping[str, str] | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
    ) -> None:
        """Answer GET ``path`` (whose query contains ``query``) with ``document`` (JSON, or
        ``bytes`` sent as they are) and ``headers`` (a Link header for the next page...).
        ``method="POST"``: answer a POST instead (``query`` may name form fields too)."""
        entry = (dict(query or {}), document, status, dict(headers or {}))
        table = self._posts if method.upper() == "POST" else self._docs
        with self._lock:
            table.setdefault(path, []).insert(0, entry)

    def fail_next(self, path: str, *faults: str) -> None:
        """The next requests for ``path`` fail, in order: ``"429"`` (Too Many Requests with
        Retry-After: 1), ``"503"``, or ``"drop"`` (the connection closes without an answer)."""
        with self._lock:
            self._faults.setdefault(path, []).extend(faults)

    def _find(
        self, path: str, query: dict[str, str], method: str = "GET"
    ) -> tuple[Any, int, dict[str, str]] | None:
        table = self._posts if method == "POST" else self._docs
        with self._lock:
            for wanted, doc, status, headers in table.get(path, []):
                if all(query.get(k) == v for k, v in wanted.items()):
                    return doc, status, headers
        return None

    def _fault(self, path: str) -> str | None:
        with self._lock:
            pending = self._faults.get(path)
            return pending.pop(0) if pending else None

    def _answer(self, handler: BaseHTTPRequestHandler, method: str = "GET") -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query))
        length = int(handler.headers.get("Content-Length") or 0)
        sent = handler.rfile.read(length) if length else b""
        if method == "POST" and "form-urlencoded" in (handler.headers.get("Content-Type") or ""):
            query = {**dict(parse_qsl(sent.decode("latin-1"))), **query}
        with self._lock:
            self.requests.append((method, parts.path, query))
            self.received.append(
                (method, parts.path, {k.lower(): v for k, v in handler.headers.items()}, sent)
            )
        fault = self._fault(parts.path)
        if fault == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        extra: dict[str, str] = {}
        found = self._find(parts.path, query, method)
        if fault in ("429", "503"):
            body, status = orjson.dumps({"error": {"message": "slow down"}}), int(fault)
            extra = {"Retry-After": "1"} if fault == "429" else {}
        elif found is None:
            body, status = (
                orjson.dumps({"error": {"message": f"no such resource {parts.path}"}}),
                404,
            )
        else:
            doc = found[0]
            body = doc if isinstance(doc, bytes) else orjson.dumps(doc)
            status, extra = found[1], found[2]
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
