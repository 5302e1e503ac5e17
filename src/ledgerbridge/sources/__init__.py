"""Platform adapters at the edge: one folder per platform, one line per platform in registry.py.

base.py       the Adapter protocol, Delivery, SourceConfig, Envelope; shared signature helpers
registry.py   platform name -> adapter
stripe/ shopify/ woocommerce/   verify.py (signature), normalize.py (pure), client.py (look-ups)
"""
