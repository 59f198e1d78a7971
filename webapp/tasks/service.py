"""我的待办: the ready tasks a user may act on, read from the projection tables only.

One SQL statement over ``task`` joined to ``dispute_case`` (the instance runs the case's
call activities too) gives a page (``query``), with what each row shows besides its own
columns: the case's first party, its type's name, the claimer's name (``described``). The
count stops past ``COUNT_CAP``, and is skipped on a last page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.enums import TaskStatus
from engine.models import TaskRecord
from processes.masking import mask_name
from processes.models import DisputeType, Party, RiskAlert

from ..accounts.models import User
from . import arms, query
from .filters import (
    Clock,
    DueFilter,
    Filters,
    SortKey,
    Viewer,
    department_name,
    near_until,
)
from .keyset import Position, ranges

__all__ = [
    "COUNT_CAP",
    "PER_PAGE",
    "Clock",
    "DueFilter",
    "Filters",
    "Page",
    "SortKey",
    "Viewer",
    "WorkItem",
    "count_offered",
    "department_name",
    "near_until",
    "next_task",
    "work_list",
]

PER_PAGE = 50
COUNT_CAP = 1000
"""Counting stops here: a page says "共 1,000+ 项" rather than counting a county's list."""


@dataclass(frozen=True)
class WorkItem:
    task_id: str
    task_name: str
    item: str | None
    """A multi-instance task's item (e.g. the department summoned), shown with its name."""
    case_id: int | None
    """``None`` for a task of a process without a case: a rising-risk alert (its facts
    fill the row) or another process (shown to unrestricted users only)."""
    case_code: str
    dispute_type: str
    party: str
    """The first party's name, masked."""
    level: str
    risk_colour: str
    due_at: datetime | None
    received_at: datetime | None
    assignee: str | None
    assignee_name: str | None
    status: str = TaskStatus.READY
    """The work list holds waiting tasks only."""


@dataclass(frozen=True)
class Page:
    items: list[WorkItem]
    number: int
    per_page: int
    total: int
    """Matching tasks, counted up to ``COUNT_CAP`` (``capped`` says it went past)."""
    capped: bool
    has_next: bool = field(default=False)
    next_after: str | None = None
    """The token of the page's last row: the next page is read from it (``?after=``)."""
    prev_before: str | None = None
    """The token of the page's first row, when a page before it is more than the first
    (``?before=``; the first page's link carries no token)."""

    @property
    def last(self) -> int | None:
        """The last page's number, unless the count was capped."""
        return None if self.capped else max(1, -(-self.total // self.per_page))


def work_list(
    session: Session,
    *,
    viewer: Viewer,
    filters: Filters,
    clock: Clock,
    page: int = 1,
    per_page: int = PER_PAGE,
    after: str | None = None,
    before: str | None = None,
) -> Page:
    """One page of the tasks ``viewer`` may act on, matching ``filters``: the page after
    the row of the token ``after``, or before the row of ``before`` (seek pages, numbered
    ``page`` as the links counted them), else page ``page`` counted from the first row.

    Its statements are run on the session's connection: rows of columns need nothing of
    the ORM, whose handling of each row cost more than the row (``bench/worklist.py``)."""
    query.prefer_custom_plans(session)
    page = max(1, page)
    postgresql = session.get_bind().dialect.name == "postgresql"
    position = Position.read(filters.sort, after or before)
    if position is not None and not after:
        found = _seek(session, viewer, filters, clock, position, per_page + 1, postgresql, True)
        if len(found) <= per_page:  # nothing before these: they start the first page
            return work_list(session, viewer=viewer, filters=filters, clock=clock)
        rows, has_next, page = list(reversed(found[:per_page])), True, max(page, 2)
    else:
        if position is not None:
            found = _seek(session, viewer, filters, clock, position, per_page + 1, postgresql)
        else:
            statement = arms.page_rows(
                viewer,
                filters,
                clock,
                offset=(page - 1) * per_page,
                limit=per_page + 1,
                postgresql=postgresql,
            )
            found = session.connection().execute(described(statement)).all()
        rows, has_next = found[:per_page], len(found) > per_page
    if has_next or (page > 1 and not rows):
        total = _count(session, viewer, filters, clock, postgresql)
    else:  # the last page: every page before it was full
        total = (page - 1) * per_page + len(rows)
    return Page(
        _items(session, rows),
        page,
        per_page,
        min(total, COUNT_CAP),
        total > COUNT_CAP,
        has_next,
        next_after=Position.of(filters.sort, rows[-1]).token if has_next else None,
        prev_before=Position.of(filters.sort, rows[0]).token if page > 2 and rows else None,
    )


def _count(
    session: Session, viewer: Viewer, filters: Filters, clock: Clock, postgresql: bool
) -> int:
    """The capped count, one part per lane on PostgreSQL (``arms.arm_branches``): with one
    part for every lane, PostgreSQL hashed all 84,000 offered tasks of a user holding every
    lane to count 1,001 of them (35 ms)."""
    by_due = replace(filters, sort=SortKey.DUE)  # the count does not depend on the order
    branches = arms.arm_branches(viewer, by_due, split=postgresql)
    return query.capped_count(session, viewer, filters, clock, COUNT_CAP, branches)


def _seek(
    session: Session,
    viewer: Viewer,
    filters: Filters,
    clock: Clock,
    position: Position,
    limit: int,
    postgresql: bool,
    back: bool = False,
) -> list:
    """Up to ``limit`` rows after ``position`` (``back``: before it, nearest first), read
    range by range (``keyset.ranges``) until there are enough."""
    found: list = []
    for index in range(len(ranges(position, forward=not back))):
        statement = arms.page_rows(
            viewer,
            filters,
            clock,
            offset=0,
            limit=limit - len(found),
            postgresql=postgresql,
            bound=lambda c, i=index: ranges(position, forward=not back, c=c)[i],
            reverse=back,
        )
        found += session.connection().execute(described(statement)).all()
        if len(found) >= limit:
            break
    return found


def next_task(session: Session, *, viewer: Viewer, instance_id: int) -> str | None:
    """The id of a ready task of the same case the viewer may act on next, if any (also
    one the step just made that names them a candidate: the one case is cheap to ask)."""
    viewer = replace(viewer, candidate_tasks=True)
    clauses = [*query.where(viewer, Filters()), TaskRecord.instance_id == instance_id]
    statement = query.from_tasks(select(TaskRecord.id)).where(*clauses)
    statement = statement.order_by(*query.order(SortKey.DUE))
    return session.scalar(statement.limit(1))


def count_offered(session: Session, viewer: Viewer) -> int:
    """How many tasks wait for ``viewer``, up to ``COUNT_CAP + 1``: the home page's figure."""
    query.prefer_custom_plans(session)
    return query.capped_count(session, viewer, Filters(), None, COUNT_CAP)


# -- the page's rows --------------------------------------------------------------------------


def described(statement: Select) -> Select:
    """The page's rows with what each shows besides its own columns, read for those rows
    alone: the case's first registered party, its type's name, the claimer's name. Three
    more statements for these took 5 ms of a 50 ms page (``bench/worklist.py``); as
    sub-queries of the page's own statement PostgreSQL runs them for its 51 rows only."""
    c = statement.selected_columns
    party = select(Party.name).where(Party.case_id == c.case_id).order_by(Party.id).limit(1)
    type_name = select(DisputeType.name).where(DisputeType.code == c.dispute_type)
    claimer = select(User.display_name).where(User.username == c.assignee)
    return statement.add_columns(
        party.scalar_subquery().label("party"),
        type_name.scalar_subquery().label("type_name"),
        claimer.scalar_subquery().label("assignee_name"),
    )


def _items(session: Session, rows: Sequence) -> list[WorkItem]:
    alerts = _alerts(session, [row.instance_id for row in rows if not row.case_id])
    return [
        WorkItem(
            task_id=row.id,
            task_name=row.name,
            item=row.item,
            case_id=row.case_id,
            case_code=_code(row, alerts.get(row.instance_id)),
            dispute_type=_subject(row, alerts.get(row.instance_id)),
            party=mask_name(row.party),
            level=row.level or "",
            risk_colour=row.risk_colour or getattr(alerts.get(row.instance_id), "level", ""),
            due_at=row.due_at,
            received_at=row.received_at,
            assignee=row.assignee,
            assignee_name=row.assignee_name if row.assignee else None,
        )
        for row in rows
    ]


def _code(row, alert: RiskAlert | None) -> str:
    if row.case_id:
        return row.code or "（未赋码）"
    return "风险预警" if alert is not None else "—"


def _subject(row, alert: RiskAlert | None) -> str:
    if alert is not None:
        return f"{alert.dimension}：{alert.subject}"
    return row.type_name or row.dispute_type or ""


def _alerts(session: Session, instance_ids: list[int]) -> dict[int, RiskAlert]:
    """The rising-risk alerts behind the page's case-less tasks, by instance."""
    if not instance_ids:
        return {}
    query = select(RiskAlert).where(RiskAlert.instance_id.in_(sorted(set(instance_ids))))
    return {alert.instance_id: alert for alert in session.scalars(query)}
