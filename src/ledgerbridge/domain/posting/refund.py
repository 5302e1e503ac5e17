"""A refund: debit returns, shipping income and tax payable; credit the gateway clearing."""

from __future__ import annotations

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import Refund
from ledgerbridge.domain.posting.context import Draft, PostingContext, line


def refund_draft(event: Refund, ctx: PostingContext) -> Draft:
    """What the refund total holds beyond goods, shipping and tax (a manual amount, a
    refund discrepancy) is a return of sales: it goes to sales_returns with the goods."""
    c, d = event.currency, event.dimensions
    remainder = event.total - (event.goods + event.shipping + event.tax)
    lines = (
        line(ctx, Role.SALES_RETURNS, event.goods + remainder, c, d),
        line(ctx, Role.SHIPPING_INCOME, event.shipping, c, d),
        line(ctx, Role.TAX_PAYABLE, event.tax, c, d),
        line(ctx, Role.GATEWAY_CLEARING, -event.total, c, d),
    )
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Refund {event.reference} of order {event.order_reference}",
        lines=tuple(x for x in lines if x.amount != 0),
    )
