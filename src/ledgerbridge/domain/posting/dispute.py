"""Dispute funds: a withdrawal debits chargebacks (amount and dispute fee) against clearing;
a reinstatement credits them back."""

from __future__ import annotations

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import DisputeFunds
from ledgerbridge.domain.posting.context import Draft, PostingContext, line


def dispute_draft(event: DisputeFunds, ctx: PostingContext) -> Draft | None:
    moved = event.withdrawn + event.fee
    if moved == 0:
        return None
    c, d = event.currency, event.dimensions
    verb = "withdrawn" if event.withdrawn >= 0 else "reinstated"
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Dispute {event.reference} funds {verb}",
        lines=(
            line(ctx, Role.CHARGEBACKS, moved, c, d),
            line(ctx, Role.GATEWAY_CLEARING, -moved, c, d),
        ),
    )
