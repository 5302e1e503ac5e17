"""Benchmarks for ledgerbridge (run as scripts: ``.venv/bin/python bench/posting.py``)."""
