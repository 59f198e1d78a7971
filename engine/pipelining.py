"""A transaction's ``BEGIN`` sent with its first statement, its ``COMMIT`` with its last.

psycopg opens a transaction by sending ``BEGIN`` and waiting for its answer before the
first statement, and ends it with ``COMMIT``, another wait. A statement run with the
execution option ``BEGINS`` (the step's lock) instead sends ``BEGIN`` and itself
together (psycopg's pipeline mode) when it opens the transaction; one run with
``COMMITS`` (the step's combined write) sends itself and ``COMMIT`` together. A step is
then two round trips: its lock, its write.

After ``BEGINS`` the connection stays in psycopg's autocommit mode until the transaction
ends (so psycopg does not send its own ``BEGIN``); ``commit()`` and ``rollback()`` still
end the server's transaction (psycopg reads the server's transaction status), and the
pool puts the connection back in its usual mode when it is returned or handed out.
A ``COMMITS`` statement that fails is not committed: the pipeline stops at the error
and the transaction is rolled back as any failed one.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

BEGINS = "zongzhi_begins"
"""Execution option: the statement sends the transaction's ``BEGIN`` with it."""
COMMITS = "zongzhi_commits"
"""Execution option: the statement sends the transaction's ``COMMIT`` after it (the
caller's own commit then finds nothing left to end)."""

_sent_along = 0


def sent_along() -> int:
    """How many ``BEGIN`` and ``COMMIT`` went with a statement in this process (the
    benchmark's round trip count subtracts them)."""
    return _sent_along


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE
_SWITCHED: weakref.WeakSet[Any] = weakref.WeakSet()
"""psycopg connections this module put in autocommit mode for their transaction."""


def install(sa_engine: Engine) -> None:
    """Let ``sa_engine``'s statements run with ``BEGINS`` and ``COMMITS`` (PostgreSQL with
    psycopg whose libpq has pipeline mode, 14 or later; otherwise they run as any other,
    and the caller's commit commits)."""
    import psycopg  # only where PostgreSQL is used

    if not psycopg.Pipeline.is_supported():
        return
    event.listen(sa_engine, "do_execute", _do_execute)
    event.listen(sa_engine, "checkin", _usual_mode)
    event.listen(sa_engine, "checkout", lambda connection, *_: _usual_mode(connection))


def _do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
    options = context.execution_options
    if options.get(COMMITS):
        return _with_commit(cursor, statement, parameters)
    if options.get(BEGINS):
        return _with_begin(cursor, statement, parameters)
    return None


def _with_begin(cursor: Any, statement: str, parameters: Any) -> bool | None:
    global _sent_along
    driver = cursor.connection
    if driver.autocommit or driver.pgconn.transaction_status != _IDLE:
        return None  # a transaction is open (or none is wanted): run it as usual
    driver.autocommit = True
    _SWITCHED.add(driver)
    with driver.pipeline():
        driver.execute("BEGIN")
        cursor.execute(statement, parameters)
    _sent_along += 1
    return True


def _with_commit(cursor: Any, statement: str, parameters: Any) -> bool:
    global _sent_along
    driver = cursor.connection
    with driver.pipeline():  # both sent, then both answered: one Sync, one round trip
        cursor.execute(statement, parameters)
        # As a statement: ``driver.commit()`` would send a Sync of its own (psycopg reads
        # the server's transaction status, so it knows the transaction is over).
        driver.execute("COMMIT", prepare=False)
    _sent_along += 1
    return True


def _usual_mode(dbapi_connection: Any, *_args: Any) -> None:
    """psycopg's own transactions again for a connection this module switched (it is
    idle here: the pool has ended its transaction)."""
    if dbapi_connection is None or dbapi_connection not in _SWITCHED:
        return
    _SWITCHED.discard(dbapi_connection)
    try:
        dbapi_connection.autocommit = False
    except Exception:  # a broken connection: the pool discards it
        return
