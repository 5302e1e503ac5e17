"""The command line (Typer + Rich), thin: parse, call a service, print.

main.py       the app: init, serve, demo, replay, revalue, reconcile; the groups below
source.py     ``source add``
apikey.py     ``apikey create``
mapping.py    ``mapping put|show|preview|test``
rates.py      ``rates import|load-offline|fetch-ecb``
backfill.py   ``backfill SOURCE --since --until``
statement.py  ``statement import|profile``
bank_rule.py  ``bank-rule add|list|delete``
export.py     ``export --format csv|beancount|ledger``
"""
