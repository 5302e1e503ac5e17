"""Dashboard access: users with argon2id passwords, sessions opened with a password or an API
key, roles (viewer < accountant < admin) and the CSRF token each session's forms carry."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ledgerbridge.domain.errors import (
    ConflictError,
    LedgerbridgeError,
    NotFoundError,
    ValidationError,
)
from ledgerbridge.service.setup import ROLES
from ledgerbridge.store import users
from ledgerbridge.store.catalog import now
from ledgerbridge.store.database import Database
from ledgerbridge.store.ids import new_id
from ledgerbridge.store.inbox import utc

SESSION_HOURS = 12
_hasher = PasswordHasher()
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,200}$")
# Verified against when the user does not exist, so a wrong name costs what a wrong password does.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


class LoginFailed(LedgerbridgeError):
    """Raised when a user name, password or API key does not open a session."""

    code = "login_failed"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a dashboard request acts as."""

    name: str
    kind: str
    role: str
    csrf: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def create_user(db: Database, username: str, password: str, role: str) -> None:
    if not _NAME.match(username):
        raise ValidationError("a user name is letters, digits and _.@-", field="username")
    if role not in ROLES:
        raise ValidationError(f"a role is one of {', '.join(ROLES)}, not {role!r}", field="role")
    if len(password) < 10:
        raise ValidationError("a password has at least 10 characters", field="password")
    with db.write() as conn:
        if users.get_user(conn, username) is not None:
            raise ConflictError(f"user {username!r} exists")
        users.insert_user(conn, new_id("us_"), username, _hasher.hash(password), role)


def disable_user(db: Database, username: str) -> None:
    """A disabled user cannot log in; its open sessions end at once."""
    with db.write() as conn:
        if not users.disable_user(conn, username):
            raise NotFoundError(f"no enabled user {username!r}", username=username)


def list_users(db: Database) -> list[dict[str, object]]:
    with db.read() as conn:
        return users.list_users(conn)


class _Throttle:
    """Failed logins per user name in this process: after ``limit`` failures in ``window``
    the name is refused until the oldest failure leaves the window (argon2 already makes each
    guess cost about 50 ms; this bounds a guesser to ``limit`` per window)."""

    def __init__(self, limit: int = 10, window: timedelta = timedelta(minutes=15)) -> None:
        self.limit, self.window = limit, window
        self.failures: dict[str, list[datetime]] = {}
        self.lock = threading.Lock()

    def check(self, name: str) -> None:
        with self.lock:
            recent = [t for t in self.failures.get(name, []) if now() - t < self.window]
            self.failures[name] = recent
            if len(recent) >= self.limit:
                wait = int((recent[0] + self.window - now()).total_seconds() // 60) + 1
                raise LoginFailed(f"too many failed logins: try again in {wait} min")

    def failed(self, name: str) -> None:
        with self.lock:
            self.failures.setdefault(name, []).append(now())

    def passed(self, name: str) -> None:
        with self.lock:
            self.failures.pop(name, None)


throttle = _Throttle()


def _open(db: Database, principal: str, kind: str, role: str) -> tuple[str, Principal]:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with db.write() as conn:
        users.insert_session(
            conn,
            token,
            principal=principal,
            kind=kind,
            role=role,
            csrf=csrf,
            expires_at=now() + timedelta(hours=SESSION_HOURS),
        )
    return token, Principal(principal, kind, role, csrf)


def login_password(db: Database, username: str, password: str) -> tuple[str, Principal]:
    """A new session's cookie value and who it is; the same error for any wrong part."""
    throttle.check(username)
    with db.read() as conn:
        user = users.get_user(conn, username)
    stored = user["password_hash"] if user and user["disabled_at"] is None else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        throttle.failed(username)
        raise LoginFailed("user name or password not recognised") from None
    if user is None or stored is _DUMMY:
        throttle.failed(username)
        raise LoginFailed("user name or password not recognised")
    throttle.passed(username)
    if _hasher.check_needs_rehash(stored):
        with db.write() as conn:
            users.set_password_hash(conn, username, _hasher.hash(password))
    return _open(db, username, "user", str(user["role"]))


def login_api_key(db: Database, key: str) -> tuple[str, Principal]:
    with db.read() as conn:
        found = users.api_key_identity(conn, key.strip())
    if found is None:
        raise LoginFailed("API key not recognised")
    return _open(db, found[0], "api_key", found[1])


def session(db: Database, token: str) -> Principal | None:
    """Who holds this cookie, or None when it is unknown or expired."""
    if not token:
        return None
    with db.read() as conn:
        row = users.get_session(conn, token)
    if row is None or utc(row["expires_at"]) <= now():
        return None
    return Principal(row["principal"], row["kind"], row["role"], row["csrf"])


def logout(db: Database, token: str) -> None:
    with db.write() as conn:
        users.delete_session(conn, token)


def csrf_ok(principal: Principal, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(principal.csrf.encode(), (sent or "").encode())
