"""Look-ups over the injected httpx.Client (base URL ca-live.adyen.com, ``X-API-Key``).

    REPORT_AVAILABLE of a settlement details report   GET <the URL in ``reason``>
        -> "reports": {"settlement_detail_report_batch_<n>.csv": {"url", "csv"}}
The report is CSV text, so it is fetched here rather than with get_json, and kept verbatim in
the look-ups (the audit trail holds every byte an entry came from). The API key goes only to
the configured API host or to an https host under adyen.com: a report URL elsewhere fails the
look-up rather than hand the key to a stranger.
"""

from __future__ import annotations

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.adyen import wire
from ledgerbridge.sources.adyen.normalize import report_name
from ledgerbridge.sources.base import Envelope, Json

ADYEN_DOMAIN = "adyen.com"


def fetch_lookups(envelope: Envelope, http: httpx.Client) -> Json:
    reports: dict[str, Json] = {}
    for item in wire.items(envelope.payload):
        if item.get("eventCode") != "REPORT_AVAILABLE" or item.get("success") != "true":
            continue
        url = wire.optional_text(item, "reason")
        name = report_name(url)
        if url is None or name is None or name in reports:
            continue
        reports[name] = {"url": url, "csv": fetch_text(http, url)}
    return {"reports": reports} if reports else {}


def fetch_text(http: httpx.Client, url: str) -> str:
    """GET a report; any transport, status or decoding failure becomes LookupFailedError."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL:
        raise LookupFailedError("report URL is not a URL", path=url) from None
    if not _trusted(http.base_url, target):
        raise LookupFailedError(
            f"report URL host {target.host!r} is neither the API host nor Adyen's", path=url
        )
    try:
        response = http.get(target)
        response.raise_for_status()
        return response.content.decode("utf-8-sig")
    except httpx.HTTPError as exc:
        raise LookupFailedError(f"look-up {target.path} failed: {exc}", path=url) from None
    except UnicodeDecodeError:
        raise LookupFailedError(f"look-up {target.path}: report is not UTF-8", path=url) from None


def _trusted(base: httpx.URL, target: httpx.URL) -> bool:
    if (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port):
        return True
    host = target.host.lower()
    return target.scheme == "https" and (host == ADYEN_DOMAIN or host.endswith("." + ADYEN_DOMAIN))
