"""WooCommerce (wc/v3 REST shapes): signed order webhooks, refunds fetched from the REST API.

verify.py     X-WC-Webhook-Signature (base64 HMAC-SHA256 of the raw body); the unsigned
              activation ping ``webhook_id=<n>`` is recognised here, and only that shape
normalize.py  order payload + fetched refunds -> Sale / Refund events (pure)
client.py     GET /wp-json/wc/v3/orders/{id}/refunds over the injected httpx.Client
adapter.py    WooCommerceAdapter: identify (topic header, order id + date_modified_gmt)
simulate.py   WooCommerce-shaped orders, refunds, bodies and delivery headers for tests,
              the demo and bench/
"""
