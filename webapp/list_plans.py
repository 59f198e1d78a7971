"""How PostgreSQL should plan the lists' statements (work list, case list): for this
request's values, without parallel workers."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

PLAN_SETTINGS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
    " set_config('max_parallel_workers_per_gather', '0', true),"
    " set_config('random_page_cost', '1.1', true)"
)


def prefer_custom_plans(session: Session) -> None:
    """For the rest of this transaction, on PostgreSQL: plan each statement for its own
    values (psycopg prepares a statement run five times and PostgreSQL may then keep one
    generic plan, blind to which roles and regions are asked: 10x slower), and start no
    parallel worker (a page stops after a few dozen rows; starting a worker cost 40 ms on a
    busy server, more than the whole walk), and price a page read by index as what it is
    for tables the server keeps in memory, little more than a sequential one
    (``random_page_cost`` 1.1, the usual figure for SSDs): at the default 4, the count of a
    liaison's tasks and their newest-received page hashed all 100,000 cases (40-90 ms)
    instead of probing the case of each of their 2,000 tasks (3 ms)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(PLAN_SETTINGS)
