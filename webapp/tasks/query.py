"""The work list's SQL: ready tasks (engine ``task``) joined to their case
(``dispute_case``, same instance), filtered, ordered, counted up to a cap.

Tuned on PostgreSQL with 100,000 cases (``bench/worklist.py``): the partial indexes of
migration 0005 serve "open to my roles" and "claimed by me"; the count adds the two up as
a UNION ALL so each half reads its index alone.

A task of a process without a case (a rising-risk alert) has its region on its
``risk_alert`` row: a 县综治中心 user's region scope admits it by an ``instance_id IN
(alerts of my regions)`` branch, an index-only subquery rather than another join.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from engine.enums import TaskStatus
from engine.models import TaskRecord
from processes.models import Case, Party, RiskAlert, Summons
from processes.roles import Role

from ..scope import in_scope
from .filters import Clock, DueFilter, Filters, SortKey, Viewer

RISK_ORDER = {"红": 0, "橙": 1, "黄": 2, "绿": 3}
READY = literal(TaskStatus.READY.value, literal_execute=True)
"""Written into the SQL (not a parameter) so PostgreSQL matches the partial indexes."""


def prefer_custom_plans(session: Session) -> None:
    """psycopg prepares a statement run five times and PostgreSQL may then keep one generic
    plan for it, blind to which roles and regions are asked: 10x slower here. Plan each
    run for its own values, for the rest of this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def joined() -> ColumnElement[bool]:
    return Case.instance_id == TaskRecord.instance_id


def from_tasks(statement: Select) -> Select:
    """``task`` joined to its case; an outer join, so an unrestricted user also sees tasks of
    processes without a case (any region scope filters those out). PostgreSQL still starts
    from either side; SQLite starts from ``task``, which suits broad (county) scopes."""
    return statement.select_from(TaskRecord).outerjoin(Case, joined())


# -- WHERE -----------------------------------------------------------------------------------


def offered_branches(viewer: Viewer, mine: bool) -> list[ColumnElement[bool]]:
    """The disjoint ways a task is offered: claimed by the viewer, or open to their roles."""
    claimed = TaskRecord.assignee == viewer.username
    if mine:
        return [claimed]
    open_to_roles = and_(
        TaskRecord.assignee.is_(None), TaskRecord.candidate_role.in_(sorted(viewer.roles))
    )
    return [claimed, open_to_roles]


def department_clause(viewer: Viewer) -> ColumnElement[bool]:
    """A 部门 liaison sees the 部门 tasks of cases their department is part of: summoned
    by a whistle, or named as the responsible unit; cases summoning no department at all
    (e.g. 法律服务) stay open to every department."""
    summons = select(Summons.id).where(Summons.case_id == Case.id)
    ours = summons.where(Summons.department == viewer.department)
    return or_(
        TaskRecord.candidate_role != Role.DEPARTMENT,
        TaskRecord.assignee == viewer.username,
        ~exists(summons),
        exists(ours),
        Case.responsible_unit == viewer.department,
    )


def search_clause(q: str) -> ColumnElement[bool]:
    """A part of the case code, or a party's full name or phone number (matched on the
    stored value; lists show it masked)."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    by_code = select(Case.id).where(Case.code.like(f"%{escaped}%", escape="\\"))
    by_phone = select(Party.case_id).where(Party.phone == q)
    by_name = select(Party.case_id).where(Party.name == q)
    return Case.id.in_(union(by_code, by_phone, by_name))


def due_clause(due: DueFilter, clock: Clock | None) -> ColumnElement[bool]:
    if clock is None:
        raise ValueError("filtering by deadline needs a clock")
    if due == DueFilter.OVERDUE:
        return TaskRecord.due_at < clock.now
    return and_(TaskRecord.due_at >= clock.now, TaskRecord.due_at < clock.near_until)


def scope_clause(viewer: Viewer) -> ColumnElement[bool]:
    """Tasks of cases in the viewer's regions; for a 县综治中心 user also the tasks of the
    rising-risk alerts raised for those regions (processes without a case)."""
    by_case = in_scope(Case.region_code, viewer.scope)
    if viewer.scope is None or Role.COUNTY_CENTER not in viewer.roles:
        return by_case
    alerts = select(RiskAlert.instance_id).where(RiskAlert.region_code.in_(sorted(viewer.scope)))
    return or_(by_case, TaskRecord.instance_id.in_(alerts))


def common_clauses(viewer: Viewer, filters: Filters, clock: Clock | None = None) -> list:
    """Everything but how the task is offered: ready, in scope, the filters."""
    clauses = [TaskRecord.status == READY, scope_clause(viewer)]
    if viewer.department:
        clauses.append(department_clause(viewer))
    if filters.q:
        clauses.append(search_clause(filters.q))
    if filters.risk:
        clauses.append(Case.risk_colour == filters.risk)
    if filters.due != DueFilter.ALL:
        clauses.append(due_clause(filters.due, clock))
    return clauses


def where(viewer: Viewer, filters: Filters, clock: Clock | None = None) -> list:
    branches = offered_branches(viewer, filters.mine)
    return [*common_clauses(viewer, filters, clock), or_(*branches)]


# -- SELECT ----------------------------------------------------------------------------------


def _risk_rank():
    return case(RISK_ORDER, value=Case.risk_colour, else_=len(RISK_ORDER))


def order(sort: SortKey) -> list:
    by_due = [TaskRecord.due_at.asc().nulls_last(), TaskRecord.created_at, TaskRecord.id]
    if sort == SortKey.RECEIVED:
        return [Case.received_at.desc().nulls_last(), TaskRecord.id]
    if sort == SortKey.RISK:
        return [_risk_rank(), *by_due]
    return by_due


def rows(clauses: Sequence) -> Select:
    columns = select(
        TaskRecord.id,
        TaskRecord.name,
        TaskRecord.due_at,
        TaskRecord.assignee,
        TaskRecord.instance_id,
        Case.id.label("case_id"),
        Case.code,
        Case.dispute_type,
        Case.level,
        Case.risk_colour,
        Case.received_at,
    )
    return from_tasks(columns).where(*clauses)


def capped_count(
    session: Session, viewer: Viewer, filters: Filters, clock: Clock | None, cap: int
) -> int:
    """Matching tasks, counting no further than ``cap + 1``."""
    common = common_clauses(viewer, filters, clock)
    one = select(literal(1).label("one"))
    halves = [
        from_tasks(one).where(*common, branch) for branch in offered_branches(viewer, filters.mine)
    ]
    matching = (union_all(*halves) if len(halves) > 1 else halves[0]).subquery()
    limited = select(matching.c.one).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0
