"""The task projection rows a step writes: in one statement every row it changed (the
tasks that became ready, whole; those that left ``ready``, as read with their end), and
the ready tasks' candidates in one.

Only a task that was ready at the end of some step has a row, so the step reads rows only
for tasks that were ready before it (the one being completed is already held, read under
the instance lock). A task that becomes ready gets its whole row written whether or not
one exists (``INSERT … ON CONFLICT DO UPDATE``): no read is needed for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from . import projection, writes
from .assignment import NOBODY, Assignment
from .enums import TaskStatus
from .history import PendingEvent
from .models import Instance, TaskCandidate, TaskRecord
from .step import StepOutcome

_TASKS = TaskRecord.__table__
_TASK_KEYS = tuple(column.key for column in _TASKS.c)
_CANDIDATES = TaskCandidate.__table__
_OF_INSTANCE = ("sort_rank", "region_code", "received_at")
"""A task row's copies of its instance's columns (``engine.ranks``): on PostgreSQL written
from the instance row as it is then, whatever the step read."""


def drop_candidates(session: Session, task_ids: list[str]) -> None:
    """Candidate rows are for ready tasks only (the work list reads them)."""
    if task_ids:
        names = [f"t{i}" for i in range(len(task_ids))]

        def build():
            ids = [bindparam(name, type_=_CANDIDATES.c.task_id.type) for name in names]
            return delete(_CANDIDATES).where(_CANDIDATES.c.task_id.in_(ids))

        values = dict(zip(names, task_ids, strict=True))
        writes.stage(session, writes.Write(("drop_candidates", len(names)), build, values))


def _records(session: Session, outcome: StepOutcome, ids: set[str]) -> dict[str, TaskRecord]:
    """The rows of ``ids`` (tasks that left ``ready``): those the session holds, the rest
    of those that were ready before the step read in one ``IN`` query."""
    found, wanted = {}, []
    for task_id in ids:
        held = session.identity_map.get(identity_key(TaskRecord, task_id))
        if held is not None:
            found[task_id] = held
        elif outcome.states_before.get(task_id) == TaskState.READY:
            wanted.append(task_id)
    if wanted:
        query = select(TaskRecord).where(TaskRecord.id.in_(sorted(wanted)))
        found.update((r.id, r) for r in session.execute(query).scalars())
    return found


@dataclass
class _Staged:
    session: Session
    row: Instance
    now: datetime
    rows: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def ready(self, task, named: Assignment) -> None:
        """The ready task goes to whom the diagram named: its assignee, its candidates."""
        task_id = str(task.id)
        self.rows.append(
            {
                "id": task_id,
                "instance_id": self.row.id,
                "process_id": self.row.process_id,
                **projection.human_task_fields(task),
                "status": TaskStatus.READY,
                "created_at": self.now,
                "completed_at": None,
                "completed_by": None,
                "assignee": named.assignee,
                "candidate_unit": named.units[0] if named.units else None,
                "open_to_lane": not named.restricted,
                "sort_rank": self.row.sort_rank,
                "region_code": self.row.region_code,
                "received_at": self.row.received_at,
            }
        )
        self.candidates += [{"task_id": task_id, "username": u} for u in named.users]
        self.candidates += [{"task_id": task_id, "unit_code": u} for u in named.units]

    def finish(self, record: TaskRecord, status: TaskStatus, by: str | None) -> None:
        """The task left ``ready``: its row, as read, with its end (written with the
        ready ones, in the same statement)."""
        if not record.open_to_lane:  # only a task for named candidates has candidate rows
            self.dropped.append(record.id)
        row = {key: getattr(record, key) for key in _TASK_KEYS}
        row.update(status=status, completed_at=self.now, completed_by=by)
        self.rows.append(row)

    def write(self) -> None:
        drop_candidates(self.session, self.dropped)
        if self.rows:
            upsert = writes.rows_write(
                self.session, _TASKS, self.rows, conflict="id", from_instance=_OF_INSTANCE
            )
            writes.stage(self.session, upsert)
            for written in self.rows:  # a row the session holds is stale now
                held = self.session.identity_map.get(identity_key(TaskRecord, written["id"]))
                if held is not None:
                    self.session.expire(held)
        if self.candidates:
            rows = [{"username": None, "unit_code": None, **c} for c in self.candidates]
            writes.stage(self.session, writes.rows_write(self.session, _CANDIDATES, rows))


@dataclass(frozen=True)
class Projected:
    events: list[PendingEvent]
    """The events of the tasks SpiffWorkflow dropped from the tree."""
    ready: dict[str, dict[str, Any]]
    """Task id -> the row written for each task that became ready."""


def project_tasks(
    session: Session,
    row: Instance,
    outcome: StepOutcome,
    by: str,
    now: datetime,
    vanished_event: Callable[[TaskRecord], PendingEvent],
) -> Projected:
    """Human tasks' rows follow the step (``by`` completed what it completed); those
    SpiffWorkflow dropped from the tree leave the work lists as cancelled, with their
    events (``vanished_event``)."""
    human = [c for c in outcome.changes if projection.is_human(c.task)]
    finished = {str(c.task.id) for c in human if c.after != TaskState.READY}
    ids = finished | set(outcome.vanished)
    records = _records(session, outcome, ids) if ids else {}
    staged = _Staged(session, row, now)
    for change in human:
        task_id = str(change.task.id)
        record = records.get(task_id)
        if change.after == TaskState.READY:
            staged.ready(change.task, outcome.assignments.get(task_id, NOBODY))
        elif record is not None and change.after == TaskState.COMPLETED:
            staged.finish(record, TaskStatus.COMPLETED, by)
        elif record is not None and change.after == TaskState.CANCELLED:
            staged.finish(record, TaskStatus.CANCELLED, None)
    events = []
    for task_id in sorted(outcome.vanished):
        record = records.get(task_id)
        if record is None or record.status != TaskStatus.READY:
            continue
        staged.finish(record, TaskStatus.CANCELLED, None)
        events.append(vanished_event(record))
    staged.write()
    ready = {r["id"]: r for r in staged.rows if r["status"] == TaskStatus.READY}
    return Projected(events, ready)
