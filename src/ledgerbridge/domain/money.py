"""Money as Decimal with its currency's ISO 4217 exponent, and the named rounding rules.

Conventions stated once here:
- an amount is a ``Decimal``; a float is refused at construction;
- storage uses integer minor units (``to_minor``/``from_minor``), exponent from the ISO 4217
  list itself as the ``iso4217`` package ships it (JPY 0, EUR 2, BHD 3, HUF 2, IDR 2), never a
  hand-written table. (babel's CLDR digits were used first; CLDR gives HUF, IDR, COP, IQD,
  LBP and MGA the digits shown to people, not ISO's minor units, and banks and gateways send
  ISO's: a Hungarian bank statement in HUF has two decimals.)
- rounding happens only through the named functions below: ``round_half_even`` (bankers',
  the default for conversions) and ``round_half_up`` (commercial, what stores print);
- ``allocate`` splits an amount by weights so the parts always sum back to the whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from iso4217 import Currency

from ledgerbridge.domain.errors import CurrencyError, ValidationError

Rounding = Callable[[Decimal, str], Decimal]


@lru_cache(maxsize=512)
def exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent of ``currency`` (JPY 0, USD 2, BHD 3)."""
    code = currency.upper()
    try:
        units = Currency(code).exponent if len(code) == 3 else None
    except ValueError:
        units = None
    if units is None:  # unknown, or a fund / metal with no minor unit (XXX, XAU)
        raise CurrencyError(f"unknown currency {currency!r}", currency=currency)
    return int(units)


def normalize_currency(currency: str) -> str:
    """Upper-case ``currency`` and check that ISO 4217 knows it."""
    exponent(currency)
    return currency.upper()


@lru_cache(maxsize=512)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def round_half_even(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's exponent, ties to even (bankers'): conversions and allocation."""
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_EVEN)


def round_half_up(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's exponent, ties away from zero: what a store's receipt shows."""
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def parse_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Read a platform's decimal string (or int) as Decimal; a float or junk is refused."""
    if isinstance(value, bool | float):
        raise ValidationError(f"{field}: floats are not money ({value!r})", field=field)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal | str):
        try:
            result = value if isinstance(value, Decimal) else Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(f"{field}: not a decimal ({value!r})", field=field) from None
        if not result.is_finite():
            raise ValidationError(f"{field}: not a finite decimal ({value!r})", field=field)
        return result
    raise ValidationError(f"{field}: expected a decimal string, got {value!r}", field=field)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units of an amount that is already exact at the currency's exponent."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            f"{amount} {currency} has more decimals than {currency} allows", amount=str(amount)
        )
    return int(scaled)


def from_minor(units: int, currency: str) -> Decimal:
    """The Decimal amount of ``units`` minor units of ``currency``."""
    return Decimal(units).scaleb(-exponent(currency)).quantize(_quantum(currency))


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise ValidationError(f"Money needs a finite Decimal, got {self.amount!r}")
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    @classmethod
    def of(cls, value: object, currency: str, rounding: Rounding = round_half_up) -> Money:
        """Parse ``value`` and round it to the currency's exponent with ``rounding``."""
        code = normalize_currency(currency)
        return cls(rounding(parse_decimal(value), code), code)

    @classmethod
    def minor(cls, units: int, currency: str) -> Money:
        """Money from integer minor units (Stripe, Square, Adyen amounts)."""
        return cls(from_minor(units, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(from_minor(0, currency), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def allocate(total: Money, weights: Sequence[Decimal]) -> list[Money]:
    """Split ``total`` by ``weights`` at the currency's exponent; the parts sum to ``total``.

    Largest-remainder method: each part is rounded down, then the leftover minor units go
    to the parts with the largest remainders (earliest first on ties).
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValidationError("allocate needs non-negative weights with a positive sum")
    units = to_minor(total.amount, total.currency)
    sign = -1 if units < 0 else 1
    units = abs(units)
    whole = sum(weights)
    raw = [Decimal(units) * w / whole for w in weights]
    parts = [int(r) for r in raw]
    leftover = units - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return [Money.minor(sign * p, total.currency) for p in parts]
