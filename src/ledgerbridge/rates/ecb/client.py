"""``EcbFeed``: the ECB's published XML fetched over an injected httpx.Client.

eurofxref-daily.xml      the latest published day
eurofxref-hist-90d.xml   the last 90 days (used for a recent ``day``)
eurofxref-hist.xml       everything since 1999-01-04
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.domain.fx import Rate
from ledgerbridge.rates.ecb.parse import BASE, SOURCE, parse

DEFAULT_BASE_URL = "https://www.ecb.europa.eu/stats/eurofxref/"
DAILY = "eurofxref-daily.xml"
HIST_90D = "eurofxref-hist-90d.xml"
HIST = "eurofxref-hist.xml"
_RECENT = timedelta(days=85)  # comfortably inside the 90-day document


class EcbFeed:
    """The ECB reference rates (EUR base). ``today`` is injectable for tests."""

    name = SOURCE
    base = BASE

    def __init__(
        self,
        http: httpx.Client,
        base_url: str = DEFAULT_BASE_URL,
        today: date | None = None,
    ) -> None:
        self._http = http
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._today = today

    def fetch(self, day: date | None = None) -> list[Rate]:
        if day is None:
            return self._get(DAILY)
        today = self._today or date.today()
        document = HIST_90D if today - day <= _RECENT else HIST
        return [r for r in self._get(document) if r.day == day]

    def history(self) -> list[Rate]:
        return self._get(HIST)

    def _get(self, document: str) -> list[Rate]:
        url = self._base_url + document
        try:
            response = self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise LookupFailedError(f"ECB feed {url}: {exc}", url=url) from None
        return parse(response.content, name=document)
