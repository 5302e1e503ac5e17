"""Shopify: orders and refunds from a store's webhooks.

verify.py     X-Shopify-Hmac-SHA256 over the raw body, any configured secret (rotation)
fields.py     reading Shopify's decimal strings and ``*_set`` money pairs exactly
normalize.py  orders/paid, orders/create (paid), orders/cancelled -> Sale / Noted
refund.py     refunds/create -> Refund / Noted
client.py     the one optional look-up: an order's transactions (mixed gift-card tender)
adapter.py    ShopifyAdapter, the sources.base.Adapter for Shopify
simulate.py   payload builders and signed headers exactly as Shopify sends them
"""
