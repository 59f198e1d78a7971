"""Late work, read from the projection tables: cases and ready tasks overdue or near-due.

One board item per case: its running deadline (``dispute_case.due_at``, the ``overdue``
flag) and its late tasks (a ready task past or near its ``task.due_at``, or a 督办催办
waiting in the 督办员 lane). "Near" is ``webapp.due.due_info``'s near state, turned into a
cut-off time so the database can filter on its indexes:
``ix_dispute_case_status_due`` (status, due_at) and ``task.due_at`` / ``ix_task_status_role``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.enums import TaskStatus
from engine.models import TaskRecord
from processes.calendar import WorkCalendar
from processes.current_deadline import OPEN_STATUSES, CurrentDeadline, case_deadline
from processes.deadlines import SHANGHAI, local
from processes.holder import RegionNode, holder_unit, level_of
from processes.models import Case
from processes.roles import Role

from ..due import DueState
from ..scope import in_scope


def near_cutoff(now: datetime, calendar: WorkCalendar) -> datetime:
    """Deadlines before this are overdue or near-due by ``due_info``: the start of the second
    working day after today (a deadline on or before the next working day is near)."""
    next_day = calendar.next_workday(local(now).date())
    return datetime.combine(calendar.next_workday(next_day), time.min, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class CaseFacts:
    id: int
    code: str
    dispute_type: str
    status: str
    level: str | None
    owner_unit: str | None
    responsible_person: str | None
    case_leader: str | None
    risk_colour: str
    region_code: str
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class TaskFacts:
    id: str
    name: str
    lane: str | None
    assignee: str | None
    due_at: datetime | None
    supervision: bool
    """A 督办员 task (督办催办) waiting: the case is being supervised for a lapse."""
    status: str = TaskStatus.READY
    """The board reads waiting tasks only."""


@dataclass
class LateItem:
    case: CaseFacts
    unit: str
    level: str
    tasks: list[TaskFacts] = field(default_factory=list)
    state: DueState = DueState.NONE
    earliest_due: datetime | None = None
    """The earliest of the case's running deadline and its late tasks' due times."""

    def __post_init__(self) -> None:
        dues = [t.due_at for t in self.tasks if t.due_at is not None]
        if self.deadline.at is not None:
            dues.append(self.deadline.at)
        self.earliest_due = min(dues, default=None)

    @property
    def target(self) -> str:
        """Who a chase is aimed at: the unit holding the case, and its responsible person."""
        person = self.case.responsible_person
        return f"{self.unit}（{person}）" if person else self.unit

    @property
    def deadline(self) -> CurrentDeadline:
        """The case's current deadline; a case without one of its own that is listed
        here has a late task, whose due time is the earliest of its waiting ones."""
        return case_deadline(self.case, task_dues=[t.due_at for t in self.tasks])


_CASE_COLUMNS = (
    Case.id,
    Case.code,
    Case.dispute_type,
    Case.status,
    Case.level,
    Case.owner_unit,
    Case.responsible_person,
    Case.case_leader,
    Case.risk_colour,
    Case.region_code,
    Case.due_at,
    Case.overdue,
)


def late_items(
    session: Session,
    *,
    scope: frozenset[str] | None,
    now: datetime,
    cutoff: datetime,
    regions: Mapping[str, RegionNode],
    case_id: int | None = None,
) -> list[LateItem]:
    """Every case in ``scope`` with late work (or only ``case_id``'s, if given)."""
    cases = {c.id: c for c in _late_cases(session, scope, cutoff, case_id)}
    tasks: dict[int, dict[str, TaskFacts]] = {}
    for case, task in _late_tasks(session, scope, cutoff, case_id):
        cases.setdefault(case.id, case)
        tasks.setdefault(case.id, {})[task.id] = task
    classify = _Classifier(regions, now=now, cutoff=cutoff)
    items = [classify(case, _by_due(tasks.get(case.id, {}).values())) for case in cases.values()]
    return [item for item in items if item.state in (DueState.OVERDUE, DueState.NEAR)]


def _late_cases(session, scope, cutoff, case_id) -> list[CaseFacts]:
    query = select(*_CASE_COLUMNS).where(
        Case.status.in_(sorted(OPEN_STATUSES)),
        Case.due_at < cutoff,
        in_scope(Case.region_code, scope),
    )
    return [CaseFacts(*row) for row in session.execute(_only(query, case_id))]


_TASK_COLUMNS = (
    TaskRecord.id,
    TaskRecord.name,
    TaskRecord.lane,
    TaskRecord.assignee,
    TaskRecord.due_at,
    TaskRecord.candidate_role,
)


def _late_tasks(session, scope, cutoff, case_id) -> Iterator[tuple[CaseFacts, TaskFacts]]:
    """Ready tasks past or near their due time, and 督办 tasks waiting, with their cases."""
    base = (
        select(*_CASE_COLUMNS, *_TASK_COLUMNS)
        .join(Case, Case.instance_id == TaskRecord.instance_id)
        .where(TaskRecord.status == TaskStatus.READY, in_scope(Case.region_code, scope))
    )
    due = _only(base.where(TaskRecord.due_at < cutoff), case_id)
    chasing = _only(base.where(TaskRecord.candidate_role == Role.SUPERVISOR), case_id)
    width = len(_CASE_COLUMNS)
    for query in (due, chasing):
        for row in session.execute(query):
            task_id, name, lane, assignee, due_at, role = row[width:]
            supervision = role == Role.SUPERVISOR
            task = TaskFacts(task_id, name, lane, assignee, due_at, supervision)
            yield CaseFacts(*row[:width]), task


def _by_due(tasks: Iterable[TaskFacts]) -> list[TaskFacts]:
    """Earliest due first; 督办 tasks (no due time) last."""
    return sorted(tasks, key=lambda t: (t.due_at is None, t.due_at.timestamp() if t.due_at else 0))


def _only(query: Select, case_id: int | None) -> Select:
    return query if case_id is None else query.where(Case.id == case_id)


class _Classifier:
    """Names each case's unit (cached per level, owner and area) and its late state."""

    def __init__(self, regions: Mapping[str, RegionNode], *, now: datetime, cutoff: datetime):
        self.regions, self.now, self.cutoff = regions, now, cutoff
        self._units: dict[tuple[str | None, str | None, str], str] = {}

    def __call__(self, case: CaseFacts, tasks: list[TaskFacts]) -> LateItem:
        item = LateItem(case, self._unit(case), level_of(case.level), tasks)
        item.state = self._state(item)
        return item

    def _unit(self, case: CaseFacts) -> str:
        key = (case.level, case.owner_unit, case.region_code)
        if key not in self._units:
            self._units[key] = holder_unit(
                level=case.level,
                owner_unit=case.owner_unit,
                region_code=case.region_code,
                regions=self.regions,
            )
        return self._units[key]

    def _state(self, item: LateItem) -> DueState:
        """Overdue if anything of the case is past due (or 督办 waits); else near if any is."""
        if (item.case.status in OPEN_STATUSES and item.case.overdue) or any(
            t.supervision for t in item.tasks
        ):
            return DueState.OVERDUE
        earliest = item.earliest_due
        if earliest is None or earliest >= self.cutoff:
            return DueState.NONE
        return DueState.OVERDUE if earliest < self.now else DueState.NEAR
