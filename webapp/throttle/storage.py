"""A ``limits`` storage on the application's database, so Flask-Limiter's counts hold
across web workers (and machines on one PostgreSQL) without Redis.

Flask-Limiter builds it from the URI ``zongzhi-db://``; each call runs on the current
app's engine in a short transaction of its own, so a count is kept even when the request
that made it rolls back. Only the fixed-window strategy (Flask-Limiter's default) is
supported.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy.exc import SQLAlchemyError

from engine.db import db

from . import counters

SCHEME = "zongzhi-db"
URI = f"{SCHEME}://"


class DatabaseStorage(Storage):
    """Rate-limit counters in the ``rate_counter`` table of ``current_app``'s database."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (the registry reads a list)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with db.engine.begin() as connection:
            return counters.increment(
                connection, key, seconds=expiry, now=time.time(), amount=amount
            )

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            return counters.current(connection, key, now=time.time())

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as connection:
            return counters.expires_at(connection, key, now=time.time())

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                counters.current(connection, "health", now=time.time())
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return counters.clear_all(connection)

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            counters.clear(connection, key)
