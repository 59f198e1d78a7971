"""Atomic counters on the ``rate_counter`` table, on SQLite and PostgreSQL alike.

Each function takes a connection and runs one statement: an increment is a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING``, so concurrent workers never lose a count.
A counter whose time is up counts as zero and its next increment starts a new window.
"""

from __future__ import annotations

import hashlib
import random

from sqlalchemy import Connection, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from .models import KEY_LENGTH, RateCounter

_table = RateCounter.__table__
PURGE_CHANCE = 1 / 200
"""How often an increment also deletes the counters whose time is up."""


def stored_key(key: str) -> str:
    """``key`` as stored: long keys (a limit on a long form value) are hashed to fit."""
    if len(key) <= KEY_LENGTH:
        return key
    return key[:100] + "#" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def increment(
    connection: Connection, key: str, *, seconds: float, now: float, amount: int = 1
) -> int:
    """Add ``amount`` to the counter and return its new value; a counter that has expired
    (or never existed) starts again at ``amount`` and lives ``seconds`` from ``now``."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    expired = _table.c.expires_at <= now
    statement = (
        insert(_table)
        .values(key=stored_key(key), count=amount, expires_at=now + seconds)
        .on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((expired, amount), else_=_table.c.count + amount),
                "expires_at": case((expired, now + seconds), else_=_table.c.expires_at),
            },
        )
        .returning(_table.c.count)
    )
    value = int(connection.execute(statement).scalar_one())
    if random.random() < PURGE_CHANCE:
        purge(connection, now=now)
    return value


def current(connection: Connection, key: str, *, now: float) -> int:
    """The counter's value, 0 once it has expired."""
    query = select(_table.c.count).where(_table.c.key == stored_key(key), _table.c.expires_at > now)
    return int(connection.execute(query).scalar() or 0)


def expires_at(connection: Connection, key: str, *, now: float) -> float:
    """When the counter expires (``now`` if it already has, or never existed)."""
    query = select(_table.c.expires_at).where(
        _table.c.key == stored_key(key), _table.c.expires_at > now
    )
    return float(connection.execute(query).scalar() or now)


def live_keys(connection: Connection, keys: list[str], *, now: float) -> set[str]:
    """Which of ``keys`` name a counter that has not expired."""
    if not keys:
        return set()
    by_stored = {stored_key(key): key for key in keys}
    query = select(_table.c.key).where(
        _table.c.key.in_(list(by_stored)), _table.c.expires_at > now, _table.c.count > 0
    )
    return {by_stored[key] for key in connection.execute(query).scalars()}


def clear(connection: Connection, key: str) -> None:
    connection.execute(delete(_table).where(_table.c.key == stored_key(key)))


def clear_all(connection: Connection) -> int:
    """Delete every counter; how many there were."""
    count = connection.execute(select(func.count()).select_from(_table)).scalar_one()
    connection.execute(delete(_table))
    return int(count)


def purge(connection: Connection, *, now: float) -> None:
    """Delete the counters whose time is up."""
    connection.execute(delete(_table).where(_table.c.expires_at <= now))
