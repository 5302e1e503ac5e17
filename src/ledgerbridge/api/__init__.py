"""The HTTP API (FastAPI), thin: parse, call a service, render.

app.py        the application factory: routes, error handler, background schedules
fastpath.py   POST /webhooks/{source} as plain ASGI in front of FastAPI (the hot path)
errors.py     LedgerbridgeError -> status and the API.md error body, in one table
auth.py       Bearer API keys (hashed) for /api/v1
schemas.py    request bodies
routes/       webhooks, sources, ledgers/accounts, events, entries, mapping, rates,
              statements, reconciliation, bank rules, periods, reports, operations
"""
