"""Prometheus metrics, named in API.md."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

WEBHOOKS = Counter(
    "ledgerbridge_webhooks", "Webhook deliveries by source and outcome", ["source", "status"]
)
POSTING_SECONDS = Histogram(
    "ledgerbridge_posting_seconds",
    "Receipt of a webhook to the commit of its entries",
    buckets=(
        0.001,
        0.002,
        0.003,
        0.005,
        0.0075,
        0.01,
        0.015,
        0.02,
        0.03,
        0.05,
        0.1,
        0.25,
        0.5,
        1.0,
    ),
)
EVENTS_FAILED = Gauge("ledgerbridge_events_failed", "Events kept as failed, waiting for replay")
SIGNATURE_FAILURES = Counter(
    "ledgerbridge_signature_failures", "Webhooks refused for signature", ["source"]
)
RECONCILIATION_RUNS = Counter("ledgerbridge_reconciliation_runs", "Reconciliation runs")
MATCHES = Counter("ledgerbridge_matches", "Matches made by reconciliation runs", ["kind"])
