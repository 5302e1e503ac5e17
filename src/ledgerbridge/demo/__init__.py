"""The demo day and the loopback platform stand-in (shared by the demo, the tests and bench/).

standin.py   a real HTTP server on 127.0.0.1 answering platform REST look-ups from documents
day.py       a realistic day of orders, refunds, charges, a dispute and a payout, as webhooks
run.py       ``ledgerbridge demo``: ledger, sources, server, send the day, print the books
"""
