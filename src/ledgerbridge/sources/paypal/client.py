"""PayPal REST API access for back-fill: an OAuth2 client-credentials token and a client that
sends it.

``POST /v1/oauth2/token`` with HTTP Basic ``client_id:client_secret`` (the source's
``api_credentials``) and the form body ``grant_type=client_credentials`` answers
``{"access_token", "token_type": "Bearer", "expires_in"}`` (seconds). The token is kept until
a minute before it expires, and fetched again once if the API answers 401 (revoked early).
The token request is retried like every back-fill GET (429/5xx honour Retry-After, dropped
connections back off); a 400/401 means the credentials are wrong and fails at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError, ValidationError
from ledgerbridge.sources.base import SourceConfig
from ledgerbridge.sources.paging import (
    MAX_ATTEMPTS,
    MAX_WAIT_SECONDS,
    RETRY_STATUSES,
    retry_after_seconds,
)

OAUTH_PATH = "/v1/oauth2/token"
EARLY_SECONDS = 60
"""A token is renewed this long before PayPal says it expires."""


class TokenSource:
    """The current access token for one set of client credentials."""

    def __init__(
        self,
        http: httpx.Client,
        client_id: str,
        client_secret: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock_seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http, self._auth = http, (client_id, client_secret)
        self._sleep, self._clock = sleep, clock_seconds
        self._token: str | None = None
        self._expires = 0.0
        self.fetched = 0
        """How many tokens were requested (for tests and the curious)."""

    def get(self) -> str:
        if self._token is None or self._clock() >= self._expires:
            self._token, lifetime = self._fetch()
            self._expires = self._clock() + max(lifetime - EARLY_SECONDS, 0)
            self.fetched += 1
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def _fetch(self) -> tuple[str, int]:
        last = "no attempt"
        for attempt in range(MAX_ATTEMPTS):
            try:
                response = self._http.post(
                    OAUTH_PATH,
                    data={"grant_type": "client_credentials"},
                    auth=self._auth,
                    headers={"Accept": "application/json"},
                )
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                self._sleep(min(1 << attempt, MAX_WAIT_SECONDS) / 4)
                continue
            if response.status_code in RETRY_STATUSES:
                last = f"HTTP {response.status_code}"
                self._sleep(retry_after_seconds(response.headers.get("retry-after"), attempt))
                continue
            if response.status_code >= 400:
                raise LookupFailedError(
                    f"POST {OAUTH_PATH}: HTTP {response.status_code} "
                    "(PayPal refused the client_id / client_secret)",
                    path=OAUTH_PATH,
                )
            return _token_of(response)
        raise LookupFailedError(
            f"POST {OAUTH_PATH} failed {MAX_ATTEMPTS} times (last: {last})", path=OAUTH_PATH
        )


def _token_of(response: httpx.Response) -> tuple[str, int]:
    try:
        doc = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        doc = None
    token = doc.get("access_token") if isinstance(doc, dict) else None
    lifetime = doc.get("expires_in") if isinstance(doc, dict) else None
    if not isinstance(token, str) or not token:
        raise LookupFailedError(f"POST {OAUTH_PATH}: no access_token", path=OAUTH_PATH)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int):
        lifetime = 0  # unknown lifetime: use it for this run, renew on a 401
    return token, lifetime


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request; on a 401 one fresh token, once."""

    def __init__(self, tokens: TokenSource) -> None:
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.tokens.get()}"
        response = yield request
        if response.status_code == 401:
            self.tokens.invalidate()
            request.headers["Authorization"] = f"Bearer {self.tokens.get()}"
            yield request


def api_client(
    http: httpx.Client, config: SourceConfig, sleep: Callable[[float], None] = time.sleep
) -> httpx.Client:
    """A client to the same host as ``http`` that authenticates with the source's OAuth2
    token (the pooled ``http`` has no credentials: a PayPal webhook needs none). The caller
    closes it."""
    client_id = config.credentials.get("client_id")
    client_secret = config.credentials.get("client_secret")
    if not client_id or not client_secret:
        raise ValidationError(
            "a PayPal back-fill needs api_credentials client_id and client_secret",
            field="api_credentials",
        )
    tokens = TokenSource(http, client_id, client_secret, sleep=sleep)
    return httpx.Client(
        base_url=http.base_url,
        timeout=http.timeout,
        auth=BearerAuth(tokens),
        headers={"Accept": "application/json"},
    )
