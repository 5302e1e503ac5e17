"""Platform name -> adapter. Adding a platform: its folder plus one line here."""

from __future__ import annotations

from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.sources.base import Adapter
from ledgerbridge.sources.shopify.adapter import ShopifyAdapter
from ledgerbridge.sources.stripe.adapter import StripeAdapter
from ledgerbridge.sources.woocommerce.adapter import WooCommerceAdapter

ADAPTERS: dict[str, Adapter] = {
    "stripe": StripeAdapter(),
    "shopify": ShopifyAdapter(),
    "woocommerce": WooCommerceAdapter(),
}

PLATFORMS = (
    "shopify",
    "woocommerce",
    "magento",
    "bigcommerce",
    "stripe",
    "paypal",
    "square",
    "adyen",
)


def adapter_for(platform: str) -> Adapter:
    try:
        return ADAPTERS[platform]
    except KeyError:
        raise NotFoundError(
            f"no adapter for platform {platform!r} yet", platform=platform
        ) from None
