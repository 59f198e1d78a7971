"""The SQL side of the metrics' definitions: which case rows count, written once.

Every figure of a report is a count of cases (or of their mediations and callbacks)
meeting one of these conditions over a half-open UTC window ``[start, end)``. The
metric functions and the batched report queries both build on them, so a definition
changes in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, and_, case, func, literal, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..enums import CaseStatus, Channel, Evaluation
from ..models import Case

OPEN_STATUSES = (CaseStatus.RECEIVED.value, CaseStatus.HANDLING.value)
"""A case still being worked on: 已受理 or 办理中."""

ENDED_UNRESOLVED = (CaseStatus.GUIDED.value, CaseStatus.RETURNED.value)
"""Closed without being resolved: guided to another remedy, or returned to its source."""

TOWNSHIP_LEVELS = ("网格员", "村调委会", "镇综治中心", "镇党委政府")
"""The levels of 四级七天: a case settled at one of them stayed in the township."""

HANDOFFS = (Channel.COURT.value, Channel.POLICE.value, Channel.PETITION.value)
"""The 三调 channels, in the order reports list them: 诉调, 警调, 访调."""

SATISFIED = (Evaluation.SATISFIED.value, Evaluation.BASICALLY_SATISFIED.value)
AGREED = "达成协议"
"""The mediation outcome that counts as a success (``processes.actions.mediation``)."""

Window = tuple[datetime, datetime]
"""A half-open UTC interval ``[start, end)``."""


def within(column, window: Window) -> ColumnElement[bool]:
    start, end = window
    return and_(column >= start, column < end)


def any_within(column, windows: Collection[Window]) -> ColumnElement[bool]:
    """``column`` in one of ``windows`` (touching windows merged: fewer index ranges)."""
    return or_(*(within(column, window) for window in merged(windows)))


def in_regions(column, regions: Collection[str] | None) -> ColumnElement[bool]:
    """Rows whose region lies in ``regions`` (``None``: every region)."""
    return true() if regions is None else column.in_(sorted(regions))


def not_cancelled() -> ColumnElement[bool]:
    return Case.status != CaseStatus.CANCELLED.value


def received(window: Window) -> ColumnElement[bool]:
    """受理: ``received_at`` in the window; cancelled (已撤销) cases excluded."""
    return and_(within(Case.received_at, window), not_cancelled())


def resolved(window: Window) -> ColumnElement[bool]:
    """化解: ``resolved_at`` in the window."""
    return within(Case.resolved_at, window)


def settled_by(column, received_at, windows: Sequence[Window], cutoffs: Sequence[datetime]):
    """``column`` (a resolution's time) set and before the cut-off of the window
    ``received_at`` lies in: ``cutoffs[i]`` for ``windows[i]`` (windows disjoint; rows
    outside every window must be filtered out by the caller, as for ``bucket``). One
    CASE picks the row's cut-off, so a row costs one walk down the windows."""
    order = sorted(range(len(windows)), key=lambda i: windows[i][0])
    limit = case(
        *((received_at < windows[i][1], literal(cutoffs[i], type_=column.type)) for i in order)
    )
    return column < limit


def unresolved_end() -> ColumnElement[bool]:
    """Never resolved, and closed as 已引导 or 已退回 (when: ``closed_at``)."""
    return and_(Case.resolved_at.is_(None), Case.status.in_(ENDED_UNRESOLVED))


def ended_unresolved(window: Window) -> ColumnElement[bool]:
    """Never resolved, and closed as 已引导 or 已退回 with ``closed_at`` in the window."""
    return and_(unresolved_end(), within(Case.closed_at, window))


def concluded(window: Window) -> ColumnElement[bool]:
    """办结: resolved in the window, or ended unresolved (guided, returned) in it."""
    return or_(resolved(window), ended_unresolved(window))


def concluded_in_any(windows: Collection[Window]) -> ColumnElement[bool]:
    """Concluded in one of ``windows``: each arm a range on an indexed time stamp."""
    return or_(
        any_within(Case.resolved_at, windows),
        and_(unresolved_end(), any_within(Case.closed_at, windows)),
    )


def overdue_open(as_of: datetime) -> ColumnElement[bool]:
    """超期在办: open (已受理/办理中) and flagged overdue, or past its deadline at ``as_of``."""
    return and_(
        Case.status.in_(OPEN_STATUSES),
        or_(Case.overdue.is_(True), Case.due_at < as_of),
    )


def count_if(condition: ColumnElement[bool]):
    """``SUM(CASE WHEN condition THEN 1 ELSE 0 END)``: a conditional count."""
    return func.sum(case((condition, 1), else_=0))


def merged(windows: Collection[Window]) -> list[Window]:
    """The windows with overlapping or touching ones joined (fewer index ranges)."""
    result: list[Window] = []
    for start, end in sorted(windows):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def disjoint_groups(windows: Sequence[Window]) -> list[list[int]]:
    """The windows' indexes split into groups whose windows do not overlap (usually one
    group: a period, the one before and the one a year ago are disjoint)."""
    groups: list[list[int]] = []
    for i, window in enumerate(windows):
        for group in groups:
            if all(not _overlap(window, windows[j]) for j in group):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _overlap(a: Window, b: Window) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def bucket(column, windows: Sequence[Window]):
    """The index of the window ``column`` lies in (windows disjoint; rows outside every
    window must be filtered out by the caller)."""
    order = sorted(range(len(windows)), key=lambda i: windows[i][0])
    return case(*((column < windows[i][1], i) for i in order))


class local_day(FunctionElement):
    """The Asia/Shanghai calendar day of a UTC time stamp column, as a SQL date."""

    type = Date()
    inherit_cache = True


@compiles(local_day)
def _local_day_default(element, compiler, **kw):
    (column,) = element.clauses
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(column, **kw)}) AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    # stored as naive UTC text; whole seconds only (SQLite rounds fractions to ms,
    # which would carry 23:59:59.9999 into the next day). China has no DST since 1991.
    (column,) = element.clauses
    return f"date(substr({compiler.process(column, **kw)}, 1, 19), '+8 hours')"


def as_date(value: date | str) -> date:
    """A ``local_day`` result as a date (SQLite returns ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
