"""What a step changed, read off the workflow: task states, human tasks, timers.

Everything here walks ``workflow.tasks`` (and each subprocess's) directly rather than
``get_tasks()``, whose iterator stops at depth 1000 and skips finished subtrees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task

from .forms import form_key_of

StateSnapshot = dict[str, int]


def all_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def snapshot(workflow: BpmnWorkflow) -> StateSnapshot:
    return {str(task.id): task.state for task in all_tasks(workflow)}


def is_bpmn_element(task: Task) -> bool:
    """Tasks that stand for a diagram element (not Start/End/joins/predictions)."""
    return getattr(task.task_spec, "bpmn_id", None) is not None


def is_human(task: Task) -> bool:
    return is_bpmn_element(task) and task.task_spec.manual


def is_timer(task: Task) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    return isinstance(definition, TimerEventDefinition)


@dataclass(frozen=True)
class Change:
    """A diagram element whose task moved to a definite new state in this step."""

    task: Task
    after: int


_VISIBLE = TaskState.READY | TaskState.STARTED | TaskState.COMPLETED | TaskState.CANCELLED
_VISIBLE |= TaskState.ERROR | TaskState.WAITING


def changes(workflow: BpmnWorkflow, before: StateSnapshot) -> list[Change]:
    """Element tasks whose state changed since ``before``, oldest change first."""
    found = []
    for task in all_tasks(workflow):
        old = before.get(str(task.id))
        if old != task.state and task.state & _VISIBLE and is_bpmn_element(task):
            found.append(Change(task, task.state))
    found.sort(key=lambda c: c.task.last_state_change)
    return found


def data_delta(task: Task) -> dict[str, Any]:
    """What this task added or changed relative to its parent's data."""
    parent = task.parent.data if task.parent is not None else {}
    return {k: v for k, v in task.data.items() if k not in parent or parent[k] != v}


def timer_due(task: Task) -> datetime | None:
    """When a waiting timer task falls due, or None if it never armed (an error)."""
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition):
        return datetime.fromisoformat(value["next"]) if isinstance(value, dict) else None
    return TimerEventDefinition.parse_time_or_duration(value)


def waiting_timers(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in all_tasks(workflow) if t.state == TaskState.WAITING and is_timer(t)]


def task_deadline(task: Task) -> datetime | None:
    """A human task's due time, read off the timers on its boundary.

    An interrupting timer is the deadline (the earliest, if several). Without one, the
    latest non-interrupting one-shot timer is (an earlier one is a near-due warning).
    Cycle timers are reminders (e.g. progress reports), never the deadline.
    """
    parent = task.parent
    if parent is None:
        return None
    interrupting, other = [], []
    for sibling in parent.children:
        if sibling is task or sibling.state != TaskState.WAITING or not is_timer(sibling):
            continue
        if isinstance(sibling.task_spec.event_definition, CycleTimerEventDefinition):
            continue
        due = timer_due(sibling)
        if due is not None:
            cancels = getattr(sibling.task_spec, "cancel_activity", False)
            (interrupting if cancels else other).append(due)
    if interrupting:
        return min(interrupting)
    return max(other) if other else None


def human_task_fields(task: Task) -> dict[str, Any]:
    spec = task.task_spec
    return {
        "spec_id": spec.bpmn_id,
        "name": spec.bpmn_name or spec.bpmn_id,
        "lane": spec.lane,
        "candidate_role": spec.lane,
        "form_key": form_key_of(getattr(spec, "extensions", {}) or {}),
        "due_at": task_deadline(task),
    }
