"""The mixed bench's workload: one source per platform on one ledger, and fresh signed webhooks
spread evenly over all eight, each one a paid order, capture or payment that posts.

Stores point at gateways as a shop would: Shopify, BigCommerce and Magento take cards through
Stripe, WooCommerce through PayPal; those two gateways post their fees only (the store
recognised the sale). Square and Adyen have no store in front of them and recognise revenue.
"""

from __future__ import annotations

import itertools
import random
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.demo.day import PRODUCTS, Webhook
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.money import to_minor
from ledgerbridge.service import setup
from ledgerbridge.sources.adyen import simulate as adyen
from ledgerbridge.sources.bigcommerce import simulate as bc
from ledgerbridge.sources.magento import simulate as mage
from ledgerbridge.sources.paypal import simulate as paypal
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.square import simulate as square
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.sources.woocommerce import simulate as woo
from ledgerbridge.store.database import Database

# source id -> what it sends (source ids are the platform names, except woo and bc)
PLATFORMS = {
    "stripe": "charge.succeeded (balance txn expanded)",
    "shopify": "orders/paid -> stripe",
    "woo": "order.created, processing -> paypal",
    "bc": "store/order/created + V2 order look-up -> stripe",
    "magento": "sales_order_invoice_pay (HMAC) -> stripe",
    "paypal": "PAYMENT.CAPTURE.COMPLETED (RSA, cert fetched once)",
    "square": "payment.updated COMPLETED, recognises revenue",
    "adyen": "CAPTURE (HMAC item), recognises revenue",
}
CURRENCY = "EUR"
SHOP = "bench.myshopify.com"
BC_PREFIX = f"/stores/{bc.STORE_HASH}"
SQUARE_URL = "https://books.example.com/webhooks/square"
PAYPAL_WEBHOOK_ID = "8PT597110X687430LKGECATA"
_ids = itertools.count(1)  # unique order / invoice ids across the whole run


@dataclass(frozen=True)
class Keys:
    stripe: str
    shopify: str
    woo: str
    bc: str
    magento: str
    square: str
    adyen: str
    paypal: Any  # the RSA private key whose certificate the cert server publishes
    paypal_cert_url: str


def configure(db: Database, standin_url: str, certs: paypal.CertificateServer) -> Keys:
    """Migrate, create the ``default`` ledger (EUR) and the eight sources; serve PayPal's cert."""
    db.migrate()
    setup.init(db, CURRENCY)
    rsa_key = paypal.signing_key()
    keys = Keys(
        stripe="whsec_" + secrets.token_hex(24),
        shopify=secrets.token_hex(32),
        woo=secrets.token_urlsafe(32),
        bc=secrets.token_urlsafe(36),  # >= 32 characters
        magento=secrets.token_urlsafe(32),
        square=secrets.token_urlsafe(24),
        adyen=adyen.new_hmac_key(),
        paypal=rsa_key,
        paypal_cert_url=certs.publish(paypal.certificate_pem(rsa_key)),
    )

    def add(source_id: str, platform: str, secret: str, creds: dict, settings: dict) -> None:
        setup.add_source(db, source_id=source_id, platform=platform, ledger="default",
                         webhook_secret=secret, api_credentials=creds, settings=settings)

    token = secrets.token_hex
    add("stripe", "stripe", keys.stripe, {"secret_key": "sk_test_" + token(12)},
        {"api_base_url": standin_url})
    add("paypal", "paypal", "paypal_unused_by_rsa_" + token(8),
        {"client_id": "AZ-bench", "client_secret": "EF-bench"},
        {"webhook_id": PAYPAL_WEBHOOK_ID, "api_base_url": certs.url})
    add("square", "square", keys.square, {"access_token": "EAAA" + token(16)},
        {"api_base_url": standin_url, "recognize_revenue": True,
         "notification_url": SQUARE_URL})
    add("adyen", "adyen", keys.adyen, {"api_key": "AQE_" + token(12)},
        {"api_base_url": standin_url, "merchant_account": adyen.MERCHANT_ACCOUNT,
         "recognize_revenue": True})
    add("shopify", "shopify", keys.shopify, {"access_token": "shpat_" + token(16)},
        {"shop_domain": SHOP, "api_base_url": standin_url,
         "gateway": {"stripe": "stripe", "*": "stripe"}})
    add("woo", "woocommerce", keys.woo,
        {"consumer_key": "ck_" + token(20), "consumer_secret": "cs_" + token(20)},
        {"api_base_url": standin_url, "gateway": {"ppcp-gateway": "paypal", "*": "stripe"}})
    add("bc", "bigcommerce", keys.bc,
        {"store_hash": bc.STORE_HASH, "access_token": "bc_" + token(12)},
        {"api_base_url": standin_url + BC_PREFIX, "gateway": "stripe"})
    add("magento", "magento", keys.magento, {"access_token": "mage_" + token(12)},
        {"api_base_url": standin_url, "gateway": "stripe"})
    return keys


class Builder:
    """Fresh webhooks, round robin over the eight platforms; every id is new, so each posts.
    BigCommerce's V2 order documents are put on the stand-in as the webhooks are built."""

    def __init__(self, keys: Keys, standin: StandIn, seed: int = 11) -> None:
        self.keys, self.standin = keys, standin
        self.rng = random.Random(seed)
        self.run = int(time.time()) % 100_000
        self.makers = {"stripe": self._stripe, "shopify": self._shopify, "woo": self._woo,
                       "bc": self._bc, "magento": self._magento, "paypal": self._paypal,
                       "square": self._square, "adyen": self._adyen}

    def make(self, n: int, offset: int = 0) -> list[Webhook]:
        order = list(self.makers)
        return [self.makers[order[(offset + i) % len(order)]]() for i in range(n)]

    def _basket(self) -> tuple[list[tuple[str, str, int]], Decimal]:
        picked = self.rng.sample(PRODUCTS, self.rng.randint(1, 3))
        lines = [(name, price, self.rng.randint(1, 3)) for name, price in picked]
        return lines, sum((Decimal(p) * q for _, p, q in lines), Decimal(0))

    def _next(self) -> tuple[int, datetime]:
        return self.run * 1_000_000 + next(_ids), datetime.now(UTC)

    def _stripe(self) -> Webhook:
        oid, at = self._next()
        total = self._basket()[1] + Decimal("4.90")
        created = int(at.timestamp())
        charge, txn = stripe.captured_charge(amount=to_minor(total, CURRENCY), currency=CURRENCY,
                                             created=created, order_id=str(oid))
        charge["balance_transaction"] = txn  # expanded: nothing to look up
        raw = stripe.encode(stripe.charge_succeeded(charge, created=created))
        return Webhook("stripe", raw, stripe.sign(raw, self.keys.stripe, created),
                       "charge.succeeded")

    def _shopify(self) -> Webhook:
        oid, at = self._next()
        lines = [shopify.Line(name, price, q) for name, price, q in self._basket()[0]]
        doc = shopify.order(oid, lines=lines, currency=CURRENCY, shipping="4.90",
                            tax_rate="0.19", taxes_included=True,
                            payment_gateway_names=("stripe",), created_at=at)
        raw = shopify.body(doc)
        headers = shopify.headers("orders/paid", raw, self.keys.shopify, f"wh-{oid}", SHOP, at)
        return Webhook("shopify", raw, headers, "orders/paid")

    def _woo(self) -> Webhook:
        oid, at = self._next()
        lines = [woo.line_item(oid * 10 + i, name=name, quantity=q, unit_price=price,
                               tax_rate="19", currency=CURRENCY)
                 for i, (name, price, q) in enumerate(self._basket()[0])]
        ship = [woo.shipping_line(oid * 10 + 9, total="4.90", tax_rate="19", currency=CURRENCY)]
        doc = woo.order(oid, status="processing", currency=CURRENCY, line_items=lines,
                        shipping_lines=ship, date_created_gmt=at, payment_method="ppcp-gateway",
                        payment_method_title="PayPal")
        raw = woo.body(doc)
        return Webhook("woo", raw, woo.headers("order.created", raw, self.keys.woo),
                       "order.created")

    def _bc(self) -> Webhook:
        oid, at = self._next()
        subtotal = self._basket()[1]
        doc = bc.order(oid, subtotal=str(subtotal), shipping="4.90", tax_rate="0.19",
                       currency=CURRENCY, date_created=at)
        bc.publish(self.standin, order_doc=doc, prefix=BC_PREFIX)
        raw = bc.body(bc.order_created(oid, created_at=at))
        return Webhook("bc", raw, bc.headers(self.keys.bc), "store/order/created")

    def _magento(self) -> Webhook:
        oid, at = self._next()
        lines, goods = self._basket()
        tax = (goods * Decimal("0.19")).quantize(Decimal("0.01"))
        doc = mage.invoice(oid, order_id=oid, lines=lines, shipping="4.90", tax=str(tax),
                           currency=CURRENCY, created_at=at)
        raw = mage.body(mage.event("sales_order_invoice_pay", "invoice", doc))
        return Webhook("magento", raw, mage.oss_headers(raw, self.keys.magento),
                       "sales_order_invoice_pay")

    def _paypal(self) -> Webhook:
        oid, at = self._next()
        total = self._basket()[1] + Decimal("4.90")
        fee = (total * Decimal("0.0249") + Decimal("0.35")).quantize(Decimal("0.01"))
        capture = paypal.capture(str(total), CURRENCY, fee=str(fee), invoice_id=f"WC-{oid}",
                                 created=at)
        raw = paypal.encode(paypal.event("PAYMENT.CAPTURE.COMPLETED", capture, created=at))
        headers = paypal.sign(raw, self.keys.paypal, webhook_id=PAYPAL_WEBHOOK_ID,
                              cert_url=self.keys.paypal_cert_url)
        return Webhook("paypal", raw, headers, "PAYMENT.CAPTURE.COMPLETED")

    def _square(self) -> Webhook:
        oid, at = self._next()
        amount = to_minor(self._basket()[1], CURRENCY)
        pay = square.payment(amount=amount, currency=CURRENCY, order_id=f"ord-{oid}", at=at)
        raw = square.encode(square.payment_updated(pay, at=at))
        return Webhook("square", raw, square.sign(raw, self.keys.square, SQUARE_URL),
                       "payment.updated")

    def _adyen(self) -> Webhook:
        oid, at = self._next()
        value = to_minor(self._basket()[1], CURRENCY)
        item = adyen.capture(adyen.new_psp_reference(), value, CURRENCY,
                             merchant_reference=str(oid), event_date=at)
        raw, headers = adyen.delivery([item], self.keys.adyen)
        return Webhook("adyen", raw, headers, "CAPTURE")
