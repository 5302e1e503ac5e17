"""Square: HMAC-signed event webhooks (the notification URL is signed), integer minor-unit
money, processing fees on the payment and refund, payout entries for fees charged apart.

verify.py         x-square-hmacsha256-signature: base64 HMAC-SHA256 of notification URL + body
wire.py           reading Square's wire format: ``{amount, currency}`` money, RFC 3339 times, ids
normalize.py      event envelope -> canonical events (pure): payments and refunds, dispatch
disputes.py       dispute objects -> DisputeFunds / Noted (pure)
payouts.py        payouts and their entries -> Fee, Payout, PayoutFailed (pure)
client.py         look-ups: a paid payout's entries (GET /v2/payouts/{id}/payout-entries)
adapter.py        SquareAdapter, tying the above to the sources/base.py protocol
simulate.py       builders for events and API documents in Square's wire format
simulate_wire.py  the simulator's ids, times and money, ``encode`` and ``sign``
"""
