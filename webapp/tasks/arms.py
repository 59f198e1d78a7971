"""One page of the work list as arms: one sub-query per scope and per way a task is offered,
each reading one index in the list's order and cut at the page's end, then merged
(``bench/worklist.py``, 100,000 cases on PostgreSQL)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Select,
    and_,
    any_,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from engine.models import TaskCandidate, TaskRecord
from processes.models import Case

from .filters import Clock, Filters, SortKey, Viewer
from .keyset import Columns
from .query import (
    CASE_COLUMNS,
    TASK_COLUMNS,
    candidate_match,
    common_clauses,
    offered_branches,
    order,
    reads_case,
    rows,
    scopes,
)

Bound = Callable[[Columns], list]
"""A page's range over the sort key's columns (``keyset.ranges``), given where to read them."""


def page_rows(
    viewer: Viewer,
    filters: Filters,
    clock: Clock | None,
    *,
    offset: int,
    limit: int,
    postgresql: bool = False,
    bound: Bound | None = None,
    reverse: bool = False,
) -> Select:
    """``limit`` rows from ``offset`` in the list's order: one arm per scope and per way the
    task is offered, each ordered and cut at ``offset + limit``, then merged. Each arm walks
    one index in deadline order (sorted by risk: in rank then deadline order; newest
    received first: in received order; the case's colour and received time being copied
    onto its tasks, ``processes.task_rank``) and stops at the page's end; an OR across
    lanes and holders read and sorted every matching row instead: 9,000 for a county user,
    100,000 for one holding every lane (``bench/worklist.py``). So on ``postgresql``;
    SQLite, whose planner walked the arms further than it sorted one query's rows (twice as
    slow with a filter), reads one arm per scope, as before.

    A seek page (``bound``, ``webapp.tasks.keyset``) reads from a row on, with no offset:
    each arm starts where its index holds the row's key; ``reverse`` walks backwards (the
    page before a row), in the opposite order."""
    split = postgresql and offset < DEEP
    branches = arm_branches(viewer, filters, split=split, walk_named=bound is None)
    cut = offset + limit if postgresql else None
    arms = [
        arm([*common, branch], filters.sort, bound=bound, reverse=reverse, cut=cut)
        for common in (common_clauses(viewer, filters, clock, scope) for scope in scopes(viewer))
        for branch in branches
    ]
    if len(arms) == 1:
        return arms[0].offset(offset).limit(limit)
    parts = [arm.limit(offset + limit) for arm in arms]
    if not postgresql:  # SQLite takes no parenthesised SELECT in a UNION: a subquery each
        parts = [select(arm.subquery()) for arm in parts]
    # PostgreSQL: each (SELECT … ORDER BY … LIMIT) as it is; reading each one's columns
    # through a subquery of its own cost more to build than the query took (4 ms of 8 arms)
    merged = union_all(*parts).subquery(MERGED)
    columns = merged_columns()
    ordered = order(filters.sort, columns, reverse=reverse)
    statement = select(*(value.label(key) for key, value in vars(columns).items()))
    return statement.select_from(merged).order_by(*ordered).offset(offset).limit(limit)


MERGED = "page"


@functools.cache
def merged_columns() -> SimpleNamespace:
    """The merged arms' columns (``query.TASK_COLUMNS`` and ``CASE_COLUMNS``) by name:
    asking the UNION of a dozen arms for its columns (``.c``) made a proxy of each column
    of each arm (3 ms of a page of a user holding every lane, ``bench/worklist.py``)."""
    return SimpleNamespace(
        **{
            column.key: literal_column(f"{MERGED}.{column.key}", column.type)
            for column in (*TASK_COLUMNS, *CASE_COLUMNS)
        }
    )


def arm(
    clauses: list,
    sort: SortKey,
    *,
    bound: Bound | None = None,
    reverse: bool = False,
    cut: int | None = None,
) -> Select:
    """One arm's rows in ``sort`` order (backwards when ``reverse``), within ``bound``;
    with ``cut``, when no clause reads the case, the first ``cut`` tasks are found and only
    they are joined to their case (``cut_then_joined``)."""
    within = bound(Columns()) if bound is not None else []
    clauses = [*clauses, *within]
    if cut is not None and not reads_case(clauses):
        return cut_then_joined(clauses, sort, cut, reverse=reverse)
    return rows(clauses).order_by(*order(sort, reverse=reverse))


def cut_then_joined(clauses: list, sort: SortKey, cut: int, *, reverse: bool) -> Select:
    """The first ``cut`` tasks matching ``clauses`` in ``sort`` order, then joined to their
    case. PostgreSQL joins before it sorts: a township's lane (its tasks of 21 regions read
    from (lane, region, deadline), 1,200 of them) probed 1,200 cases to keep 51 (6 ms)."""
    tasks = (
        select(*TASK_COLUMNS, TaskRecord.received_at.label("task_received_at"))
        .where(*clauses)
        .order_by(*order(sort, reverse=reverse))
        .limit(cut)
        .subquery()
    )
    c = tasks.c
    key = SimpleNamespace(
        due_at=c.due_at,
        instance_id=c.instance_id,
        id=c.id,
        sort_rank=c.sort_rank,
        received_at=c.task_received_at,
    )
    joined = tasks.outerjoin(Case, Case.instance_id == c.instance_id)
    statement = select(*(c[column.key] for column in TASK_COLUMNS), *CASE_COLUMNS)
    return statement.select_from(joined).order_by(*order(sort, key, reverse=reverse))


DEEP = 250
"""From this offset on, one arm per scope: every arm would read the pages before (8 lanes
of 1,000 rows on page 20 took longer than one sort)."""


def arm_branches(
    viewer: Viewer, filters: Filters, *, split: bool, walk_named: bool = False
) -> list[ColumnElement[bool]]:
    """The ways a task is offered: the viewer's own tasks, each lane apart (its partial
    index gives its tasks in deadline order), and those naming them a candidate (read from
    ``task_candidate``: an OR of own and candidate tasks made PostgreSQL read every ready
    task of a liaison's lane, 48 ms). One OR, as before, unless ``split`` (PostgreSQL, the
    first pages); for a user without a region; and searching (a few cases). The
    candidates' arm walks the lane's named tasks when ``walk_named`` (a first page: it
    stops at the page's end), else reads them by their ids (``named``). Kept per viewer
    (``_branches``): built anew they took 4 ms of a page of a user holding every lane."""
    searching = bool(filters.q)
    return list(_branches(viewer, filters.mine, searching, split=split, walk_named=walk_named))


@functools.lru_cache(maxsize=512)
def _branches(
    viewer: Viewer, mine: bool, searching: bool, *, split: bool, walk_named: bool
) -> tuple[ColumnElement[bool], ...]:
    if not split or searching or viewer.scope is None:
        return (or_(*offered_branches(viewer, mine)),)
    branches = offered_branches(viewer, mine)
    if mine or len(branches) == 1:
        return tuple(branches)
    candidates = [] if len(branches) < 3 else [walked(branches[2]) if walk_named else named(viewer)]
    if len(viewer.roles) == 1:
        return (*branches[:2], *candidates)
    lanes = [
        offered_branches(replace(viewer, roles=frozenset({role}), candidate_tasks=False), False)[1]
        for role in sorted(viewer.roles)
    ]
    return (branches[0], *lanes, *candidates)


def walked(candidate: ColumnElement[bool]) -> ColumnElement[bool]:
    """The candidates' arm of a first page, saying what is so (only a task not open to its
    lane has candidates, ``engine.taskrows``): it then walks the lane's few such tasks in
    the list's order (``ix_task_ready_named``) and stops at the page's end, instead of
    every unclaimed ready task (39,000 rows for a liaison's page 20, 27 ms). Not in an OR
    of every way (a search): there PostgreSQL read the three indexes into one bitmap
    (2,200 tasks) instead of the few cases' tasks."""
    return and_(candidate, ~TaskRecord.open_to_lane)


def named(viewer: Viewer) -> ColumnElement[bool]:
    """The candidates' arm of a seek page and of the count (PostgreSQL): the tasks naming
    the viewer, read by their ids gathered first into one array (``task_candidate`` holds
    rows of ready tasks only; as ``walked`` says, only tasks not open to their lane). The
    walk from a row on (``IN (SELECT …)``, PostgreSQL guessing 1 match) read every named
    task of the lane after it: a liaison's page 20 read 2,200 tasks and their cases to
    keep 147 (15,900 buffers, 19 ms); by the ids, its 447 candidate rows (2,400 buffers,
    4 ms). A first page's walk stops sooner (1.8 ms, by the ids 5.7 ms)."""
    ids = select(func.array_agg(TaskCandidate.task_id)).where(candidate_match(viewer))
    array = cast(ids.scalar_subquery(), ARRAY(TaskCandidate.task_id.type))  # not ANY (SELECT)
    return and_(
        TaskRecord.assignee.is_(None),
        # the lane as an expression no index holds: PostgreSQL, guessing 1 named task where
        # a liaison's lane holds 2,200, walked them filtering by the 447 ids (90 ms)
        TaskRecord.candidate_role.concat("").in_(sorted(viewer.roles)),
        TaskRecord.id == any_(array),
        ~TaskRecord.open_to_lane,
    )
