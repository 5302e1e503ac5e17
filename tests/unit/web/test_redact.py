"""Payloads on a page: pretty JSON with secret-looking values hidden, anything else as text."""

from __future__ import annotations

import json

from ledgerbridge.web.redact import HIDDEN, pretty, scrub


def test_secret_looking_keys_are_hidden_at_any_depth() -> None:
    raw = json.dumps(
        {
            "id": 7,
            "client_secret": "pi_123_secret_456",
            "payment": {"card_number": "4242424242424242", "brand": "visa"},
            "notes": [{"api_key": "k"}, {"ok": "shown"}],
            "token": "",
        }
    ).encode()
    shown = json.loads(pretty(raw))
    assert shown["client_secret"] == HIDDEN
    assert shown["payment"] == {"card_number": HIDDEN, "brand": "visa"}
    assert shown["notes"] == [{"api_key": HIDDEN}, {"ok": "shown"}]
    assert shown["token"] == ""
    assert "4242424242424242" not in pretty(raw)


def test_a_body_that_is_not_json_is_shown_as_text() -> None:
    assert pretty(b"<xml>1</xml>") == "<xml>1</xml>"
    assert pretty(b"\xff{") == "\ufffd{"


def test_headers_are_scrubbed_too() -> None:
    assert scrub({"authorization": "Bearer x", "x-shopify-topic": "orders/paid"}) == {
        "authorization": HIDDEN,
        "x-shopify-topic": "orders/paid",
    }
