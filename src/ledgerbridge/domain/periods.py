"""Closed periods: a closed month is locked. An entry dated in one moves to the first day of
the next open month, with a note saying so; nothing ever posts into a closed month."""

from __future__ import annotations

import re
from collections.abc import Set
from datetime import date, timedelta

from ledgerbridge.domain.errors import ValidationError

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def bounds(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` period; anything else raises ValidationError."""
    if not _PERIOD.match(period):
        raise ValidationError(f"a period is YYYY-MM, not {period!r}", field="period")
    first = date(int(period[:4]), int(period[5:]), 1)
    return first, _next_month(first) - timedelta(days=1)


def previous_period(day: date) -> str:
    return period_of(day.replace(day=1) - timedelta(days=1))


def open_date(day: date, closed: Set[str]) -> date:
    """``day`` itself when its month is open, else the first day of the next open month."""
    while period_of(day) in closed:
        day = _next_month(day)
    return day


def late_note(original: date, moved: date) -> str:
    return (
        f"dated {original.isoformat()} in closed period {period_of(original)}: posted into "
        f"the open period {period_of(moved)}"
    )
