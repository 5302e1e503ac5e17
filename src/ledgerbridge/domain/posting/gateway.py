"""A gateway's charges, refunds and fees.

A charge confirms what a store's order already put in clearing, so it posts nothing unless
the gateway recognises revenue itself (no store in front of it): the sale is recognised once.
"""

from __future__ import annotations

from dataclasses import replace

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import Charge, Fee, GatewayRefund
from ledgerbridge.domain.posting.context import Draft, PostingContext, line


def charge_draft(event: Charge, ctx: PostingContext) -> Draft | None:
    if not ctx.recognize_revenue:
        return None
    c, d = event.currency, event.dimensions
    rate = None
    if event.settled_currency and event.settled_amount is not None and event.amount:
        rate = (event.settled_currency, event.settled_amount / event.amount)
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Sale by charge {event.reference}",
        lines=(
            replace(line(ctx, Role.GATEWAY_CLEARING, event.amount, c, d), gateway_rate=rate),
            replace(line(ctx, Role.SALES, -event.amount, c, d), gateway_rate=rate),
        ),
    )


def gateway_refund_draft(event: GatewayRefund, ctx: PostingContext) -> Draft | None:
    if not ctx.recognize_revenue:
        return None
    c, d = event.currency, event.dimensions
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Refund {event.reference} of charge {event.charge_reference}",
        lines=(
            line(ctx, Role.SALES_RETURNS, event.amount, c, d),
            line(ctx, Role.GATEWAY_CLEARING, -event.amount, c, d),
        ),
    )


def fee_draft(event: Fee, ctx: PostingContext) -> Draft | None:
    if event.amount == 0:
        return None
    c, d = event.currency, event.dimensions
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Gateway fee {event.reference}",
        lines=(
            line(ctx, Role.PAYMENT_FEES, event.amount, c, d),
            line(ctx, Role.GATEWAY_CLEARING, -event.amount, c, d),
        ),
    )
