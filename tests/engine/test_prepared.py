"""Inside ``prepared`` a repeated statement is prepared on PostgreSQL; outside, every query
is still planned for its own parameters (lists keep their per-region plans)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.prepared import PREPARE_AFTER, prepared

_PREPARED = text("SELECT statement FROM pg_prepared_statements")


def _run(session: Session, sql: str, times: int) -> None:
    for n in range(times):
        assert session.execute(text(sql), {"n": n}).scalar() == n + 1


def test_only_statements_inside_the_block_are_prepared(sa_engine):
    with Session(sa_engine) as session:
        _run(session, "SELECT CAST(:n AS integer) + 1", PREPARE_AFTER + 5)
        with prepared(session):
            _run(session, "SELECT CAST(:n AS integer) + 1 AS inside", PREPARE_AFTER + 2)
        _run(session, "SELECT CAST(:n AS integer) + 1 AS after", PREPARE_AFTER + 5)
        if session.get_bind().dialect.name != "postgresql":
            return
        found = [s for s in session.execute(_PREPARED).scalars() if "$1" in s]
    assert found == ["SELECT CAST($1 AS integer) + 1 AS inside"]
