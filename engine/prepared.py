"""Server-side prepared statements for the statements a timer firing repeats.

The application plans every PostgreSQL query for its own parameters (``prepare_threshold``
None, ``webapp.config``): a generic plan once made a work list filtered by region twenty
times slower. The statements every fired timer runs, its instance's claim and the step's
combined write at commit, find their rows by key whatever the parameters, and planning
them was about half of the database server's CPU per timer. Inside ``prepared(session)``
psycopg prepares such a statement on its ``PREPARE_AFTER``-th run on a connection and
later runs only bind and execute it; outside, nothing changes. SQLite: nothing to do.
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
