"""Search the history for the auditor: pages of ``history_event``, newest first.

Pages are keyed by ``seq`` (never OFFSET): a page starts strictly below the ``before`` cursor
(older rows) or strictly above the ``after`` cursor (newer rows), so a deep page costs what
the first one costs. Each filter has a ``(column, seq)`` index (migration 0006) that the
query is made to walk (see ``_Plan``); a time range becomes a ``seq`` range through the
``at`` index first (see ``TIME_SLACK``). The engine knows nothing of cases: callers that
search by case pass its instance id(s).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from .models import HistoryEvent

PAGE_SIZE = 50
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class HistoryQuery:
    """What to look for; every field left empty matches every row."""

    instance_ids: tuple[int, ...] = ()
    process_id: str | None = None
    version_id: int | None = None
    actor: str | None = None
    lane: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    """Inclusive lower bound of ``at``."""
    until: datetime | None = None
    """Exclusive upper bound of ``at``."""
    visible_instances: Select | None = None
    """A SELECT of the instance ids the searcher may see; rows of other instances and rows
    of no instance are left out. ``None``: every row."""


@dataclass(frozen=True)
class HistoryRow:
    """One event, every column as stored (the hashed fields, ``prev_hash`` and ``hash``)."""

    seq: int
    event_type: str
    at: datetime
    actor: str
    instance_id: int | None
    process_id: str | None
    version_id: int | None
    task_id: str | None
    spec_id: str | None
    spec_name: str | None
    lane: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    newer: int | None
    """Cursor for the page of newer rows (pass as ``after``), or ``None`` at the newest."""
    older: int | None
    """Cursor for the page of older rows (pass as ``before``), or ``None`` at the oldest."""


_COLUMNS = [getattr(HistoryEvent, f.name) for f in fields(HistoryRow)]


def _conditions(query: HistoryQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.instance_ids:
        ids = sorted(set(query.instance_ids))
        found.append(
            HistoryEvent.instance_id == ids[0]
            if len(ids) == 1
            else HistoryEvent.instance_id.in_(ids)
        )
    for column, value in _equalities(query):
        found.append(column == value)
    if query.since is not None:
        found.append(HistoryEvent.at >= query.since)
    if query.until is not None:
        found.append(HistoryEvent.at < query.until)
    if query.visible_instances is not None:
        found.append(HistoryEvent.instance_id.in_(query.visible_instances))
    return found


def _equalities(query: HistoryQuery) -> list[tuple[Any, Any]]:
    """(column, value) of the single-value filters, the usually most selective first."""
    pairs = [
        (HistoryEvent.actor, query.actor),
        (HistoryEvent.version_id, query.version_id),
        (HistoryEvent.process_id, query.process_id),
        (HistoryEvent.lane, query.lane),
        (HistoryEvent.event_type, query.event_type),
    ]
    return [(column, value) for column, value in pairs if value is not None and value != ""]


@dataclass(frozen=True)
class _Plan:
    """How to read a query's pages.

    ``lead``: a column filtered on one value; ordering by it, then ``seq``, is the same
    order as by ``seq`` alone, and makes the database walk that column's ``(column, seq)``
    index instead of scanning the whole table backwards for matches that may all be old
    (a plan databases pick when they assume matches are spread evenly).
    """

    where: list[ColumnElement[bool]]
    lead: Any = None
    empty: bool = False


TIME_SLACK = timedelta(days=1)
"""How far out of ``seq`` order event times may run (concurrent steps commit in another
order than their clocks read): a time range is first narrowed to the ``seq`` range of the
rows within it, widened by this much on each side, then filtered on time exactly."""


def _seq_bounds(session: Session, query: HistoryQuery) -> list[ColumnElement[bool]] | None:
    """``seq`` limits for a time range (by the ``at`` index), or ``None`` if none can match."""
    found: list[ColumnElement[bool]] = []
    seq, at = HistoryEvent.seq, HistoryEvent.at
    if query.since is not None:
        low = session.execute(
            select(seq).where(at >= query.since - TIME_SLACK).order_by(at.asc()).limit(1)
        ).scalar()
        if low is None:
            return None
        found.append(seq >= low)
    if query.until is not None:
        high = session.execute(
            select(seq).where(at < query.until + TIME_SLACK).order_by(at.desc()).limit(1)
        ).scalar()
        if high is None:
            return None
        found.append(seq <= high)
    return found


def _plan(session: Session, query: HistoryQuery) -> _Plan:
    bounds = _seq_bounds(session, query)
    if bounds is None:
        return _Plan([], empty=True)
    lead = None
    if len(set(query.instance_ids)) == 1:
        lead = HistoryEvent.instance_id
    elif _equalities(query):
        lead = _equalities(query)[0][0]
    return _Plan([*_conditions(query), *bounds], lead)


def _row(values: Sequence[Any]) -> HistoryRow:
    return HistoryRow(*values)


def _statement(plan: _Plan, extra: list, *, newest_first: bool, limit: int, columns=None):
    keys = [plan.lead, HistoryEvent.seq] if plan.lead is not None else [HistoryEvent.seq]
    order = [key.desc() if newest_first else key.asc() for key in keys]
    chosen = columns or _COLUMNS
    return select(*chosen).where(*plan.where, *extra).order_by(*order).limit(limit)


def _fetch(session: Session, plan: _Plan, extra: list, *, newest_first: bool, limit: int):
    if plan.empty:
        return []
    statement = _statement(plan, extra, newest_first=newest_first, limit=limit)
    return [_row(values) for values in session.execute(statement)]


def _exists(session: Session, plan: _Plan, extra: list, *, newest_first: bool) -> bool:
    statement = _statement(
        plan, extra, newest_first=newest_first, limit=1, columns=[HistoryEvent.seq]
    )
    return not plan.empty and session.execute(statement).first() is not None


def first_page_statement(session: Session, query: HistoryQuery, *, limit: int = PAGE_SIZE + 1):
    """The SELECT behind the newest page of ``query`` (for EXPLAIN in benchmarks)."""
    return _statement(_plan(session, query), [], newest_first=True, limit=limit)


def search(
    session: Session,
    query: HistoryQuery,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> HistoryPage:
    """One page of matching rows, newest first: the newest page, the page below ``before``
    or the page above ``after`` (``before`` wins if both are given)."""
    plan = _plan(session, query)
    seq = HistoryEvent.seq
    if before is not None or after is None:
        bound = [seq < before] if before is not None else []
        rows = _fetch(session, plan, bound, newest_first=True, limit=limit + 1)
        page = rows[:limit]
        older = page[-1].seq if len(rows) > limit else None
        newer = None
        if (
            before is not None
            and page
            and _exists(session, plan, [seq > page[0].seq], newest_first=False)
        ):
            newer = page[0].seq
        return HistoryPage(page, newer, older)
    rows = _fetch(session, plan, [seq > after], newest_first=False, limit=limit + 1)
    page = list(reversed(rows[:limit]))
    newer = page[0].seq if len(rows) > limit else None
    older = None
    if page and _exists(session, plan, [seq < page[-1].seq], newest_first=True):
        older = page[-1].seq
    return HistoryPage(page, newer, older)


def iter_rows(
    session: Session, query: HistoryQuery, *, cap: int, batch: int = EXPORT_BATCH
) -> Iterator[HistoryRow]:
    """Every matching row, newest first, at most ``cap``; read ``batch`` rows at a time by
    key, so a long export holds one batch in memory."""
    plan = _plan(session, query)
    sent, before = 0, None
    while sent < cap:
        want = min(batch, cap - sent)
        bound = [HistoryEvent.seq < before] if before is not None else []
        rows = _fetch(session, plan, bound, newest_first=True, limit=want)
        yield from rows
        sent += len(rows)
        if len(rows) < want:
            return
        before = rows[-1].seq


def event_row(session: Session, seq: int) -> HistoryRow | None:
    """The row ``seq``, or ``None``."""
    values = session.execute(select(*_COLUMNS).where(HistoryEvent.seq == seq)).first()
    return _row(values) if values is not None else None
