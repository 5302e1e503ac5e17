"""BigCommerce: unsigned, ID-only order webhooks; amounts always read back from the REST API.

verify.py     the secret header we set on the hook (X-Ledgerbridge-Secret, or Authorization:
              Bearer), constant time against every configured secret (rotation)
wire.py       field readers for V2 (4-decimal strings, RFC 2822 dates) and V3 documents
normalize.py  store/order/* scopes + the fetched V2 order -> Sale (pure)
refund.py     store/order/refund/created + the fetched V3 refunds -> Refund / Noted (pure)
client.py     GET /v2/orders/{id} and /v3/orders/{id}/payment_actions/refunds, JSON numbers
              read as Decimal from the response text, never via float
adapter.py    BigCommerceAdapter: identify (scope, hash), look-ups, the store's REST base URL
simulate.py   webhook payloads and the headers our hook sends, for tests, the demo and bench/
simulate_documents.py  V2 orders and V3 refunds in BigCommerce's wire formats (re-exported
              by simulate.py)
"""
