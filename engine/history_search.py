"""Search the history for the auditor: pages of ``history_event``, newest first.

Pages are keyed by ``seq`` (never OFFSET): a page starts strictly below the ``before`` cursor
(older rows) or strictly above the ``after`` cursor (newer rows), so a deep page costs what
the first one costs; ``history_plan`` makes the database walk the right index. The engine
knows nothing of cases: callers that search by case pass its instance id(s).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .history_plan import Plan, plan, statement
from .history_query import HistoryQuery
from .models import HistoryEvent

PAGE_SIZE = 50
EXPORT_BATCH = 1000


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
    step_process_id: str | None = None


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    newer: int | None
    """Cursor for the page of newer rows (pass as ``after``), or ``None`` at the newest."""
    older: int | None
    """Cursor for the page of older rows (pass as ``before``), or ``None`` at the oldest."""


_COLUMNS = [getattr(HistoryEvent, f.name) for f in fields(HistoryRow)]


def _row(values: Sequence[Any]) -> HistoryRow:
    return HistoryRow(*values)


def _fetch(session: Session, chosen: Plan, *, newest_first: bool, limit: int, **seq_limits):
    if chosen.empty:
        return []
    query = statement(
        chosen, columns=_COLUMNS, newest_first=newest_first, limit=limit, **seq_limits
    )
    return [_row(values) for values in session.execute(query)]


def _exists(session: Session, chosen: Plan, newest_first: bool, **seq_limits) -> bool:
    if chosen.empty:
        return False
    query = statement(
        chosen, columns=[HistoryEvent.seq], newest_first=newest_first, limit=1, **seq_limits
    )
    return session.execute(query).first() is not None


def first_page_statement(session: Session, query: HistoryQuery, *, limit: int = PAGE_SIZE + 1):
    """The SELECT behind the newest page of ``query`` (for EXPLAIN in benchmarks)."""
    return statement(plan(session, query), columns=_COLUMNS, newest_first=True, limit=limit)


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
    chosen = plan(session, query)
    if before is not None or after is None:
        rows = _fetch(session, chosen, newest_first=True, limit=limit + 1, below=before)
        page = rows[:limit]
        older = page[-1].seq if len(rows) > limit else None
        newer = None
        if page and before is not None and _exists(session, chosen, False, above=page[0].seq):
            newer = page[0].seq
        return HistoryPage(page, newer, older)
    rows = _fetch(session, chosen, newest_first=False, limit=limit + 1, above=after)
    page = list(reversed(rows[:limit]))
    newer = page[0].seq if len(rows) > limit else None
    older = None
    if page and _exists(session, chosen, True, below=page[-1].seq):
        older = page[-1].seq
    return HistoryPage(page, newer, older)


def iter_rows(
    session: Session, query: HistoryQuery, *, cap: int, batch: int = EXPORT_BATCH
) -> Iterator[HistoryRow]:
    """Every matching row, newest first, at most ``cap``; read ``batch`` rows at a time by
    key, so a long export holds one batch in memory."""
    chosen = plan(session, query)
    sent, before = 0, None
    while sent < cap:
        want = min(batch, cap - sent)
        rows = _fetch(session, chosen, newest_first=True, limit=want, below=before)
        yield from rows
        sent += len(rows)
        if len(rows) < want:
            return
        before = rows[-1].seq


def event_row(session: Session, seq: int) -> HistoryRow | None:
    """The row ``seq``, or ``None``."""
    values = session.execute(select(*_COLUMNS).where(HistoryEvent.seq == seq)).first()
    return _row(values) if values is not None else None
