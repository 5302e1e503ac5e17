"""The accounting core: pure, no I/O, no framework.

money.py     Money, ISO 4217 exponents, named rounding, allocation
accounts.py  account types and roles, the default retail chart
journal.py   postings and journal entries that balance or raise; reversal
events.py    canonical commerce events produced by the source adapters
errors.py    the LedgerbridgeError tree
posting/     one posting rule per event kind
"""
