"""A step's transaction without round trips of its own for ``BEGIN`` and ``COMMIT``.

psycopg opens a transaction by sending ``BEGIN`` and waiting for its answer before the
first statement, and ends it with ``COMMIT``, another wait. Three execution options
spare them:

- ``ALONE`` (a step's read of its task and instance, ``engine.instances``): run outside
  any transaction, taking no lock. Whatever the same connection runs next, before the
  step's write, opens the transaction with its ``BEGIN`` sent along (psycopg's pipeline
  mode): nothing is ever written outside a transaction.
- ``BEGINS`` (a step's lock): open the transaction with the statement, ``BEGIN`` sent
  along.
- ``COMMITS`` (a step's combined write): end the transaction with the statement, its
  ``COMMIT`` sent along; when no transaction was opened (the step read ``ALONE``, or
  read nothing, and ran nothing else), the statement runs alone and is its own
  transaction.

A step is then two round trips, its read (or lock) and its write; one when it reads
nothing (a step from the rows this process wrote, ``engine.wfcache``). A ``COMMITS`` statement
that fails is not committed: the pipeline stops at the error (or the lone statement
fails whole) and the transaction is rolled back as any failed one.

The connection stays in psycopg's autocommit mode until it goes back to the pool (so
psycopg sends no ``BEGIN`` of its own); ``commit()`` and ``rollback()`` still end the
server's transaction (psycopg reads the server's transaction status), and the pool puts
the connection back in its usual mode when it is returned or handed out.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

ALONE = "zongzhi_alone"
"""Execution option: when no transaction is open, the statement runs outside one."""
BEGINS = "zongzhi_begins"
"""Execution option: the statement sends the transaction's ``BEGIN`` with it."""
COMMITS = "zongzhi_commits"
"""Execution option: the statement sends the transaction's ``COMMIT`` after it (the
caller's own commit then finds nothing left to end)."""

_spared = 0


def spared() -> int:
    """How many ``BEGIN`` and ``COMMIT`` cost no round trip of their own in this process
    (sent along with a statement, or not needed): the benchmark's round trip count
    subtracts them."""
    return _spared


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE
_SWITCHED: weakref.WeakSet[Any] = weakref.WeakSet()
"""psycopg connections this module put in autocommit mode for their transaction."""


def install(sa_engine: Engine) -> None:
    """Let ``sa_engine``'s statements run with ``ALONE``, ``BEGINS`` and ``COMMITS``
    (PostgreSQL with psycopg whose libpq has pipeline mode, 14 or later; otherwise they run
    as any other, in a transaction psycopg opens, and the caller's commit commits)."""
    import psycopg  # only where PostgreSQL is used

    if not psycopg.Pipeline.is_supported():
        return
    event.listen(sa_engine, "do_execute", _do_execute)
    event.listen(sa_engine, "checkin", _usual_mode)
    event.listen(sa_engine, "checkout", lambda connection, *_: _usual_mode(connection))


def _do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
    driver = cursor.connection
    options = context.execution_options
    if options.get(COMMITS):
        return _with_commit(driver, cursor, statement, parameters)
    if driver.pgconn.transaction_status != _IDLE:
        return None  # a transaction is open: run it as usual
    if driver.autocommit and driver not in _SWITCHED:
        return None  # the connection's owner wants no transaction
    if options.get(ALONE):
        return _alone(driver)
    if options.get(BEGINS) or driver in _SWITCHED:
        return _with_begin(driver, cursor, statement, parameters)
    return None


def _switch(driver: Any) -> None:
    if not driver.autocommit:
        driver.autocommit = True
        _SWITCHED.add(driver)


def _alone(driver: Any) -> None:
    """Run the statement outside a transaction (as usual, in autocommit mode): the
    transaction psycopg would open, and its ``BEGIN``, are spared."""
    global _spared
    _switch(driver)
    _spared += 1


def _with_begin(driver: Any, cursor: Any, statement: str, parameters: Any) -> bool:
    global _spared
    _switch(driver)
    with driver.pipeline():
        driver.execute("BEGIN")
        cursor.execute(statement, parameters)
    _spared += 1
    return True


def _with_commit(driver: Any, cursor: Any, statement: str, parameters: Any) -> bool:
    global _spared
    if driver.pgconn.transaction_status == _IDLE:
        # Nothing ran in this transaction, or only outside it (``ALONE``): the statement
        # runs alone, its own transaction (the BEGIN psycopg would send is spared too).
        if not driver.autocommit:
            _spared += 1
            _switch(driver)
        cursor.execute(statement, parameters)
    else:
        with driver.pipeline():  # both sent, then both answered: one Sync, one round trip
            cursor.execute(statement, parameters)
            # As a statement: ``driver.commit()`` would send a Sync of its own (psycopg
            # reads the server's transaction status, so it knows the transaction is over).
            driver.execute("COMMIT", prepare=False)
    _spared += 1
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
