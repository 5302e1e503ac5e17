"""The HTTP API (FastAPI), thin: parse, call a service, render.

app.py        the application factory: routes, error handler, state
errors.py     LedgerbridgeError -> status and the API.md error body, in one table
auth.py       Bearer API keys (hashed) for /api/v1
schemas.py    request bodies
routes/       webhooks, sources, ledgers/accounts, events, entries, operations
"""
