"""Platform name -> adapter. Adding a platform: its folder plus one line here.

Adapters are imported on first use, so a platform's dependencies load only when a source of
that platform exists."""

from __future__ import annotations

import importlib
import threading

from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.sources.base import Adapter

ADAPTER_PATHS: dict[str, str] = {
    "stripe": "ledgerbridge.sources.stripe.adapter:StripeAdapter",
    "shopify": "ledgerbridge.sources.shopify.adapter:ShopifyAdapter",
    "woocommerce": "ledgerbridge.sources.woocommerce.adapter:WooCommerceAdapter",
    "paypal": "ledgerbridge.sources.paypal.adapter:PayPalAdapter",
    "square": "ledgerbridge.sources.square.adapter:SquareAdapter",
    "adyen": "ledgerbridge.sources.adyen.adapter:AdyenAdapter",
    "bigcommerce": "ledgerbridge.sources.bigcommerce.adapter:BigCommerceAdapter",
    "magento": "ledgerbridge.sources.magento.adapter:MagentoAdapter",
}

PLATFORMS = tuple(ADAPTER_PATHS)

_loaded: dict[str, Adapter] = {}
_lock = threading.Lock()


def adapter_for(platform: str) -> Adapter:
    found = _loaded.get(platform)
    if found is not None:
        return found
    path = ADAPTER_PATHS.get(platform)
    if path is None:
        raise NotFoundError(f"no adapter for platform {platform!r}", platform=platform)
    module_name, class_name = path.split(":")
    try:
        adapter: Adapter = getattr(importlib.import_module(module_name), class_name)()
    except ModuleNotFoundError:
        raise NotFoundError(f"the {platform} adapter is not installed", platform=platform) from None
    with _lock:
        _loaded[platform] = adapter
    return adapter
