"""A payout: debit the bank, credit the gateway clearing account."""

from __future__ import annotations

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
            line(ctx, Role.GATEWAY_CLEARING, -event.amount, c, d),
        ),
    )
