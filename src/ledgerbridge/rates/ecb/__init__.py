"""The ECB euro foreign exchange reference rates (published about 16:00 CET on TARGET days).

parse.py     the XML documents (daily, 90-day and full history), hardened, rates as Decimal
client.py    ``EcbFeed``: fetch them over an injected httpx.Client
"""
