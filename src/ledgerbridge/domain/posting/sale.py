"""A paid order: debit clearing (and gift-card tender, discounts), credit sales, shipping, tax."""

from __future__ import annotations

from dataclasses import replace

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.events import Sale
from ledgerbridge.domain.posting.context import Draft, PostingContext, line


def sale_draft(event: Sale, ctx: PostingContext) -> Draft:
    """Gross line items to sales, discounts to their contra-revenue account; any remainder
    between the parts and the total the customer paid (a platform's own rounding) is posted
    to sales so the revenue equals what was charged.

    When the customer paid in another (presentment) currency, the order's own pair of totals is
    the rate the platform used: it wins over the feed if that currency is the ledger's base."""
    c, d = event.currency, event.dimensions
    parts = event.goods - event.discounts + event.shipping + event.tax + event.gift_cards_sold
    remainder = event.total - parts
    lines = (
        line(ctx, Role.GATEWAY_CLEARING, event.total - event.gift_card_tender, c, d),
        line(ctx, Role.GIFT_CARD_LIABILITY, event.gift_card_tender, c, d),
        line(ctx, Role.DISCOUNTS, event.discounts, c, d),
        line(ctx, Role.SALES, -(event.goods + remainder), c, d),
        line(ctx, Role.SHIPPING_INCOME, -event.shipping, c, d),
        line(ctx, Role.TAX_PAYABLE, -event.tax, c, d),
        line(ctx, Role.GIFT_CARD_LIABILITY, -event.gift_cards_sold, c, d),
    )
    rate = None
    paid_in = event.presentment_currency
    if paid_in and paid_in != c and event.presentment_total and event.total:
        rate = (paid_in, event.presentment_total / event.total)
    return Draft(
        key=event.key,
        effective_date=ctx.day(event.occurred_at),
        description=f"Sale {event.reference}",
        lines=tuple(replace(x, gateway_rate=rate) for x in lines if x.amount != 0),
    )
