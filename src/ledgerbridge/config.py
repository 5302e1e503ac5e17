"""Settings, read once at start from the environment (prefix LEDGERBRIDGE_)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGERBRIDGE_")

    database_url: str = "sqlite:///ledgerbridge.db"
    lookup_timeout_seconds: int = 10
    """How long a platform REST look-up may take before the event is kept as failed."""
    ecb_refresh_hours: int = 0
    """``serve`` fetches the ECB's daily reference rates this often (0: never; 24 in
    production). Off by default so a machine with no network never tries."""
    ecb_base_url: str = "https://www.ecb.europa.eu/stats/eurofxref/"
    reconcile_daily_at: str = "06:00"
    """UTC time of day ``serve`` reconciles every ledger (HH:MM; empty: never)."""
    catchup_interval_seconds: int = 900
    """``serve`` pulls what changed since the last catch-up for every source with API
    credentials this often (0: never). Platforms that never retry (WooCommerce), disable
    failing hooks (BigCommerce) or keep events 30 days (Stripe, Square) lose events otherwise."""
