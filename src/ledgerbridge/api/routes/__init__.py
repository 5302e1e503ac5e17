"""One module per resource: webhooks, sources, ledgers (and accounts), events, entries, ops."""
