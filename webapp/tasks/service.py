"""我的待办: the ready tasks a user may act on, read from the projection tables only.

One SQL statement over ``task`` joined to ``dispute_case`` (the instance runs the case's
call activities too) gives a page; the first party, the type names and the claimers'
names are then read for that page's rows alone. The count stops at ``COUNT_CAP``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.enums import TaskStatus
from engine.models import TaskRecord
from processes.calendar import WorkCalendar
from processes.deadlines import SHANGHAI, local
from processes.masking import mask_name
from processes.models import Case, Department, DisputeType, Party, Summons
from processes.roles import Role

from ..accounts.models import User
from ..scope import in_scope

PER_PAGE = 50
COUNT_CAP = 2000
"""Counting stops here: a page says "2000+" rather than counting a county's whole list."""
RISK_ORDER = {"红": 0, "橙": 1, "黄": 2, "绿": 3}


class SortKey(StrEnum):
    """How the list is ordered."""

    DUE = "due"
    """Earliest deadline first, tasks without one last (the default)."""
    RECEIVED = "received"
    """Most recently received cases first."""
    RISK = "risk"
    """Red first, then by deadline."""


class DueFilter(StrEnum):
    ALL = ""
    OVERDUE = "overdue"
    NEAR = "near"
    """Not yet overdue, but due by the end of the next working day or within 24 hours."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their name, roles, region scope and (部门 liaisons) department."""

    username: str
    roles: frozenset[str]
    scope: frozenset[str] | None = None
    """Region codes the user may see; ``None``: every region."""
    department: str | None = None
    """The department's name as summonses record it, for a 部门 liaison with one."""


@dataclass(frozen=True)
class Filters:
    q: str = ""
    """A case code (or part of one), or a party's full name or phone number."""
    risk: str = ""
    due: DueFilter = DueFilter.ALL
    mine: bool = False
    """Only tasks the viewer has claimed."""
    sort: SortKey = SortKey.DUE


@dataclass(frozen=True)
class WorkItem:
    task_id: str
    task_name: str
    case_id: int
    case_code: str
    dispute_type: str
    party: str
    """The first party's name, masked."""
    level: str
    risk_colour: str
    due_at: datetime | None
    received_at: datetime
    assignee: str | None
    assignee_name: str | None


@dataclass(frozen=True)
class Page:
    items: list[WorkItem]
    number: int
    per_page: int
    total: int
    """Matching tasks, counted up to ``COUNT_CAP`` (``capped`` says it went past)."""
    capped: bool
    has_next: bool = field(default=False)

    @property
    def last(self) -> int | None:
        """The last page's number, unless the count was capped."""
        return None if self.capped else max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Clock:
    """``now`` and where near-due ends (see ``near_until``)."""

    now: datetime
    near_until: datetime


def near_until(now: datetime, calendar: WorkCalendar) -> datetime:
    """A deadline before this is near-due (``webapp.due``): today or the next working day,
    or within 24 hours."""
    second = calendar.next_workday(calendar.next_workday(local(now).date()))
    midnight = datetime.combine(second, datetime.min.time(), tzinfo=SHANGHAI)
    return max(midnight, now + timedelta(hours=24))


def department_name(session: Session, user) -> str | None:
    """The name summonses use for ``user``'s department, if they are a 部门 liaison."""
    if Role.DEPARTMENT not in user.roles or not user.department_code:
        return None
    return session.get(Department, user.department_code).name


# -- the query ------------------------------------------------------------------------------


def _offered(viewer: Viewer, mine: bool):
    if mine:
        return TaskRecord.assignee == viewer.username
    open_to_roles = and_(
        TaskRecord.assignee.is_(None), TaskRecord.candidate_role.in_(sorted(viewer.roles))
    )
    return or_(TaskRecord.assignee == viewer.username, open_to_roles)


def _department_clause(viewer: Viewer):
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


def _search_clause(q: str):
    parties = select(Party.case_id).where(or_(Party.phone == q, Party.name == q))
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(Case.code.like(f"%{escaped}%", escape="\\"), Case.id.in_(parties))


def _due_clause(due: DueFilter, clock: Clock | None):
    if clock is None:
        raise ValueError("filtering by deadline needs a clock")
    if due == DueFilter.OVERDUE:
        return TaskRecord.due_at < clock.now
    return and_(TaskRecord.due_at >= clock.now, TaskRecord.due_at < clock.near_until)


def _where(viewer: Viewer, filters: Filters, clock: Clock | None = None) -> list:
    clauses = [
        TaskRecord.status == TaskStatus.READY,
        _offered(viewer, filters.mine),
        in_scope(Case.region_code, viewer.scope),
    ]
    if viewer.department:
        clauses.append(_department_clause(viewer))
    if filters.q:
        clauses.append(_search_clause(filters.q))
    if filters.risk:
        clauses.append(Case.risk_colour == filters.risk)
    if filters.due != DueFilter.ALL:
        clauses.append(_due_clause(filters.due, clock))
    return clauses


def _joined():
    return Case.instance_id == TaskRecord.instance_id


def _risk_rank():
    return case(RISK_ORDER, value=Case.risk_colour, else_=len(RISK_ORDER))


def _order(sort: SortKey) -> list:
    by_due = [TaskRecord.due_at.asc().nulls_last(), TaskRecord.created_at, TaskRecord.id]
    if sort == SortKey.RECEIVED:
        return [Case.received_at.desc(), TaskRecord.id]
    if sort == SortKey.RISK:
        return [_risk_rank(), *by_due]
    return by_due


def _rows_query(where: Sequence) -> Select:
    return (
        select(
            TaskRecord.id,
            TaskRecord.name,
            TaskRecord.due_at,
            TaskRecord.assignee,
            Case.id.label("case_id"),
            Case.code,
            Case.dispute_type,
            Case.level,
            Case.risk_colour,
            Case.received_at,
        )
        .select_from(TaskRecord)
        .join(Case, _joined())
        .where(*where)
    )


def _capped_count(session: Session, where: Sequence) -> int:
    matching = (
        select(literal(1))
        .select_from(TaskRecord)
        .join(Case, _joined())
        .where(*where)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(matching)) or 0


def work_list(
    session: Session,
    *,
    viewer: Viewer,
    filters: Filters,
    clock: Clock,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the tasks ``viewer`` may act on, matching ``filters``."""
    page = max(1, page)
    where = _where(viewer, filters, clock)
    query = _rows_query(where).order_by(*_order(filters.sort))
    rows = session.execute(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    has_next = len(rows) > per_page
    if has_next or (page > 1 and not rows):
        total = _capped_count(session, where)
    else:  # the last page: everything before it was full
        total = (page - 1) * per_page + len(rows)
    capped = total > COUNT_CAP
    items = _items(session, rows[:per_page])
    return Page(items, page, per_page, min(total, COUNT_CAP), capped, has_next)


def next_task(session: Session, *, viewer: Viewer, instance_id: int) -> str | None:
    """The id of a ready task of the same case the viewer may act on next, if any."""
    where = [*_where(viewer, Filters()), TaskRecord.instance_id == instance_id]
    query = select(TaskRecord.id).select_from(TaskRecord).join(Case, _joined()).where(*where)
    return session.scalar(query.order_by(*_order(SortKey.DUE)).limit(1))


def count_offered(session: Session, viewer: Viewer) -> int:
    """How many tasks wait for ``viewer`` (up to ``COUNT_CAP``): the home page's figure."""
    return _capped_count(session, _where(viewer, Filters()))


# -- the page's rows --------------------------------------------------------------------------


def _items(session: Session, rows: Sequence) -> list[WorkItem]:
    parties = first_parties(session, [row.case_id for row in rows])
    types = _type_names(session, {row.dispute_type for row in rows})
    names = _display_names(session, {row.assignee for row in rows if row.assignee})
    return [
        WorkItem(
            task_id=row.id,
            task_name=row.name,
            case_id=row.case_id,
            case_code=row.code or "（未赋码）",
            dispute_type=types.get(row.dispute_type, row.dispute_type),
            party=mask_name(parties.get(row.case_id)),
            level=row.level or "",
            risk_colour=row.risk_colour or "",
            due_at=row.due_at,
            received_at=row.received_at,
            assignee=row.assignee,
            assignee_name=names.get(row.assignee) if row.assignee else None,
        )
        for row in rows
    ]


def first_parties(session: Session, case_ids: Iterable[int]) -> dict[int, str]:
    """Each case's first registered party's (unmasked) name."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    query = select(Party.case_id, Party.name).where(Party.case_id.in_(ids)).order_by(Party.id)
    first: dict[int, str] = {}
    for case_id, name in session.execute(query):
        first.setdefault(case_id, name)
    return first


def _type_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    query = select(DisputeType.code, DisputeType.name).where(DisputeType.code.in_(codes))
    return dict(session.execute(query).all())


def _display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    query = select(User.username, User.display_name).where(User.username.in_(usernames))
    return dict(session.execute(query).all())
