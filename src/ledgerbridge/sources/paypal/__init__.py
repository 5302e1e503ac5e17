"""PayPal: RSA-signed webhooks (REST v2 captures, refunds, disputes; legacy v1 sales).

verify.py     PAYPAL-TRANSMISSION-SIG: SHA256withRSA over id|time|webhook_id|crc32(body),
              checked offline with the certificate at PAYPAL-CERT-URL (allow-listed hosts,
              validity period, cached by URL); transmission time within 300 s
wire.py       reading PayPal's wire format: {currency_code, value} decimal strings, v1
              {currency, total}, RFC 3339 times, ids, the ``rel: up`` link
breakdown.py  seller_receivable/payable_breakdown -> fees per currency and the conversion
              into the receivable currency; the Fee and Conversion events they make (pure)
normalize.py  event envelope -> canonical events (pure); captures, refunds, legacy sales
disputes.py   reversals and CUSTOMER.DISPUTE.* -> DisputeFunds / Noted (pure)
adapter.py    PayPalAdapter, tying the above to the sources/base.py protocol (no look-ups:
              a PayPal webhook carries every amount it posts)
simulate.py   builders for v2 events in PayPal's wire format (simulate_legacy.py: v1 sales);
              simulate_keys.py: a signing key, its self-signed certificate, a loopback
              certificate server, and ``sign`` (the PAYPAL-* headers of a delivery)
"""
