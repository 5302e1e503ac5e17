"""Statements compiled once per dialect and run straight on the driver's cursor.

For the few inserts every webhook makes. ``Connection.execute`` costs about 20 µs a call on top
of the driver (an execution context, cache-key look-up, result set-up, events) — a tenth of a
webhook's CPU across its five statements. Here SQLAlchemy still writes the SQL (its dialect, its
placeholders, its ON CONFLICT and RETURNING) and still converts each value (its bind processors:
dates on SQLite, JSON on both): only the per-call machinery is skipped. Parameters stay bound,
never formatted into the SQL, and a driver error is raised as SQLAlchemy's own exception, so
callers (and Database's 503 mapping) see what ``Connection.execute`` would have raised. What
they do not see: SQLAlchemy's statement events and echo (``create_engine(echo=True)``) pass
these inserts by; the transaction, the triggers and the constraints are the database's as ever.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    positional: tuple[str, ...] | None
    """Parameter names in placeholder order (qmark drivers: sqlite3); None: by name (psycopg)."""
    convert: tuple[tuple[str, Callable[[Any], Any]], ...]


_prepared: dict[tuple[int, int, tuple[str, ...]], tuple[ClauseElement, object, _Prepared]] = {}


def _prepare(conn: Connection, statement: ClauseElement, keys: tuple[str, ...]) -> _Prepared:
    dialect = conn.dialect
    key = (id(statement), id(dialect), keys)
    hit = _prepared.get(key)
    if hit is not None and hit[0] is statement and hit[1] is dialect:
        return hit[2]
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(keys))
    processors = compiled._bind_processors  # the converters Connection.execute applies
    order = compiled.positiontup
    prepared = _Prepared(
        compiled.string,
        tuple(order) if order is not None else None,
        tuple((name, fn) for name, fn in processors.items() if fn is not None),
    )
    _prepared[key] = (statement, dialect, prepared)  # kept alive: their ids stay their own
    return prepared


def _bound(prepared: _Prepared, row: dict[str, Any]) -> Any:
    values = dict(row)
    for name, convert in prepared.convert:
        if name in values:
            values[name] = convert(values[name])  # None too: JSON's None is 'null', as ever
    if prepared.positional is None:
        return values
    return tuple(values[name] for name in prepared.positional)


def execute(
    conn: Connection, statement: ClauseElement, rows: dict[str, Any] | Sequence[dict[str, Any]]
) -> list[Any]:
    """Run ``statement`` for one row, or for many (executemany: every row with the same keys);
    the rows it returns (RETURNING), fetched, the cursor closed."""
    batch = None if isinstance(rows, dict) else list(rows)
    first = rows if isinstance(rows, dict) else batch[0]  # type: ignore[index]
    prepared = _prepare(conn, statement, tuple(first))
    fairy = conn.connection
    cursor = fairy.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if batch is not None:
            cursor.executemany(prepared.sql, [_bound(prepared, r) for r in batch])
            return []
        cursor.execute(prepared.sql, _bound(prepared, first))
        return list(cursor.fetchall()) if cursor.description else []
    except conn.dialect.loaded_dbapi.Error as exc:
        lost = conn.dialect.is_disconnect(exc, fairy.dbapi_connection, cursor)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            prepared.sql,
            None,
            exc,
            conn.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from exc
    finally:
        cursor.close()
