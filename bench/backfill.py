"""Back-fill throughput: N WooCommerce orders pulled page by page (100 a page) from a loopback
server speaking the wc/v3 format, each through the inbox-and-post path, into SQLite.

    .venv/bin/python bench/backfill.py [--orders 100000]

Pages are generated on request from the page number (no 200 MB of documents held in memory);
every order is new, so every one posts a sale. Prints records/s over the whole run."""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ledgerbridge.service import backfill, setup
from ledgerbridge.sources.woocommerce import simulate as woo
from ledgerbridge.store.database import Database

PER_PAGE = 100


def serve_pages(total: int) -> tuple[ThreadingHTTPServer, str]:
    pages = (total + PER_PAGE - 1) // PER_PAGE
    template = woo.order(1, currency="EUR", date_created_gmt="2026-03-02T10:00:00",
                         line_items=[woo.line_item(11, unit_price="20.00", tax_rate="19",
                                                   currency="EUR")])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            page = int(dict(parse_qsl(urlsplit(self.path).query)).get("page", "1"))
            first = (page - 1) * PER_PAGE
            orders = [{**template, "id": first + n + 1, "number": str(first + n + 1)}
                      for n in range(min(PER_PAGE, total - first))]
            body = woo.body(orders)
            self.send_response(200)
            for name, value in (("Content-Type", "application/json"),
                                ("Content-Length", str(len(body))),
                                ("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    server, url = serve_pages(args.orders)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        setup.init(db, "EUR")
        setup.add_source(db, source_id="stripe", platform="stripe", ledger="default",
                         webhook_secret="whsec_bench")
        setup.add_source(db, source_id="woo", platform="woocommerce", ledger="default",
                         webhook_secret="woo_bench",
                         api_credentials={"consumer_key": "ck", "consumer_secret": "cs"},
                         settings={"api_base_url": url, "gateway": "stripe"})
        started = time.perf_counter()
        tally = backfill.run(db, "woo", datetime(2026, 3, 1, tzinfo=UTC),
                             datetime(2026, 3, 3, tzinfo=UTC))
        elapsed = time.perf_counter() - started
        db.dispose()
    server.shutdown()
    print(f"back-fill of {tally.seen:,} WooCommerce orders ({tally.pages:,} pages of "
          f"{PER_PAGE}) from loopback into SQLite: {elapsed:.1f} s, "
          f"{tally.seen / elapsed:,.0f} records/s; outcomes {tally.statuses}")


if __name__ == "__main__":
    main()
