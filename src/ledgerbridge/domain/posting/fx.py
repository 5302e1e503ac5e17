"""A gateway's currency conversion, through the fx_gain_loss account as a trading account.

    clearing        -amount  currency      (base: the carrying value it came in at)
    fx_gain_loss    +amount  currency      (base: the same carrying value)
    fx_gain_loss    -to      to_currency   (base: at to_currency's rate)
    clearing        +to      to_currency

Each currency sums to zero and so does base; what is left on fx_gain_loss in base is the
realised gain (credit) or loss (debit), and clearing holds no stale foreign balance.
"""

from __future__ import annotations

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import Conversion
from ledgerbridge.domain.posting.context import Draft, DraftLine, PostingContext


def conversion_draft(event: Conversion, ctx: PostingContext) -> Draft | None:
    if event.amount == 0 and event.to_amount == 0:
        return None
    clearing, fx, d = (
        ctx.clearing,
        ctx.account(Role.FX_GAIN_LOSS),
        {**ctx.dimensions, **event.dimensions},
    )
    c, to = event.currency, event.to_currency
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Conversion {event.amount} {c} -> {event.to_amount} {to} ({event.reference})",
        lines=(
            DraftLine(clearing, -event.amount, c, d, carried_by=clearing),
            DraftLine(fx, event.amount, c, d, carried_by=clearing),
            DraftLine(fx, -event.to_amount, to, d),
            DraftLine(clearing, event.to_amount, to, d),
        ),
    )
