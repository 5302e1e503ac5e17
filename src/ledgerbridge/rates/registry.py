"""Rate feeds by name: adding a feed is one folder plus one line here."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from ledgerbridge.domain.errors import NotFoundError, ValidationError
from ledgerbridge.rates.base import RateFeed
from ledgerbridge.rates.ecb.client import EcbFeed
from ledgerbridge.rates.offline.bundle import OfflineEcbFeed

FeedFactory = Callable[[httpx.Client | None], RateFeed]


def _ecb(http: httpx.Client | None) -> RateFeed:
    if http is None:
        raise ValidationError("the ecb feed needs an http client")
    return EcbFeed(http)


FEEDS: dict[str, FeedFactory] = {
    "ecb": _ecb,  # ledgerbridge.rates.ecb.
    "ecb-offline": lambda _http: OfflineEcbFeed(),  # ledgerbridge.rates.offline.
}
PIVOTS = ("EUR",)
"""The bases of the registered feeds: the currencies ``domain.fx.choose`` crosses through."""


def feed(name: str, http: httpx.Client | None = None) -> RateFeed:
    """The feed called ``name``; ``http`` is the client a network feed uses."""
    try:
        factory = FEEDS[name]
    except KeyError:
        raise NotFoundError(f"no rate feed {name!r}", feed=name) from None
    return factory(http)
