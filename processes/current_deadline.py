"""What deadline is running now, for a case and for a task: one answer for every page.

Read from the projections only (``dispute_case``, ``task``), never from a workflow:

- a **task**'s deadline is its projected due time (the earliest one-shot timer on its
  boundary or around it, ``engine.projection.task_deadline``) while it waits to be done;
  once completed or withdrawn it has none;
- a **case**'s deadline is the one its diagrams keep on the case (``Case.due_at``: a
  level's slice, the 四定 deadline, the mediation limit) while it is open (已受理, 办理中);
  when they keep none, the earliest due time among its waiting tasks (e.g. 法律服务);
  a resolved case (已化解, waiting for its callback) and an ended one (已结案, 已引导,
  已退回, 已撤销) have none: their handling deadline is met, whatever ``due_at`` still holds.
  Its waiting tasks (a 二次督办, a 司法确认 reminder) show their own deadlines.

Lists ask ``case_deadlines`` once per page (one query for the cases that need their
tasks' due times), never once per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from engine.enums import TaskStatus
from engine.models import TaskRecord

from .enums import CaseStatus
from .models import Case

OPEN_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.HANDLING})
"""A case in one of these states has a deadline running (if its diagrams set one)."""


class DeadlineState(StrEnum):
    """Whether a deadline runs, and if not, why not."""

    RUNNING = "running"
    """A deadline runs: ``at`` is it."""
    UNTIMED = "untimed"
    """Open, but nothing of it is timed (e.g. 分流研判)."""
    RESOLVED = "resolved"
    """The case is resolved and waits for its callback: its handling deadline is met."""
    ENDED = "ended"
    """The case is closed, guided elsewhere, returned or cancelled."""
    DONE = "done"
    """The task was completed."""
    WITHDRAWN = "withdrawn"
    """The task was withdrawn (its branch ended, a timer interrupted it)."""


NOTES: Mapping[DeadlineState, str] = {
    DeadlineState.UNTIMED: "无时限",
    DeadlineState.RESOLVED: "已化解",
    DeadlineState.ENDED: "已办结",
    DeadlineState.DONE: "已办理",
    DeadlineState.WITHDRAWN: "已撤销",
}
"""What a page shows in place of a countdown when no deadline runs."""


@dataclass(frozen=True)
class CurrentDeadline:
    state: DeadlineState
    at: datetime | None = None
    """The deadline (UTC-aware as stored) when ``state`` is RUNNING, else None."""

    @property
    def running(self) -> bool:
        return self.state == DeadlineState.RUNNING

    @property
    def note(self) -> str:
        """The words for a deadline that does not run (empty when one does)."""
        return NOTES.get(self.state, "")


class CaseLike(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...


class TaskLike(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...


UNTIMED = CurrentDeadline(DeadlineState.UNTIMED)


def case_deadline(case: CaseLike, *, task_dues: Iterable[datetime | None] = ()) -> CurrentDeadline:
    """The deadline running on ``case`` now; ``task_dues``: the due times of its waiting
    tasks (only read when the case is open and keeps no deadline of its own)."""
    if case.status == CaseStatus.RESOLVED:
        return CurrentDeadline(DeadlineState.RESOLVED)
    if case.status not in OPEN_STATUSES:
        return CurrentDeadline(DeadlineState.ENDED)
    if case.due_at is not None:
        return CurrentDeadline(DeadlineState.RUNNING, case.due_at)
    return _earliest(task_dues)


def task_deadline(task: TaskLike) -> CurrentDeadline:
    """The deadline running on a task now: its due time while it waits, none after."""
    if task.status == TaskStatus.COMPLETED:
        return CurrentDeadline(DeadlineState.DONE)
    if task.status == TaskStatus.CANCELLED:
        return CurrentDeadline(DeadlineState.WITHDRAWN)
    return _earliest([task.due_at])


def _earliest(dues: Iterable[datetime | None]) -> CurrentDeadline:
    found = min((due for due in dues if due is not None), default=None)
    return UNTIMED if found is None else CurrentDeadline(DeadlineState.RUNNING, found)


class ListedCase(CaseLike, Protocol):
    @property
    def id(self) -> int: ...
    @property
    def instance_id(self) -> int | None: ...


def case_deadlines(session: Session, cases: Iterable[ListedCase]) -> dict[int, CurrentDeadline]:
    """``case_deadline`` of each case, by case id, with one query at most: the earliest
    waiting-task due time of the open cases that keep no deadline of their own."""
    cases = list(cases)
    asking = [
        case.instance_id
        for case in cases
        if case.status in OPEN_STATUSES and case.due_at is None and case.instance_id is not None
    ]
    earliest = earliest_task_dues(session, asking)
    return {
        case.id: case_deadline(case, task_dues=[earliest.get(case.instance_id or 0)])
        for case in cases
    }


def earliest_task_dues(session: Session, instance_ids: Iterable[int]) -> dict[int, datetime]:
    """The earliest due time among each instance's waiting tasks (instances with none are
    left out): one grouped query on ``task`` (``ix_task_instance_id``)."""
    ids = sorted(set(instance_ids))
    if not ids:
        return {}
    query = (
        select(TaskRecord.instance_id, func.min(TaskRecord.due_at))
        .where(
            TaskRecord.instance_id.in_(ids),
            TaskRecord.status == TaskStatus.READY,
            TaskRecord.due_at.is_not(None),
        )
        .group_by(TaskRecord.instance_id)
    )
    return {instance_id: due for instance_id, due in session.execute(query)}


def deadline_before(moment: datetime) -> ColumnElement[bool]:
    """SQL on ``dispute_case``: its current deadline (as ``case_deadline`` reads it) falls
    before ``moment`` (a list's 超期 filter)."""
    late = select(TaskRecord.id).where(
        TaskRecord.instance_id == Case.instance_id,
        TaskRecord.status == TaskStatus.READY,
        TaskRecord.due_at < moment,
    )
    # OFFSET 0 keeps the probe per case (its instance's few tasks, by index), asked only of
    # the open cases without their own deadline: PostgreSQL otherwise hashed every overdue
    # ready task first (28,000 at 100,000 cases, 8 ms per statement, bench/worklist.py)
    late_task = late.offset(0).exists()
    own_or_tasks = or_(Case.due_at < moment, and_(Case.due_at.is_(None), late_task))
    return and_(Case.status.in_(sorted(OPEN_STATUSES)), own_or_tasks)
