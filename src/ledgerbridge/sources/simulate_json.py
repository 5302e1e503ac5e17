"""JSON numbers for the traffic builders (``*/simulate*.py``), written exactly.

Some platforms put money or rates in JSON numbers (BigCommerce V3 amounts, WooCommerce
``price``, Shopify tax ``rate``, Stripe ``exchange_rate``). The builders write them from the
Decimal text as a raw JSON fragment, so no float is ever made: the bytes on the wire are the
digits, and the adapters read them back exactly.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orjson

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def number(value: Decimal | str) -> int | orjson.Fragment:
    """``value`` as a JSON number: an int when whole, else its exact decimal digits."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return int(amount)
    return orjson.Fragment(format(amount.normalize(), "f").encode())


def ascii_dumps(payload: Any) -> str:
    """Compact JSON with non-ASCII as ``\\uXXXX`` (what PHP's json_encode writes)."""
    text = orjson.dumps(payload).decode()
    return _NON_ASCII.sub(lambda m: json.dumps(m.group())[1:-1], text)
