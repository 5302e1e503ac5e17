"""``drafts_for``: the posting rule for each canonical event kind."""

from __future__ import annotations

from ledgerbridge.domain.events import (
    Charge,
    CommerceEvent,
    Conversion,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Noted,
    Payout,
    PayoutFailed,
    Refund,
    Sale,
)
from ledgerbridge.domain.posting.context import Draft, PostingContext
from ledgerbridge.domain.posting.dispute import dispute_draft
from ledgerbridge.domain.posting.fx import conversion_draft
from ledgerbridge.domain.posting.gateway import charge_draft, fee_draft, gateway_refund_draft
from ledgerbridge.domain.posting.payout import payout_draft
from ledgerbridge.domain.posting.refund import refund_draft
from ledgerbridge.domain.posting.sale import sale_draft


def drafts_for(event: CommerceEvent, ctx: PostingContext) -> Draft | None:
    """The draft entry ``event`` posts, or None when it posts nothing.

    PayoutFailed and Noted post nothing here: a failed payout is a reversal of the payout's
    entry, which the service finds by key (the domain holds no state)."""
    match event:
        case Sale():
            return sale_draft(event, ctx)
        case Refund():
            return refund_draft(event, ctx)
        case Charge():
            return charge_draft(event, ctx)
        case GatewayRefund():
            return gateway_refund_draft(event, ctx)
        case Fee():
            return fee_draft(event, ctx)
        case DisputeFunds():
            return dispute_draft(event, ctx)
        case Payout():
            return payout_draft(event, ctx)
        case Conversion():
            return conversion_draft(event, ctx)
        case PayoutFailed() | Noted():
            return None
