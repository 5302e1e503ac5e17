"""Use cases, each a function over a Database (and adapters): the API and CLI only call these.

ingest.py    a webhook delivery: verify, inbox, look-ups, post, metrics
post.py      canonical events of one inbox event -> entries (inside the caller's transaction)
context.py   which accounts an event posts to (clearing per gateway) and the rate look-up
replay.py    post a kept event again (after a fix); bulk replay of failures
setup.py     init, ledgers, sources, API keys
journal.py   entries, reversal, trial balance as API documents
metrics.py   Prometheus metrics
"""
