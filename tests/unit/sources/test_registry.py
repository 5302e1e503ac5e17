"""Every platform of the contract has a registered adapter that meets the Adapter protocol."""

from __future__ import annotations

import pytest

from ledgerbridge.sources.registry import ADAPTER_PATHS, PLATFORMS, adapter_for

CONTRACT = (
    "shopify",
    "woocommerce",
    "magento",
    "bigcommerce",
    "stripe",
    "paypal",
    "square",
    "adyen",
)


def test_every_platform_of_the_contract_is_registered() -> None:
    assert set(PLATFORMS) == set(CONTRACT)


@pytest.mark.parametrize("platform", sorted(ADAPTER_PATHS))
def test_each_adapter_meets_the_protocol(platform: str) -> None:
    adapter = adapter_for(platform)
    assert adapter.platform == platform
    assert adapter.default_role in ("store", "gateway")
    assert adapter.default_api_base_url.startswith("https://")
    assert all(h == h.lower() for h in adapter.keep_headers)
    assert not {"authorization", "cookie"} & set(adapter.keep_headers)
    for method in ("verify", "identify", "auth_headers", "lookups", "normalize"):
        assert callable(getattr(adapter, method))
