"""The ECB XML feeds: parsed from our fixtures, hardened, and fetched over a loopback server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledgerbridge.domain.errors import LookupFailedError, ValidationError
from ledgerbridge.rates.base import RateFeed
from ledgerbridge.rates.ecb.client import EcbFeed
from ledgerbridge.rates.ecb.parse import parse
from ledgerbridge.rates.registry import FEEDS, feed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ecb"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class XmlServer:
    """A real loopback HTTP server answering with the ECB fixtures by file name."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.paths.append(self.path)
                folder, _, name = self.path.rpartition("/")
                target = FIXTURES / name
                if (
                    folder != "/stats/eurofxref"
                    or not name.endswith(".xml")
                    or not target.is_file()
                ):
                    self.send_error(404)
                    return
                body = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/stats/eurofxref/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ecb_server() -> Iterator[XmlServer]:
    server = XmlServer()
    yield server
    server.close()


def test_the_daily_feed_parses_to_decimal_rates_of_its_day() -> None:
    rates = parse(read("eurofxref-daily.xml"))
    by_code = {r.quote: r for r in rates}
    assert {r.day for r in rates} == {date(2024, 1, 5)}
    assert by_code["USD"].rate == Decimal("1.0921")
    assert isinstance(by_code["JPY"].rate, Decimal)
    assert {(r.base, r.source) for r in rates} == {("EUR", "ecb")}


def test_the_historical_feed_gives_every_day_oldest_first() -> None:
    rates = parse(read("eurofxref-hist.xml"))
    days = sorted({r.day for r in rates})
    assert days[0] == date(2023, 12, 28)
    assert days[-1] == date(2024, 1, 5)
    assert date(2024, 1, 1) not in days  # New Year's Day: no fixing
    jan2 = {r.quote: r.rate for r in rates if r.day == date(2024, 1, 2)}
    assert jan2["USD"] == Decimal("1.0956")
    assert jan2["GBP"] == Decimal("0.86645")


def test_a_broken_file_names_its_line() -> None:
    with pytest.raises(ValidationError, match=r"broken XML at line 7") as info:
        parse(read("broken.xml"), name="broken.xml")
    assert info.value.details["line"] == 7


def test_a_rate_that_is_not_a_plain_decimal_names_its_line() -> None:
    with pytest.raises(ValidationError, match=r"line 6: rate '1e999999999999' is not a plain"):
        parse(read("bad-rate.xml"))


def test_an_entity_payload_is_never_expanded() -> None:
    with pytest.raises(ValidationError, match="DTD is not allowed") as info:
        parse(read("xxe.xml"))
    assert "lollol" not in str(info.value)
    hostname = Path("/etc/hostname")
    if hostname.is_file() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in str(info.value.details)


def test_a_document_without_rates_is_refused() -> None:
    with pytest.raises(ValidationError, match="no <Cube time"):
        parse(b'<Envelope xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"/>')


def test_fetch_over_http_daily_and_a_past_day(ecb_server: XmlServer) -> None:
    with httpx.Client() as http:
        ecb = EcbFeed(http, ecb_server.url, today=date(2024, 1, 8))
        latest = ecb.fetch()
        past = ecb.fetch(date(2024, 1, 2))
        assert {r.day for r in latest} == {date(2024, 1, 5)}
        assert {r.day for r in past} == {date(2024, 1, 2)}
        assert ecb.fetch(date(2024, 1, 6)) == []  # a Saturday has no fixing of its own
        assert len(ecb.history()) > len(latest)
    assert ecb_server.paths[0] == "/stats/eurofxref/eurofxref-daily.xml"
    assert ecb_server.paths[1] == "/stats/eurofxref/eurofxref-hist-90d.xml"


def test_an_old_day_reads_the_full_history(ecb_server: XmlServer) -> None:
    with httpx.Client() as http:
        ecb = EcbFeed(http, ecb_server.url, today=date(2026, 1, 8))
        with pytest.raises(LookupFailedError, match="404"):
            EcbFeed(http, ecb_server.url.replace("eurofxref/", "missing/")).fetch()
        assert ecb_server.paths.pop() == "/stats/missing/eurofxref-daily.xml"
        assert {r.day for r in ecb.fetch(date(2024, 1, 2))} == {date(2024, 1, 2)}
    assert ecb_server.paths[-1].endswith("/eurofxref-hist.xml")


def test_every_registered_feed_meets_the_protocol() -> None:
    with httpx.Client() as http:
        for name in FEEDS:
            assert isinstance(feed(name, http), RateFeed)
