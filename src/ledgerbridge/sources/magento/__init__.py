"""Magento 2 / Adobe Commerce (REST V1 shapes): invoices, credit memos and order states.

verify.py     Adobe Commerce Webhooks RSA-SHA256 over base64(body) (the public key PEM is the
              webhook secret), or the HMAC-SHA256 an Open Source module sends (X-Magento-
              Signature, or X-Ledgerbridge-Signature with a timestamp); I/O Events refused
wire.py       JSON numbers parsed as Decimal, never float; ids, currencies, UTC times
normalize.py  invoice -> Sale, credit memo -> Refund, cancelled/closed order -> Noted (pure)
client.py     GET /rest/V1/invoices|creditmemo|orders/{id} for ids-only deliveries
adapter.py    MagentoAdapter: identify (entity_id + updated_at, or the Adobe event_id),
              answers Commerce's synchronous hooks with [{"op":"success"}]
simulate.py   Magento-shaped invoices, credit memos, orders and bodies; re-exports the
simulate_sign.py  signers: an Adobe key pair and RSA signature, the modules' HMAC headers
"""
