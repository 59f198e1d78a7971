"""The work list's SQL: ready tasks (engine ``task``) joined to their case
(``dispute_case``, same instance), filtered, ordered, counted up to a cap.

Tuned on PostgreSQL with 100,000 cases (``bench/worklist.py``): the partial indexes of
migration 0005 serve "open to my roles" and "claimed by me"; the count adds the two up as
a UNION ALL so each half reads its index alone.

A task is offered (``offered_branches``, the engine's rule in ``engine.offers``) to its
assignee (and their stand-in), else to the holders of its lane, or, when its diagram named
candidates (``open_to_lane`` false), to those of them who are a candidate user or in a
candidate unit (``task_candidate``, rows of ready tasks only). Whether the viewer is a
candidate of anything is asked first (``has_candidate_tasks``, one index probe); only then
does the list carry the third branch, so every other list keeps its tuned query.

A task of a process without a case (a rising-risk alert) has its region on its
``risk_alert`` row. The few alert processes of a 县综治中心 user's regions still running
are looked up first (``open_alert_instances``); only when there are any, their tasks join
the list as a second, tiny ``UNION ALL`` arm (and a second pair of count halves). A scope
that admits a task without a case in the same WHERE keeps the join outer and changed the
county's plans (up to +70% on the received-order list, measured); the arms keep the cases'
query exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.selectable import Exists, ScalarSelect, SelectBase

from engine.enums import TaskStatus
from engine.models import TaskCandidate, TaskRecord
from processes.models import Case, Party, Summons
from processes.reports.alerts import running_alert_instances
from processes.roles import Role
from processes.task_rank import rank_of

from ..list_plans import prefer_custom_plans as prefer_custom_plans  # the list's callers
from ..scope import in_scope
from .filters import Clock, DueFilter, Filters, SortKey, Viewer

READY = literal(TaskStatus.READY.value, literal_execute=True)
"""Written into the SQL (not a parameter) so PostgreSQL matches the partial indexes."""


def joined() -> ColumnElement[bool]:
    return Case.instance_id == TaskRecord.instance_id


def from_tasks(statement: Select) -> Select:
    """``task`` joined to its case; an outer join, so an unrestricted user also sees tasks of
    processes without a case (any region scope filters those out). PostgreSQL still starts
    from either side; SQLite starts from ``task``, which suits broad (county) scopes."""
    return statement.select_from(TaskRecord).outerjoin(Case, joined())


# -- WHERE -----------------------------------------------------------------------------------


def offered_branches(viewer: Viewer, mine: bool) -> list[ColumnElement[bool]]:
    """The disjoint ways a task is offered: assigned to the viewer (or to someone they
    stand in for), open to their roles, or (``Viewer.candidate_tasks``) restricted to
    candidates among whom they are."""
    holders = viewer.holders
    assigned = (
        TaskRecord.assignee == holders[0] if len(holders) == 1 else TaskRecord.assignee.in_(holders)
    )
    if mine:
        return [assigned]
    unassigned_in_lane = [
        TaskRecord.assignee.is_(None),
        TaskRecord.candidate_role.in_(sorted(viewer.roles)),
    ]
    open_to_roles = and_(*unassigned_in_lane, TaskRecord.open_to_lane, *old_department_rule(viewer))
    if not viewer.candidate_tasks:
        return [assigned, open_to_roles]
    candidate = and_(*unassigned_in_lane, TaskRecord.id.in_(candidate_task_ids(viewer)))
    return [assigned, open_to_roles, candidate]


def candidate_match(viewer: Viewer) -> ColumnElement[bool]:
    clauses = [TaskCandidate.username == viewer.username]
    if viewer.units:
        clauses.append(TaskCandidate.unit_code.in_(sorted(viewer.units)))
    return or_(*clauses)


def candidate_task_ids(viewer: Viewer) -> Select:
    """The ready tasks naming the viewer or one of their units a candidate."""
    return select(TaskCandidate.task_id).where(candidate_match(viewer))


def has_candidate_tasks(session: Session, viewer: Viewer) -> bool:
    """Whether any unassigned ready task of the viewer's lanes names them (or a unit of
    theirs) a candidate: one probe of ``task_candidate`` by user and unit."""
    query = select(TaskCandidate.id).where(
        candidate_match(viewer),
        TaskRecord.id == TaskCandidate.task_id,
        TaskRecord.status == READY,
        TaskRecord.assignee.is_(None),
        TaskRecord.candidate_role.in_(sorted(viewer.roles)),
    )
    return session.connection().scalar(query.limit(1)) is not None


def old_department_rule(viewer: Viewer) -> list[ColumnElement[bool]]:
    """For a 部门 liaison, the rule for 部门 tasks open to the whole lane (diagram versions
    from before ``candidateUnits``, still running): the 部门 tasks of cases their
    department is part of. A task that names its units is offered by them instead."""
    return [department_clause(viewer)] if viewer.department else []


def department_clause(viewer: Viewer) -> ColumnElement[bool]:
    """A 部门 liaison sees the open 部门 tasks of cases their department is part of:
    summoned by a whistle, or named as the responsible unit; cases summoning no department
    at all (e.g. 法律服务) stay open to every department."""
    summons = select(Summons.id).where(Summons.case_id == Case.id).correlate_except(Summons)
    ours = summons.where(Summons.department == viewer.department)
    return or_(
        TaskRecord.candidate_role != Role.DEPARTMENT,
        ~exists(summons),
        exists(ours),
        Case.responsible_unit == viewer.department,
    )


def search_clause(q: str) -> ColumnElement[bool]:
    """A part of the case code, or a party's full name or phone number (matched on the
    stored value; lists show it masked)."""
    if CODE_LIKE.fullmatch(q) is None:  # a name: a code holds only digits and hyphens,
        # and a part of one as short as a name matched every code's trigrams (55 ms)
        return Case.id.in_(select(Party.case_id).where(Party.name == q))
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    by_code = select(Case.id).where(Case.code.like(f"%{escaped}%", escape="\\"))
    by_phone = select(Party.case_id).where(Party.phone == q)
    return Case.id.in_(union(by_code, by_phone))


CODE_LIKE = re.compile(r"[0-9-]+")
"""What a case code or a phone number (or a part of either) looks like."""


def due_clause(due: DueFilter, clock: Clock | None) -> ColumnElement[bool]:
    if clock is None:
        raise ValueError("filtering by deadline needs a clock")
    if due == DueFilter.OVERDUE:
        return TaskRecord.due_at < clock.now
    return and_(TaskRecord.due_at >= clock.now, TaskRecord.due_at < clock.near_until)


def scopes(viewer: Viewer, *, counting: bool = False) -> list[ColumnElement[bool]]:
    """The disjoint ways a task lies in the viewer's regions: by its case; and, when the
    viewer has waiting rising-risk alerts (``Viewer.alert_instances``), as a task of one
    of those alerts' processes, which have no case. ``counting``: every region by the
    task's copy too (a county's count then reads (lane, region) alone, not 1,000 cases;
    a page keeps its case's: walking the lane in deadline order stops at the page's end)."""
    by_case = in_scope(Case.region_code, viewer.scope)
    everything = getattr(viewer.scope, "everything", False)
    if viewer.scope is not None and (counting or not everything):
        # by the task's copy of its case's region (``processes.task_rank``; only a task
        # of a case has one): a township's arms read their lanes' tasks of its regions
        # from (lane, region, deadline) instead of walking the county's whole lane (5,400
        # buffers, 120 ms), and sort them before joining only a page of them to their case
        by_case = in_scope(TaskRecord.region_code, viewer.scope)
    if viewer.scope is None or not viewer.alert_instances:
        return [by_case]
    alerts = TaskRecord.instance_id.in_(sorted(viewer.alert_instances))
    return [by_case, and_(Case.id.is_(None), alerts)]


def open_alert_instances(session: Session, viewer: Viewer) -> frozenset[int]:
    """For a 县综治中心 user with a region: the running alert processes of their regions."""
    if viewer.scope is None or Role.COUNTY_CENTER not in viewer.roles:
        return frozenset()
    return running_alert_instances(session, viewer.scope)


def common_clauses(
    viewer: Viewer,
    filters: Filters,
    clock: Clock | None = None,
    scope: ColumnElement[bool] | None = None,
) -> list:
    """Everything but how the task is offered: ready, in scope (one of ``scopes``, or any
    of them), the filters."""
    clauses = [TaskRecord.status == READY, or_(*scopes(viewer)) if scope is None else scope]
    if filters.q:
        clauses.append(search_clause(filters.q))
    if filters.risk:  # the task's copy of the colour lets a lane's rank index serve it
        clauses += [Case.risk_colour == filters.risk, TaskRecord.sort_rank == rank_of(filters.risk)]
    if filters.due != DueFilter.ALL:
        clauses.append(due_clause(filters.due, clock))
    return clauses


def where(
    viewer: Viewer,
    filters: Filters,
    clock: Clock | None = None,
    scope: ColumnElement[bool] | None = None,
) -> list:
    branches = offered_branches(viewer, filters.mine)
    return [*common_clauses(viewer, filters, clock, scope), or_(*branches)]


# -- SELECT ----------------------------------------------------------------------------------


def order(sort: SortKey, columns: Any = None, *, reverse: bool = False) -> list:
    """The list's order, over the task and case columns (or ``columns`` of a subquery of
    ``rows``, or any object with such attributes); ``reverse``: the same order backwards
    (a page before a row, read walking back from it)."""
    c = columns
    due_at = TaskRecord.due_at if c is None else c.due_at
    instance_id = TaskRecord.instance_id if c is None else c.instance_id
    task_id = TaskRecord.id if c is None else c.id
    if sort == SortKey.RECEIVED:  # the case's received time, copied onto its ready tasks
        received_at = TaskRecord.received_at if c is None else c.received_at
        return [_nulls_last(received_at, True, reverse), _ascending(task_id, reverse)]
    # ties (and tasks without a deadline) by instance, as the lanes' indexes hold them
    # after the deadline: an undated page then reads on in the index instead of sorting
    # every undated task of the lane by creation (3,400 for a county's lane, 60 ms)
    ties = (_ascending(instance_id, reverse), _ascending(task_id, reverse))
    by_due = [_nulls_last(due_at, False, reverse), *ties]
    if sort == SortKey.RISK:  # the case's colour, copied onto its ready tasks
        rank = TaskRecord.sort_rank if c is None else c.sort_rank
        return [_ascending(rank, reverse), *by_due]
    return by_due


def _nulls_last(column, descending: bool, reverse: bool):
    """``column`` ascending (or ``descending``) with nulls last; all of it backwards when
    ``reverse`` (nulls first)."""
    if reverse:
        return (column.asc() if descending else column.desc()).nulls_first()
    return (column.desc() if descending else column.asc()).nulls_last()


def _ascending(column, reverse: bool):
    return column.desc() if reverse else column.asc()


TASK_COLUMNS = (
    TaskRecord.id,
    TaskRecord.name,
    TaskRecord.due_at,
    TaskRecord.assignee,
    TaskRecord.instance_id,
    TaskRecord.created_at,
    TaskRecord.item,
    TaskRecord.sort_rank,
)
CASE_COLUMNS = (
    Case.id.label("case_id"),
    Case.code,
    Case.dispute_type,
    Case.level,
    Case.risk_colour,
    Case.received_at,
)


def rows(clauses: Sequence) -> Select:
    return from_tasks(select(*TASK_COLUMNS, *CASE_COLUMNS)).where(*clauses)


def _counted(one: Select, clauses: list) -> Select:
    """``one`` per task matching ``clauses``; joined to the case only when a clause reads
    it (a township's count by the task's region alone joined 1,200 cases for nothing: the
    case's ``instance_id`` is not unique, so PostgreSQL keeps the outer join)."""
    if reads_case(clauses):
        return from_tasks(one).where(*clauses)
    return one.select_from(TaskRecord).where(*clauses)


def reads_case(clauses: Sequence) -> bool:
    """Whether a clause reads a column of the case outside a sub-query (one of its own,
    such as a search's). Walked by hand: asking the statement for its FROM list compiled
    it, 0.5 ms per count part, 4 ms for a user holding every lane."""
    case = Case.__table__
    stack = list(clauses)
    while stack:
        element = stack.pop()
        if isinstance(element, ColumnClause):
            if element.table is case:
                return True
        elif not isinstance(element, SelectBase | Exists | ScalarSelect):
            stack.extend(element.get_children())
    return False


def capped_count(
    session: Session,
    viewer: Viewer,
    filters: Filters,
    clock: Clock | None,
    cap: int,
    branches: list[ColumnElement[bool]] | None = None,
) -> int:
    """Matching tasks, counting no further than ``cap + 1``; one part per way a task is
    offered (``branches``, by default ``offered_branches``)."""
    one = select(literal(1).label("one"))
    ways = branches or offered_branches(viewer, filters.mine)
    halves = [
        _counted(one, [*common, branch])
        for common in (
            common_clauses(viewer, filters, clock, scope) for scope in scopes(viewer, counting=True)
        )
        for branch in ways
    ]
    matching = (union_all(*halves) if len(halves) > 1 else halves[0]).subquery()
    limited = select(matching.c.one).limit(cap + 1).subquery()
    return session.connection().scalar(select(func.count()).select_from(limited)) or 0
