"""The ledgerbridge error tree. The domain knows no HTTP; api/errors.py maps codes to status.

LedgerbridgeError
+-- ValidationError              input that cannot be accepted as given
|   +-- UnbalancedEntryError     a journal entry whose postings do not sum to zero
|   +-- CurrencyError            an unknown or mismatched currency
|   +-- MalformedPayloadError    a platform payload that cannot be read
|   +-- UnmappableEventError     a payload that reads but no rule can post
+-- SignatureError               a webhook whose signature is wrong, missing or stale
+-- NotFoundError                an unknown source, event, entry or account
+-- ConflictError                a request that contradicts stored state
+-- MissingRateError             no exchange rate on record for a pair and day
+-- LookupFailedError            a platform REST look-up needed to post failed
+-- StorageUnavailableError      the database cannot be reached
"""

from __future__ import annotations


class LedgerbridgeError(Exception):
    """Base of every error ledgerbridge raises on purpose."""

    code = "ledgerbridge_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(LedgerbridgeError):
    """Raised when input cannot be accepted as given."""

    code = "invalid"


class UnbalancedEntryError(ValidationError):
    """Raised when a journal entry's postings do not sum to zero per currency or in base."""

    code = "unbalanced_entry"


class CurrencyError(ValidationError):
    """Raised for an unknown ISO 4217 code or arithmetic across currencies."""

    code = "bad_currency"


class MalformedPayloadError(ValidationError):
    """Raised when a platform payload is not valid JSON or lacks a field it must carry."""

    code = "malformed_payload"


class UnmappableEventError(ValidationError):
    """Raised when a payload reads but no posting rule can turn it into an entry."""

    code = "unmappable_event"


class SignatureError(LedgerbridgeError):
    """Raised when a webhook signature is wrong, missing, or outside the replay window."""

    code = "bad_signature"


class NotFoundError(LedgerbridgeError):
    """Raised when a named source, event, entry, ledger or account does not exist."""

    code = "not_found"


class ConflictError(LedgerbridgeError):
    """Raised when a request contradicts stored state (duplicate id, already reversed)."""

    code = "conflict"


class MissingRateError(LedgerbridgeError):
    """Raised when no exchange rate is on record for a pair and day: the event waits."""

    code = "missing_rate"


class LookupFailedError(LedgerbridgeError):
    """Raised when a platform REST look-up needed to post an event fails."""

    code = "lookup_failed"


class StorageUnavailableError(LedgerbridgeError):
    """Raised when the database cannot be reached or refuses a durable write."""

    code = "storage_unavailable"
