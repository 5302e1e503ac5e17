"""A payout: debit the bank, credit the gateway clearing account."""

from __future__ import annotations

from dataclasses import replace

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import Payout
from ledgerbridge.domain.posting.context import Draft, PostingContext, line


def payout_draft(event: Payout, ctx: PostingContext) -> Draft | None:
    if event.amount == 0:
        return None
    c, d = event.currency, event.dimensions
    when = event.arrival or event.occurred_at
    return Draft(
        key=event.key,
        effective_date=ctx.day(when),
        description=f"Payout {event.reference}",
        lines=(
            line(ctx, Role.BANK, event.amount, c, d),
            replace(line(ctx, Role.GATEWAY_CLEARING, -event.amount, c, d), carried_by=ctx.clearing),
        ),
        # Paid out in a foreign currency: the bank takes it at the day's rate, clearing gives it
        # up at what it was carried at; the difference is realised FX, not rounding.
        residual_account=ctx.account(Role.FX_GAIN_LOSS),
    )
