"""How a history search reads its pages fast on millions of rows, on PostgreSQL and SQLite.

Two traps and their ways out:

- A filtered search ordered by ``seq`` tempts the database to walk the primary key
  backwards and drop non-matching rows, on the guess that matches are spread evenly; when
  they are all old (an early version, a month a year ago) it reads most of the table. So
  the most selective filter *leads*: the query orders by ``(that column, seq)``, the same
  order as by ``seq`` alone under one value; on PostgreSQL the value is stated as a
  one-value range (``col >= v AND col <= v``), because with ``col = v`` it drops the
  constant column from the ordering and is back on the primary key. The database then
  walks that column's ``(column, seq)`` index (migration 0006). With several filters, each one's
  matches are counted (up to ``PROBE_CAP``, from its index alone) and the fewest lead.
- A time range becomes a ``seq`` range first, through the ``at`` index (see
  ``TIME_SLACK``), and is then also filtered on time exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.orm import Session

from .history_query import HistoryQuery
from .models import HistoryEvent

PROBE_CAP = 50_000
STEP_PROCESS = func.coalesce(HistoryEvent.step_process_id, HistoryEvent.process_id)
"""The process an event belongs to: the step's own (a called process), or on rows written
before that was recorded the instance's. Indexed with ``seq`` (migration 0016)."""
TIME_SLACK = timedelta(days=1)
"""How far out of ``seq`` order event times may run (concurrent steps commit in another
order than their clocks read): a time range is narrowed to the ``seq`` range of the rows
within it widened by this much on each side. A row stamped further out of order would be
missed by a time-range search (never by the other searches or by the chain's verify)."""


@dataclass(frozen=True)
class Plan:
    where: list[ColumnElement[bool]]
    lead: Any = None
    """The column whose ``(column, seq)`` index the pages walk, or ``None`` (by ``seq``)."""
    low: int | None = None
    high: int | None = None
    """Inclusive ``seq`` limits of a time range."""
    empty: bool = False
    """Nothing can match (a time range with no rows)."""


def _filters(query: HistoryQuery) -> list[tuple[Any, Any]]:
    """(column, value) of the one-value filters."""
    ids = set(query.instance_ids)
    pairs = [
        (HistoryEvent.instance_id, next(iter(ids)) if len(ids) == 1 else None),
        (HistoryEvent.actor, query.actor),
        (HistoryEvent.version_id, query.version_id),
        (STEP_PROCESS, query.process_id),
        (HistoryEvent.lane, query.lane),
        (HistoryEvent.event_type, query.event_type),
    ]
    return [(column, value) for column, value in pairs if value is not None and value != ""]


def _seq_bounds(session: Session, query: HistoryQuery) -> tuple[int | None, int | None] | None:
    """Inclusive ``seq`` limits of a time range (by the ``at`` index), or ``None`` if no row
    can match."""
    low = high = None
    seq, at = HistoryEvent.seq, HistoryEvent.at
    if query.since is not None:
        low = session.execute(
            select(seq).where(at >= query.since - TIME_SLACK).order_by(at.asc()).limit(1)
        ).scalar()
        if low is None:
            return None
    if query.until is not None:
        high = session.execute(
            select(seq).where(at < query.until + TIME_SLACK).order_by(at.desc()).limit(1)
        ).scalar()
        if high is None:
            return None
    return low, high


def _seq_range(low: int | None, high: int | None) -> list[ColumnElement[bool]]:
    seq = HistoryEvent.seq
    return [
        *([seq >= low] if low is not None else []),
        *([seq <= high] if high is not None else []),
    ]


def _matches(session: Session, column, value, bounds: tuple[int | None, int | None]) -> int:
    """How many rows ``column = value`` holds within ``bounds``, counted up to the cap."""
    probe = select(HistoryEvent.seq).where(column == value, *_seq_range(*bounds))
    probe = probe.limit(PROBE_CAP)
    return session.execute(select(func.count()).select_from(probe.subquery())).scalar_one()


def _lead_condition(session: Session, column, value) -> list[ColumnElement[bool]]:
    """``column = value`` as the database needs it to walk ``(column, seq)`` in order:
    PostgreSQL drops an equality's column from the ordering (and walks the primary key), so
    it gets a one-value range; SQLite bounds ``seq`` in that index only after an equality."""
    if session.get_bind().dialect.name == "postgresql":
        return [column >= value, column <= value]
    return [column == value]


def _at_unindexed(session: Session):
    """The event time for the exact time filter, after the ``seq`` range has done the
    narrowing: on SQLite as ``+at`` (the same value), so that it walks ``seq`` in order
    instead of the ``at`` index and a sort."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column("+history_event.at", type_=HistoryEvent.at.type)
    return HistoryEvent.at


def plan(session: Session, query: HistoryQuery) -> Plan:
    bounds = _seq_bounds(session, query)
    if bounds is None:
        return Plan([], empty=True)
    filters = _filters(query)
    first = 0
    if len(filters) > 1:
        sizes = [_matches(session, column, value, bounds) for column, value in filters]
        first = sizes.index(min(sizes))
    lead = filters[first] if filters else None
    where = [column == value for column, value in filters[:first] + filters[first + 1 :]]
    if lead is not None:
        where += _lead_condition(session, *lead)
    if len(set(query.instance_ids)) > 1:
        where.append(HistoryEvent.instance_id.in_(sorted(set(query.instance_ids))))
    at = _at_unindexed(session)
    if query.since is not None:
        where.append(at >= query.since)
    if query.until is not None:
        where.append(at < query.until)
    if query.visible_instances is not None:
        where.append(HistoryEvent.instance_id.in_(query.visible_instances))
    return Plan(where, _ordering(session, lead[0]) if lead is not None else None, *bounds)


def _ordering(session: Session, lead):
    """The lead as the ORDER BY names it. SQLite walks an expression index in ``seq`` order
    under an equality only when the ordering is by ``seq`` alone (naming the expression
    there costs a sort of every match)."""
    if lead is STEP_PROCESS and session.get_bind().dialect.name == "sqlite":
        return None
    return lead


def _tightest(pick, *limits: int | None) -> int | None:
    found = [limit for limit in limits if limit is not None]
    return pick(found) if found else None


def statement(
    chosen: Plan,
    *,
    columns: list,
    newest_first: bool,
    limit: int,
    below: int | None = None,
    above: int | None = None,
) -> Select:
    """The rows of ``chosen`` with ``above < seq < below``, in order, at most ``limit``. The
    ``seq`` limits are merged into one range: SQLite starts its walk from one bound only."""
    low = _tightest(max, chosen.low, None if above is None else above + 1)
    high = _tightest(min, chosen.high, None if below is None else below - 1)
    keys = [chosen.lead, HistoryEvent.seq] if chosen.lead is not None else [HistoryEvent.seq]
    order = [key.desc() if newest_first else key.asc() for key in keys]
    where = [*chosen.where, *_seq_range(low, high)]
    return select(*columns).where(*where).order_by(*order).limit(limit)
