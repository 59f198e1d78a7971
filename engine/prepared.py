"""Server-side prepared statements for the statements every step repeats.

The application plans every PostgreSQL query for its own parameters (``prepare_threshold``
None, ``webapp.config``): a generic plan once made a work list filtered by region twenty
times slower. The statements every step runs, its read or lock (a task's or an instance's, a
timer's claim) and its combined write at commit, find their rows by key whatever the
parameters, and parsing and planning them was more than half of the database server's
CPU per step. Inside ``prepared(session)`` psycopg prepares such a statement on its
``PREPARE_AFTER``-th run on a connection and later runs only bind and execute it;
outside, nothing changes. SQLite: nothing to do.

psycopg forgets a connection's prepared statements whenever it rolls a transaction back,
as every read-only session ends; so units of work have connections of their own
(``Engine.step_sessions``, the ``steps`` bind of ``webapp.config``), which end their
transactions with ``COMMIT`` and keep their prepared statements.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

PREPARE_AFTER = 2
"""A statement is prepared on its run after this many on one connection: a drain runs the
same few thousands of times, a rare shape is never prepared."""


@contextlib.contextmanager
def prepared(session: Session) -> Iterator[None]:
    """Let psycopg prepare the statements ``session`` runs in the block (on its current
    connection, PostgreSQL)."""
    raw = session.connection().connection.driver_connection
    if not hasattr(raw, "prepare_threshold"):
        yield
        return
    before = raw.prepare_threshold
    raw.prepare_threshold = PREPARE_AFTER
    try:
        yield
    finally:
        raw.prepare_threshold = before
