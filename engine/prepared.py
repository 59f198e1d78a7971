"""Server-side prepared statements for the step's own statements (PostgreSQL).

The application turns psycopg's automatic preparation off (``prepare_threshold`` None,
``webapp.config``): a prepared list query may get one generic plan that is far slower
for some users' filters. The statements every step sends (the task and instance lock,
the combined write) are the opposite case: fixed texts by key, run again and again, whose
parse and plan cost the server more than their execution. Inside ``prepared(session)``
the session's statements are prepared on their first run on a connection and run
prepared after that (psycopg keeps them per connection, the least used dropped first).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm import Session


@contextlib.contextmanager
def prepared(session: Session) -> Iterator[None]:
    """Statements run through ``session`` inside the block are prepared (PostgreSQL;
    elsewhere nothing changes)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    driver = connection.connection.driver_connection
    before = driver.prepare_threshold
    driver.prepare_threshold = 0
    try:
        yield
    finally:
        driver.prepare_threshold = before
