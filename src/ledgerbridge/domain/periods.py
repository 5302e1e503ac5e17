"""Closed periods: a closed month is locked. An entry dated in one moves to the first day of
the next open month, with a note saying so; nothing ever posts into a closed month."""

from __future__ import annotations

from collections.abc import Set
from datetime import date


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


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
