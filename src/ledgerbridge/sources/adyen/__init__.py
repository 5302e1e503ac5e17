"""Adyen: standard notifications signed per item, minor-unit money, fees from reports.

wire.py        reading notification items: minor units (Adyen's exponents), "true"/"false"
verify.py      HMAC-SHA256 per item over psp:orig:account:merchRef:value:currency:code:success,
               hex key, base64, in additionalData.hmacSignature; optional merchant account
normalize.py   items -> Charge / GatewayRefund / DisputeFunds / Noted (pure); the envelope
report.py      the settlement details report CSV, parsed by header name
settlement.py  report rows -> Fee / Conversion / Payout / Noted (pure)
client.py      look-ups: the report a REPORT_AVAILABLE notification points at
adapter.py     AdyenAdapter, tying the above to the sources/base.py protocol; answers
               ``[accepted]``
simulate.py    notification items, ``sign_item``, deliveries and settlement report CSVs in
               Adyen's formats, for tests, the demo and bench/
"""
