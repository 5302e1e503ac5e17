"""Posting rules: canonical events to balanced entries, one module per event kind.

    context.py   PostingContext (which accounts to use) and Draft (lines before conversion)
    sale.py      a paid order: revenue, shipping, tax, discounts against gateway clearing
    refund.py    a refund: returns, shipping, tax against gateway clearing
    gateway.py   charges, gateway refunds and fees (revenue only when the gateway recognises it)
    dispute.py   dispute funds withdrawn / reinstated
    payout.py    payouts to the bank
    fx.py        a gateway's currency conversion: realised FX gain or loss
    convert.py   Draft -> JournalEntry in base currency with the rate on record
    rules.py     ``drafts_for(event, ctx)``: the dispatch over event kinds

Revenue is recognised once: a store's Sale posts it; a gateway's Charge posts it only when
the gateway source says ``recognize_revenue`` (no store in front of it). A source cannot be
both a revenue-recognising gateway and the gateway a store posts to (service/sources.py).
"""

from ledgerbridge.domain.posting.context import Draft, DraftLine, PostingContext
from ledgerbridge.domain.posting.convert import RateQuote, to_entry
from ledgerbridge.domain.posting.rules import drafts_for

__all__ = ["Draft", "DraftLine", "PostingContext", "RateQuote", "drafts_for", "to_entry"]
