"""Request bodies. Money never arrives here as a float: rates are strings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SourceIn(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
    platform: str
    ledger: str = "default"
    webhook_secret: str | list[str] = Field(description="write-only; list while rotating")
    api_credentials: dict[str, str] | None = Field(default=None, description="write-only")
    settings: dict[str, Any] | None = None


class LedgerIn(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
    base_currency: str = Field(min_length=3, max_length=3)
    chart: str = "retail"
    timezone: str = Field("UTC", description="IANA zone: an event's date is its day here")


class AccountIn(BaseModel):
    code: str
    name: str
    type: str
    role: str | None = None


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1)


class ReplayIn(BaseModel):
    status: str = "failed"
    source: str | None = None
