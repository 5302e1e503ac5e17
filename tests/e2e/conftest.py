"""The real HTTP server (uvicorn on a loopback port) over an SQLite file, with a stand-in for
the platforms' REST APIs and three configured sources."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import setup
from ledgerbridge.store.database import Database

STRIPE_SECRET = "whsec_e2e_7f3a9c1d5e2b8a4f6c0d1e2f3a4b5c6d"
SHOPIFY_SECRET = "shpss_e2e_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
WOO_SECRET = "woo_e2e_secret_Zq8rT1uV2wX3yZ4aB5cD6eF7gH"
STRIPE_KEY = "sk_test_e2e_51HxYzAbCdEfGhIjKlMnOp"
SHOPIFY_TOKEN = "shpat_e2e_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
WOO_KEY = "ck_e2e_1234567890abcdef1234567890abcdef12345678"
WOO_CONSUMER_SECRET = "cs_e2e_abcdef1234567890abcdef1234567890abcdef12"
SHOP = "e2e-shop.myshopify.com"
ALL_SECRETS = (
    STRIPE_SECRET,
    SHOPIFY_SECRET,
    WOO_SECRET,
    STRIPE_KEY,
    SHOPIFY_TOKEN,
    WOO_KEY,
    WOO_CONSUMER_SECRET,
)


@dataclass
class Live:
    url: str
    db: Database
    standin: StandIn
    api_key: str
    http: httpx.Client

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.auth)

    def post(self, path: str, json: object = None) -> httpx.Response:
        return self.http.post(path, json=json, headers=self.auth)


def configure(db: Database, standin_url: str) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret=STRIPE_SECRET,
        api_credentials={"secret_key": STRIPE_KEY},
        settings={"api_base_url": standin_url},
    )
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret=SHOPIFY_SECRET,
        api_credentials={"access_token": SHOPIFY_TOKEN},
        settings={"shop_domain": SHOP, "api_base_url": standin_url, "gateway": "stripe"},
    )
    setup.add_source(
        db,
        source_id="woo",
        platform="woocommerce",
        ledger="default",
        webhook_secret=WOO_SECRET,
        api_credentials={"consumer_key": WOO_KEY, "consumer_secret": WOO_CONSUMER_SECRET},
        settings={"api_base_url": standin_url, "gateway": "stripe"},
    )


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    db = Database(f"sqlite:///{tmp_path / 'e2e.db'}")
    with StandIn() as standin:
        configure(db, standin.url)
        api_key = setup.create_api_key(db, "e2e")
        with (
            Server(db, free_port()) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            yield Live(server.url, db, standin, api_key, http)
    db.dispose()
