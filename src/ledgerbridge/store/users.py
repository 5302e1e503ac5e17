"""Dashboard users and sessions. Passwords arrive here already hashed (argon2id, by the
service); a session is stored under the SHA-256 of its cookie, never the cookie itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ledgerbridge.store.catalog import hash_key, now
from ledgerbridge.store.tables import api_keys, users, web_sessions


def insert_user(
    conn: Connection, user_id: str, username: str, password_hash: str, role: str
) -> None:
    conn.execute(
        insert(users).values(
            id=user_id,
            username=username,
            password_hash=password_hash,
            role=role,
            created_at=now(),
        )
    )


def get_user(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def list_users(conn: Connection) -> list[dict[str, Any]]:
    query = select(users.c.username, users.c.role, users.c.created_at, users.c.disabled_at)
    return [dict(r) for r in conn.execute(query.order_by(users.c.username)).mappings()]


def set_password_hash(conn: Connection, username: str, password_hash: str) -> None:
    conn.execute(
        update(users).where(users.c.username == username).values(password_hash=password_hash)
    )


def disable_user(conn: Connection, username: str) -> bool:
    """Disable a user and end its sessions; False when there is no such user."""
    found = conn.execute(
        update(users)
        .where(users.c.username == username, users.c.disabled_at.is_(None))
        .values(disabled_at=now())
    ).rowcount
    conn.execute(
        delete(web_sessions).where(
            web_sessions.c.principal == username, web_sessions.c.kind == "user"
        )
    )
    return bool(found)


def api_key_identity(conn: Connection, key: str) -> tuple[str, str] | None:
    """(name, role) of a live API key."""
    row = conn.execute(
        select(api_keys.c.name, api_keys.c.role).where(
            api_keys.c.key_hash == hash_key(key), api_keys.c.revoked_at.is_(None)
        )
    ).first()
    return (str(row[0]), str(row[1])) if row else None


def insert_session(
    conn: Connection,
    token: str,
    *,
    principal: str,
    kind: str,
    role: str,
    csrf: str,
    expires_at: datetime,
) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now()))
    conn.execute(
        insert(web_sessions).values(
            token_hash=hash_key(token),
            principal=principal,
            kind=kind,
            role=role,
            csrf=csrf,
            created_at=now(),
            expires_at=expires_at,
        )
    )


def get_session(conn: Connection, token: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(web_sessions).where(web_sessions.c.token_hash == hash_key(token)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def delete_session(conn: Connection, token: str) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == hash_key(token)))
