"""Exchange rates: the rate value, cross rates through a feed's base, and the rate-date rule.

Conventions stated once here:
- a ``Rate(base, quote, day, rate, source)`` is ``rate`` units of ``quote`` per one ``base``
  (ECB: ``Rate("EUR", "USD", 2024-01-02, 1.0956, "ecb")``), exactly as published;
- a derived rate (inverted or crossed) is computed exactly and then rounded ONCE by
  ``round_rate``: 10 significant digits, ties to even (RATE_DIGITS). A published rate with
  ten or fewer significant digits (every ECB figure has at most six) passes through unchanged;
- ``choose`` answers "how many ``base`` units per one ``currency`` unit" (the direction
  posting uses) with the date and source it took, or raises MissingRateError.

The rate-date rule (``choose``), for ``currency`` into ``base`` on ``day``:
1. look at the dates ``day``, ``day - 1``, ... back to ``day - max_age_days``, newest first;
   the first date that yields a rate wins (weekends and TARGET holidays take the last
   published rate; the result's ``rate_date`` and ``note`` say which);
2. on one date: a direct rate for the pair (either direction) wins over a cross rate; among
   rates of one pair a manual rate wins over a feed's (``MANUAL``), then sources by name;
3. a cross rate goes through a pivot currency (the feed's base, EUR for the ECB): both legs
   from the SAME date, each leg manual-first; its source names both legs' sources if they
   differ (``"manual+ecb"``);
4. nothing within ``max_age_days`` (default 7: a long Easter is 4 days) is a missing rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from ledgerbridge.domain.errors import MissingRateError, ValidationError

RATE_DIGITS = 10
"""Significant digits a derived (inverted or crossed) rate is rounded to, ties to even."""
MANUAL = "manual"
"""The source of rates a person entered (API, CSV): it wins over a feed for its own date."""
MAX_AGE_DAYS = 7
_WORK_PRECISION = 50  # exact for products/quotients of published rates before round_rate


@dataclass(frozen=True, slots=True)
class Rate:
    """``rate`` units of ``quote`` per one unit of ``base`` on ``day``, from ``source``."""

    base: str
    quote: str
    day: date
    rate: Decimal
    source: str

    def __post_init__(self) -> None:
        if not isinstance(self.rate, Decimal) or not self.rate.is_finite() or self.rate <= 0:
            raise ValidationError(
                f"rate {self.base}/{self.quote} on {self.day}: needs a positive decimal, "
                f"got {self.rate!r}"
            )
        if self.base == self.quote:
            raise ValidationError(f"rate {self.base}/{self.quote}: base and quote are the same")


@dataclass(frozen=True, slots=True)
class Chosen:
    """The rate ``choose`` picked: ``rate`` base units per one ``currency`` unit."""

    currency: str
    base: str
    day: date
    rate: Decimal
    rate_date: date
    source: str
    via: str | None = None
    """The pivot currency of a cross rate (EUR for the ECB), None for a direct rate."""

    @property
    def note(self) -> str:
        """What an auditor reads: which rate, from where, of which date, and why."""
        how = f"cross via {self.via}" if self.via else "direct"
        text = f"{self.currency}/{self.base} {self.rate} ({self.source}, {how}) of {self.rate_date}"
        if self.rate_date != self.day:
            text += f" for {self.day}: last published on or before"
        return text


def round_rate(value: Decimal) -> Decimal:
    """Round a derived rate to RATE_DIGITS significant digits, ties to even."""
    with localcontext() as ctx:
        ctx.prec = RATE_DIGITS
        ctx.rounding = ROUND_HALF_EVEN
        return +value


def cross_rate(frm: str, to: str, per_pivot: Mapping[str, Decimal], pivot: str = "EUR") -> Decimal:
    """Units of ``to`` per one unit of ``frm``, both quoted against ``pivot``.

    ``per_pivot[X]`` is X units per one ``pivot`` unit (the ECB's table for one day);
    the pivot itself is 1. ``to/frm = per_pivot[to] / per_pivot[frm]``, rounded once.
    """
    legs = {**per_pivot, pivot: Decimal(1)}
    for code in (frm, to):
        if code not in legs:
            raise MissingRateError(f"no {pivot}/{code} rate to cross through", pair=f"{frm}/{to}")
    if frm == to:
        return Decimal(1)
    return _divide(legs[to], legs[frm])


def choose(
    rates: Iterable[Rate],
    currency: str,
    base: str,
    day: date,
    max_age_days: int = MAX_AGE_DAYS,
) -> Chosen:
    """The rate to convert ``currency`` into ``base`` on ``day`` (the module's rule)."""
    if currency == base:
        return Chosen(currency, base, day, Decimal(1), day, "identity")
    oldest = day - timedelta(days=max_age_days)
    by_day: dict[date, list[Rate]] = {}
    for r in rates:
        if oldest <= r.day <= day:
            by_day.setdefault(r.day, []).append(r)
    for d in sorted(by_day, reverse=True):
        found = _on_day(by_day[d], currency, base, day)
        if found is not None:
            return found
    raise MissingRateError(
        f"no rate for {currency}/{base} on {day.isoformat()}",
        pair=f"{currency}/{base}",
        day=day.isoformat(),
    )


# A rate as an exact fraction (numerator, denominator) and the source it came from.
_Leg = tuple[Decimal, Decimal, str]


def _on_day(rates: list[Rate], currency: str, base: str, day: date) -> Chosen | None:
    legs = _legs(rates)
    direct = legs.get((currency, base))
    if direct is not None:
        num, den, source = direct
        return Chosen(currency, base, day, _divide(num, den), rates[0].day, source)
    pivots = sorted({p for (p, _q) in legs if p not in (currency, base)})
    for pivot in pivots:
        to_base = legs.get((pivot, base))  # base per pivot
        to_currency = legs.get((pivot, currency))  # currency per pivot
        if to_base is None or to_currency is None:
            continue
        num = to_base[0] * to_currency[1]
        den = to_base[1] * to_currency[0]
        sources = sorted({to_base[2], to_currency[2]}, key=_source_rank)
        return Chosen(
            currency, base, day, _divide(num, den), rates[0].day, "+".join(sources), pivot
        )
    return None


def _legs(rates: list[Rate]) -> dict[tuple[str, str], _Leg]:
    """``(x, y) -> y per one x`` as a fraction, both directions; the best source per pair."""
    legs: dict[tuple[str, str], _Leg] = {}
    for r in sorted(rates, key=lambda r: _source_rank(r.source), reverse=True):
        legs[(r.base, r.quote)] = (r.rate, Decimal(1), r.source)
        legs[(r.quote, r.base)] = (Decimal(1), r.rate, r.source)
    return legs


def _source_rank(source: str) -> tuple[int, str]:
    return (0 if source == MANUAL else 1, source)


def _divide(num: Decimal, den: Decimal) -> Decimal:
    if den == 1:
        return round_rate(num)
    with localcontext() as ctx:
        ctx.prec = _WORK_PRECISION
        value = num / den
    return round_rate(value)
