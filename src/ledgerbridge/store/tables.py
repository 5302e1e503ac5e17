"""Every table. Money is stored as BIGINT minor units beside its ISO 4217 currency; rates as
decimal text (never a float). Dimensions and settings are JSON, so mappings need no migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ledgers = Table(
    "ledgers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("base_currency", String(3), nullable=False),
    Column("chart", String(32), nullable=False),
    Column(
        "timezone",
        String(64),
        nullable=False,
        server_default="UTC",
        doc="IANA zone: an event's date (and so its rate date) is its day here",
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("role", String(32)),
    Column("source_id", String(64)),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("webhook_secrets", JSON, nullable=False, doc="current first; never returned or logged"),
    Column("api_credentials", JSON, nullable=False, doc="write-only, never returned or logged"),
    Column("settings", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True, doc="sha256 of the key"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column(
        "role",
        String(16),
        nullable=False,
        server_default="admin",
        doc="viewer, accountant or admin: what a dashboard session opened with it may do",
    ),
)

events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("source_id", String(64), ForeignKey("sources.id"), nullable=False),
    Column("platform_event_id", String(255), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("raw_body", LargeBinary, nullable=False, doc="the exact bytes the platform sent"),
    Column("headers", JSON, nullable=False, doc="filtered: no signatures, no auth"),
    Column("lookups", JSON, doc="REST documents fetched to post it, kept for the audit trail"),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("note", Text),
    Column("attempts", Integer, nullable=False),
    Column("processed_at", DateTime(timezone=True)),
    UniqueConstraint("source_id", "platform_event_id", name="uq_events_source_platform_event"),
    Index("ix_events_status_received", "status", "received_at"),
    Index("ix_events_source_received", "source_id", "received_at"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("key", String(255), nullable=False, doc="business key: one entry per sale/refund/fee"),
    Column("effective_date", Date, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("description", Text, nullable=False),
    Column("source_id", String(64)),
    Column("mapping_version", Integer),
    Column("reverses_id", String(32), ForeignKey("entries.id"), unique=True),
    Column("note", Text),
    UniqueConstraint("ledger_id", "key", name="uq_entries_ledger_key"),
    Index("ix_entries_ledger_date", "ledger_id", "effective_date"),
)

entry_events = Table(
    "entry_events",
    metadata,
    Column("entry_id", String(32), ForeignKey("entries.id"), primary_key=True),
    Column("event_id", String(32), ForeignKey("events.id"), primary_key=True),
    Index("ix_entry_events_event", "event_id"),
)

lines = Table(
    "lines",
    metadata,
    Column("entry_id", String(32), ForeignKey("entries.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("ledger_id", String(64), nullable=False),
    Column("account_code", String(64), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("base_amount_minor", BigInteger, nullable=False),
    Column("base_currency", String(3), nullable=False),
    Column("rate", String(40), nullable=False, doc="decimal text: base units per unit"),
    Column("rate_date", Date),
    Column("rate_source", String(64), nullable=False),
    Column("dimensions", JSON, nullable=False),
    Index("ix_lines_ledger_account", "ledger_id", "account_code"),
)

mapping_versions = Table(
    "mapping_versions",
    metadata,
    Column("source_id", String(64), ForeignKey("sources.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", JSON, nullable=False, doc="the mapping as uploaded (validated in full)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("source_id", String(64), ForeignKey("sources.id"), primary_key=True),
    Column("name", String(128), primary_key=True, doc="catchup, or backfill:<since>:<until>"),
    Column("cursor", Text, doc="where to continue: the platform's own page cursor"),
    Column("done", Boolean, nullable=False),
    Column("stats", JSON, nullable=False, doc="events seen, new, posted, failed, ..."),
    Column("last_until", DateTime(timezone=True), doc="a catch-up's upper bound"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

bank_statements = Table(
    "bank_statements",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("account_code", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("statement_ref", String(128), doc="the bank's statement id, where the file has one"),
    Column("file_sha256", String(64), nullable=False),
    Column("opening_minor", BigInteger),
    Column("closing_minor", BigInteger),
    Column("currency", String(3), nullable=False),
    Column("lines_imported", Integer, nullable=False),
    Column("lines_skipped", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

bank_lines = Table(
    "bank_lines",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("account_code", String(64), nullable=False),
    Column("dedupe_key", String(128), nullable=False, doc="ref:<bank ref> or fp:<fingerprint>"),
    Column("statement_id", String(32), ForeignKey("bank_statements.id"), nullable=False),
    Column("amount_minor", BigInteger, nullable=False, doc="signed: credit positive"),
    Column("currency", String(3), nullable=False),
    Column("booking_date", Date, nullable=False),
    Column("value_date", Date),
    Column("bank_ref", String(128)),
    Column("customer_ref", String(128)),
    Column("remittance", Text, nullable=False),
    Column("counterparty", String(256)),
    Column("counterparty_account", String(64)),
    Column("tx_code", String(64)),
    Column("status", String(8), nullable=False),
    Column("reversal", Boolean, nullable=False),
    Column("source_line", Integer, nullable=False),
    Column("match_status", String(16), nullable=False, doc="unmatched or matched"),
    UniqueConstraint("ledger_id", "account_code", "dedupe_key", name="uq_bank_lines_dedupe"),
    Index("ix_bank_lines_match", "ledger_id", "match_status", "booking_date"),
)

bank_rules = Table(
    "bank_rules",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("priority", Integer, nullable=False, doc="lower first; then id"),
    Column("name", String(32), nullable=False, doc="a categorised match's rule"),
    Column("account_code", String(64), nullable=False, doc="the account a line posts against"),
    Column("bank_account", String(64), doc="only lines of this bank account"),
    Column("text_contains", String(200), nullable=False, doc="remittance or counterparty"),
    Column("direction", String(8), nullable=False, doc="credit, debit or any"),
    Column("min_amount", String(40), doc="decimal text: the line's size at least"),
    Column("max_amount", String(40), doc="decimal text: the line's size at most"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("ledger_id", "name", name="uq_bank_rules_ledger_name"),
    Index("ix_bank_rules_order", "ledger_id", "priority", "id"),
)

statement_profiles = Table(
    "statement_profiles",
    metadata,
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), primary_key=True),
    Column("account_code", String(64), primary_key=True),
    Column("profile", JSON, nullable=False, doc="a bank's CSV column profile"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

reconciliation_runs = Table(
    "reconciliation_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("trigger", String(32), nullable=False, doc="api, cli, import, schedule"),
    Column("stats", JSON, nullable=False),
)

matches = Table(
    "matches",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("run_id", String(32)),
    Column("kind", String(32), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("confidence", String(8), nullable=False, doc="decimal text, 0 to 1"),
    Column("left_ids", JSON, nullable=False, doc="our ids: payout entries, orders"),
    Column("right_ids", JSON, nullable=False, doc="our ids: bank lines, charges"),
    Column("left_refs", JSON, nullable=False, doc="the platform's own ids"),
    Column("right_refs", JSON, nullable=False, doc="the bank's or platform's own ids"),
    Column("difference_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False, doc="active, confirmed or broken"),
    Column("changed_by", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_matches_ledger_kind", "ledger_id", "kind", "status"),
)

discrepancies = Table(
    "discrepancies",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("key", String(255), nullable=False, doc="stable across runs"),
    Column("kind", String(32), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("refs", JSON, nullable=False),
    Column("detail", Text, nullable=False),
    Column("status", String(16), nullable=False, doc="open, resolved or ignored"),
    Column("reason", Text),
    Column("changed_by", String(200)),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True)),
    UniqueConstraint("ledger_id", "key", name="uq_discrepancies_ledger_key"),
    Index("ix_discrepancies_status", "ledger_id", "status", "kind"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), nullable=False),
    Column("kind", String(16), nullable=False, doc="sale, charge, refund, gateway_refund, ..."),
    Column("key", String(255), nullable=False, doc="the canonical event's business key"),
    Column("source_id", String(64), nullable=False),
    Column("gateway_source", String(64), doc="a store's sale or refund: the gateway it went to"),
    Column("reference", String(255), nullable=False, doc="the platform's own id or name"),
    Column("order_reference", String(255)),
    Column("charge_reference", String(255)),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("day", Date, nullable=False, doc="the day it happened, in the ledger's time zone"),
    Column("event_id", String(32), doc="the inbox event that reported it first"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("ledger_id", "kind", "key", name="uq_facts_ledger_kind_key"),
    Index("ix_facts_ledger_kind_day", "ledger_id", "kind", "day"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
)

periods = Table(
    "periods",
    metadata,
    Column("ledger_id", String(64), ForeignKey("ledgers.id"), primary_key=True),
    Column("period", String(7), primary_key=True, doc="YYYY-MM"),
    Column("status", String(8), nullable=False, doc="closed or open (after a reopen)"),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

rates = Table(
    "rates",
    metadata,
    Column("base", String(3), primary_key=True),
    Column("quote", String(3), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("source", String(32), primary_key=True),
    Column("rate", String(40), nullable=False, doc="decimal text: quote units per one base unit"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False, doc="argon2id; the password is never stored"),
    Column("role", String(16), nullable=False, doc="viewer, accountant or admin"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True, doc="sha256 of the session cookie"),
    Column("principal", String(200), nullable=False, doc="user name or API key name"),
    Column("kind", String(8), nullable=False, doc="user or api_key"),
    Column("role", String(16), nullable=False),
    Column("csrf", String(64), nullable=False, doc="the token every form of the session carries"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_web_sessions_expires", "expires_at"),
)
