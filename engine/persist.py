"""Write what a step changed: history events, the task projection, timer rows, state."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from . import projection, taskrows, timer_wake, writes
from .assignment import NOBODY
from .context import StepContext, in_step
from .enums import EventType, InstanceStatus
from .history import PendingEvent
from .models import Instance, TaskRecord, TimerRecord
from .prune import prune_finished
from .specs import dump_state
from .step import ArmedTimer, StepOutcome, advance
from .uow import UnitOfWork
from .views import Actor

if TYPE_CHECKING:
    from .ports import Clocked as Engine


def json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def event_for(row: Instance, event_type: str, actor: Actor, **fields: Any) -> PendingEvent:
    """An event of ``row``; a step of a called process names it as ``step_process_id``,
    every other event the instance's own process."""
    fields.setdefault("step_process_id", row.process_id)
    return PendingEvent(
        event_type=event_type,
        at=fields.pop("at"),
        actor=actor.user,
        instance_id=row.id,
        process_id=row.process_id,
        version_id=row.version_id,
        **fields,
    )


def _event_type(change: projection.Change) -> str | None:
    human = projection.is_human(change.task)
    if change.after == TaskState.READY:
        return EventType.TASK_READY if human else None
    if change.after == TaskState.CANCELLED:
        return EventType.TASK_CANCELLED if human else None
    if change.after == TaskState.COMPLETED:
        return (
            EventType.TIMER_FIRED if projection.is_timer(change.task) else EventType.TASK_COMPLETED
        )
    return None


TaskNotes = Mapping[str, Mapping[str, Any]]
"""Extra data for a task's ``task_completed`` event, by task id (e.g. ``on_behalf_of``)."""


def _event_data(change: projection.Change, event_type: str, outcome: StepOutcome, notes):
    task_id = str(change.task.id)
    if event_type == EventType.TASK_COMPLETED:
        return {**projection.data_delta(change.task), **notes.get(task_id, {})}
    if event_type == EventType.TASK_READY:
        item = projection.loop_item(change.task)
        named = outcome.assignments.get(task_id, NOBODY).history()
        return {**named, "item": item} if item else named
    return {}


def _change_events(
    row: Instance, outcome: StepOutcome, actor: Actor, now, notes: TaskNotes
) -> list[tuple[float, PendingEvent]]:
    """The step's task events, each with the moment its task changed state."""
    found = []
    for change in outcome.changes:
        event_type = _event_type(change)
        if event_type is None:
            continue
        spec = change.task.task_spec
        data = _event_data(change, event_type, outcome, notes)
        event = event_for(
            row,
            event_type,
            actor,
            at=now,
            task_id=str(change.task.id),
            spec_id=spec.bpmn_id,
            spec_name=spec.bpmn_name,
            lane=spec.lane,
            data=json_safe(data),
            step_process_id=projection.process_of(change.task),
        )
        found.append((change.task.last_state_change, event))
    return found


def _vanished_event(row: Instance, record: TaskRecord, actor: Actor, now) -> PendingEvent:
    return event_for(
        row,
        EventType.TASK_CANCELLED,
        actor,
        at=now,
        task_id=record.id,
        spec_id=record.spec_id,
        spec_name=record.name,
        lane=record.lane,
        data={"reason": "任务随所在分支结束而撤销"},
    )


def replace_timers(session: Session, row: Instance, timers: list[ArmedTimer]) -> None:
    """The instance's timer rows become ``timers`` (its waiting timers now)."""
    session.execute(delete(TimerRecord).where(TimerRecord.instance_id == row.id))
    if timers:
        session.add_all(
            TimerRecord(instance_id=row.id, task_id=task_id, spec_id=spec_id, name=name, due_at=due)
            for task_id, spec_id, name, due in timers
        )


def sync_timers(session: Session, row: Instance, outcome: StepOutcome) -> None:
    """Timer rows follow the step's waiting timers, touching only what changed: rows of
    timers no longer waiting go (and any stray row of the instance with them), timers
    newly armed are inserted, a timer whose due time moved (a cycle timer that fired) is
    re-armed as new. Without the timers from before the step, the rows are replaced."""
    if outcome.timers_before is None:
        replace_timers(session, row, outcome.timers)
        return
    before = {timer[0]: timer for timer in outcome.timers_before}
    after = {timer[0]: timer for timer in outcome.timers}
    moved = [t for t in after.values() if t[0] in before and before[t[0]] != t]
    gone = [task_id for task_id in before if task_id not in after]
    if gone or moved:
        kept = [
            task_id for task_id in after if task_id in before and before[task_id] == after[task_id]
        ]
        writes.stage(session, _drop_timers(row.id, kept))
    added = [t for t in after.values() if t[0] not in before] + moved
    if added:
        rows = [_timer_row(row, t) for t in added]
        writes.stage(session, writes.rows_write(session, _TIMERS, rows))


def _drop_timers(instance_id: int, kept: list[str]) -> writes.Write:
    """The instance's timer rows but those of the tasks ``kept``."""

    def build():
        statement = delete(_TIMERS).where(_TIMERS.c.instance_id == bindparam("instance_id"))
        if not kept:
            return statement
        return statement.where(
            _TIMERS.c.task_id.not_in([bindparam(f"k{i}") for i in range(len(kept))])
        )

    values = {"instance_id": instance_id, **{f"k{i}": task_id for i, task_id in enumerate(kept)}}
    return writes.Write(("drop_timers", len(kept)), build, values)


_TIMERS = TimerRecord.__table__


def _timer_row(row: Instance, timer: ArmedTimer) -> dict[str, Any]:
    task_id, spec_id, name, due = timer
    return {
        "instance_id": row.id,
        "task_id": task_id,
        "spec_id": spec_id,
        "name": name,
        "due_at": due,
        "attempts": 0,
    }


def refresh_ready_records(session: Session, workflow: BpmnWorkflow) -> None:
    """Ready tasks' projection rows follow the workflow: name, lane and form (after a
    migration), due time (after a migration or a re-timing). A claim stays unless the task
    moved to another lane."""
    for task in projection.all_tasks(workflow):
        if task.state != TaskState.READY or not projection.is_human(task):
            continue
        record = session.get(TaskRecord, str(task.id))
        if record is None:
            continue
        fields = projection.human_task_fields(task)
        if fields["due_at"] is None:  # its deadline timer already fired: still overdue
            del fields["due_at"]
        if fields["candidate_role"] != record.candidate_role:
            record.assignee = None
        for key, value in fields.items():
            setattr(record, key, value)


def run_step(
    engine: Engine,
    uow: UnitOfWork,
    row: Instance,
    workflow: BpmnWorkflow,
    action: Callable[[BpmnWorkflow], None],
    *,
    actor: Actor,
    notes: TaskNotes | None = None,
) -> StepOutcome:
    """Advance ``workflow`` and stage every resulting write in ``uow`` (not committed).

    Operators and helpers the step runs see it through ``engine.context.current_step``.
    ``notes`` add to a task's ``task_completed`` event (e.g. who it was done on behalf of).
    """
    now = engine.clock.now()
    domain_events: list[tuple[float, PendingEvent]] = []

    def record_domain_event(event_type: str, data) -> None:
        event = event_for(
            row,
            event_type,
            actor,
            at=now,
            data=json_safe(dict(data)),
            step_process_id=context.task_process_id or row.process_id,
        )
        domain_events.append((time.time(), event))

    context = StepContext(
        session=uow.session,
        instance_id=row.id,
        process_id=row.process_id,
        version_id=row.version_id,
        actor=actor,
        now=now,
        _record=record_domain_event,
    )
    with in_step(context):
        outcome = advance(workflow, action, clock=engine.clock)
    # History tells the step in the order it happened: the completed task first, then
    # what the service tasks after it recorded, then the next task becoming ready.
    # SpiffWorkflow stamps each state change with time.time(); so are domain events.
    changed = _change_events(row, outcome, actor, now, notes or {})
    merged = sorted(changed + domain_events, key=itemgetter(0))
    for _, event in merged:
        uow.record(event)
    with uow.session.no_autoflush:
        projected = taskrows.project_tasks(
            uow.session,
            row,
            outcome,
            actor.user,
            now,
            lambda record: _vanished_event(row, record, actor, now),
        )
        for event in projected.events:
            uow.record(event)
        sync_timers(uow.session, row, outcome)
        timer_wake.armed(uow.session, outcome.timers, now=now)
        state = dump_state(prune_finished(workflow))
        row.state, row.updated_at = state, now
        flag_modified(row, "updated_at")  # an UPDATE (and its version check) in any case
        if outcome.completed and row.status == InstanceStatus.RUNNING:
            row.status, row.ended_at = InstanceStatus.COMPLETED, now
            uow.record(
                event_for(
                    row, EventType.INSTANCE_COMPLETED, actor, at=now, data=json_safe(workflow.data)
                )
            )
        writes.stage_instance(uow.session, row)
    uow.keep(row, workflow, state, projected.ready)
    return outcome
