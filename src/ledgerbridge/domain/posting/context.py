"""What a posting rule needs to know besides the event, and what it produces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PostingContext:
    """The accounts an event posts to: the chart's account per role and the clearing account."""

    ledger: str
    source: str
    accounts: Mapping[Role, str]
    clearing: str
    recognize_revenue: bool = False
    dimensions: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "UTC"

    def day(self, moment: datetime) -> date:
        """The ledger's date of ``moment``: its calendar day in the ledger's time zone."""
        return moment.astimezone(_zone(self.timezone)).date()

    def account(self, role: Role) -> str:
        if role is Role.GATEWAY_CLEARING:
            return self.clearing
        try:
            return self.accounts[role]
        except KeyError:
            raise UnmappableEventError(
                f"the chart has no account with role {role.value}", role=role.value
            ) from None


@dataclass(frozen=True, slots=True)
class DraftLine:
    """A line before conversion. ``carried_by`` names the account whose carrying value (the
    base its balance in this currency was booked at) values the line instead of the day's
    rate: what a conversion takes out of clearing leaves at the value it came in at."""

    account: str
    amount: Decimal
    currency: str
    dimensions: Mapping[str, str] = field(default_factory=dict)
    carried_by: str | None = None
    gateway_rate: tuple[str, Decimal] | None = None
    """(currency, rate) the gateway itself converted this line at: wins over the feed when
    that currency is the ledger's base."""


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry before conversion to base currency. ``key`` is unique per ledger."""

    key: str
    effective_date: date
    description: str
    lines: tuple[DraftLine, ...]
    residual_account: str | None = None
    """Where a base residual goes: fx_gain_loss when lines are relieved at carrying value
    (a realised difference); None for the rounding account (a conversion's rounding)."""


def line(
    ctx: PostingContext, role: Role, amount: Decimal, currency: str, dimensions: Mapping[str, str]
) -> DraftLine:
    """A draft line on the account the context gives ``role``; dimensions merged, event wins."""
    merged = {**ctx.dimensions, **dimensions} if ctx.dimensions else dimensions
    return DraftLine(ctx.account(role), amount, currency, merged)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
