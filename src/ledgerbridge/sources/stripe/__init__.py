"""Stripe: signed event webhooks, minor-unit integer money, balance transactions for fees.

verify.py     Stripe-Signature (t=…,v1=…) over "{t}." + raw body, 300 s tolerance
wire.py       reading Stripe's wire format: minor-unit ints, lowercase currencies, unix times
normalize.py  event envelope -> canonical events (pure); charges, refunds, payouts
disputes.py   dispute objects -> DisputeFunds / Noted (pure)
client.py     look-ups: a charge's balance transaction, a payout's balance transactions
adapter.py    StripeAdapter, tying the above to the sources/base.py protocol
simulate.py   builders for events and API documents in Stripe's wire format, and ``sign``
"""
