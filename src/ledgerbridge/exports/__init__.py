"""The journal written for other tools: pure writers over a ``Journal`` loaded by the service.

period.py     the exported journal (entries, accounts, balances brought forward) and postings
names.py      our account codes -> Beancount/hledger account names (deterministic, sanitised)
csv.py        one row per line, every column of the line, dimensions as JSON
beancount.py  Beancount v3 text that passes bean-check; weights equal our base amounts
ledger.py     hledger/ledger journal text with the same structure (``@@`` costs to base)
"""
