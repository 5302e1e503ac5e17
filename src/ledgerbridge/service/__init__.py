"""Use cases, each a function over a Database (and adapters): the API and CLI only call these.

ingest.py           a webhook delivery: verify, inbox, look-ups, post, metrics
post.py             canonical events of one inbox event -> entries, facts (caller's transaction)
context.py          which accounts an event posts to (clearing per gateway), ledger view
cache.py            short-lived cache of configuration read on every webhook
mapping.py          mapping versions: upload, active version, compile
preview.py          the entries a payload would post, through a rolled-back transaction
replay.py           post a kept event again (after a fix); bulk replay of failures
replay_file.py      a file of saved payloads through the webhook path
repost.py           re-post an event under a new mapping version (reversal + new entry)
backfill.py         back-fill a date range and the scheduled catch-up
rates.py            the rate look-up posting uses; offline, ECB and manual rates
revalue.py          period-end revaluation of foreign balances
periods.py          close and reopen a month (audited)
statements.py       import a bank statement whole, lines once
reconcile.py        reconciliation runs (levels 1-3) and the discrepancy queue
reconcile_manual.py manual match, confirm, break (audited)
bank_rules.py       categorise non-payout bank lines to accounts by rule
reports.py          profit and loss, balance sheet, exports, CSV
setup.py            init, ledgers, accounts, sources, API keys, source status
journal.py          entries, trial balance, events as API documents
metrics.py          Prometheus metrics
"""
