"""The one interface every rate feed meets; the service layer sees feeds only through it."""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from ledgerbridge.domain.fx import Rate


@runtime_checkable
class RateFeed(Protocol):
    """A source of published rates. Each ``Rate`` carries its day and source.

    ``base`` is the currency every rate of the feed is quoted against (EUR for the ECB): the
    pivot ``domain.fx.choose`` crosses through.
    """

    name: str
    base: str

    def fetch(self, day: date | None = None) -> list[Rate]:
        """The rates published for ``day`` (empty on a day with no fixing), or the latest
        published day when ``day`` is None."""
        ...

    def history(self) -> list[Rate]:
        """Every rate the feed has ever published."""
        ...
