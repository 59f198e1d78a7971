"""What a step changed, read off the workflow: task states, human tasks, timers.

Everything here walks ``workflow.tasks`` (and each subprocess's) directly rather than
``get_tasks()``, whose iterator stops at depth 1000 and skips finished subtrees.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.task import Task

from .forms import form_key_of

StateSnapshot = dict[str, int]


def all_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def snapshot(workflow: BpmnWorkflow) -> StateSnapshot:
    return {str(task.id): task.state for task in all_tasks(workflow)}


@dataclass(frozen=True)
class TreeScan:
    """One walk over every task of a workflow: what a step reads before and after."""

    states: StateSnapshot
    """Task id -> state, subprocesses included."""
    tasks: list[Task]
    """Every task, in the order walked."""
    timers: list[Task]
    """Waiting timer tasks."""
    engine_ready: bool
    """Whether a task of the top workflow is ready and not manual (the engine would run
    it: a timer that fell due while ``do_engine_steps`` refreshed timers at its end)."""


def scan(workflow: BpmnWorkflow) -> TreeScan:
    """Walk the tree once: states, waiting timers, whether engine work is ready."""
    states: StateSnapshot = {}
    tasks: list[Task] = []
    timers: list[Task] = []
    engine_ready = False
    ready, waiting = TaskState.READY, TaskState.WAITING
    for task in all_tasks(workflow):
        state = task.state
        states[str(task.id)] = state
        tasks.append(task)
        if state == waiting and is_timer(task):
            timers.append(task)
        elif state == ready and not task.task_spec.manual and task.workflow is workflow:
            engine_ready = True
    return TreeScan(states, tasks, timers, engine_ready)


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
    return changes_in(all_tasks(workflow), before)


def changes_in(tasks: Iterable[Task], before: StateSnapshot) -> list[Change]:
    """Those of ``tasks`` (element tasks) whose state changed since ``before``, oldest
    change first."""
    found = []
    for task in tasks:
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


WARNING_SUFFIXES = ("_warn", "_warning")
"""A boundary timer whose id ends so is a near-due warning (e.g. ``grid_warn``), never a
deadline; every other one-shot timer on a task's boundary is one."""


def task_deadline(task: Task) -> datetime | None:
    """A human task's due time: the earliest one-shot timer, interrupting or not, on its
    boundary or on the boundary of any subprocess or call activity enclosing it.

    A limit on the enclosing activity binds the task inside it (the ladder's seven days
    bind its last level's task). Near-due warnings (ids ending ``_warn``/``_warning``)
    and cycle timers (reminders such as progress reports) are never the deadline.
    """
    found: list[datetime] = []
    current: Task | None = task
    while current is not None:
        found += _boundary_deadlines(current)
        current = _enclosing_task(current)
    return min(found) if found else None


def _boundary_deadlines(task: Task) -> list[datetime]:
    """Due times of the one-shot, non-warning timers waiting on ``task``'s boundary."""
    parent = task.parent
    if parent is None:
        return []
    found = []
    for sibling in parent.children:
        if sibling is task or sibling.state != TaskState.WAITING or not is_timer(sibling):
            continue
        spec = sibling.task_spec
        if isinstance(spec.event_definition, CycleTimerEventDefinition):
            continue
        if spec.bpmn_id and spec.bpmn_id.endswith(WARNING_SUFFIXES):
            continue
        due = timer_due(sibling)
        if due is not None:
            found.append(due)
    return found


def process_of(task: Task) -> str:
    """The id of the process (the diagram's pool) whose element ``task`` stands for: a called
    process's own id, the enclosing process's for a step inside an embedded subprocess."""
    while True:
        enclosing = _enclosing_task(task)
        if enclosing is None or isinstance(enclosing.task_spec, CallActivity):
            return task.workflow.spec.name
        task = enclosing


def _enclosing_task(task: Task) -> Task | None:
    """The subprocess or call-activity task whose subworkflow ``task`` runs in."""
    workflow = task.workflow
    parent_id = getattr(workflow, "parent_task_id", None)
    if parent_id is None:
        return None
    return workflow.top_workflow.get_task_from_id(parent_id)


ITEM_MAX = 255


def loop_item(task: Task) -> str | None:
    """The item of the innermost multi-instance activity ``task`` runs as or in (the task
    itself, or a subprocess or call activity around it) as people read it, e.g. the
    department a 部门报到 is for; None outside a multi-instance activity.

    SpiffWorkflow 3.2 makes each instance a child of the multi-instance task and puts
    its item in the instance's data under the ``inputDataItem`` name (without one, in
    ``internal_data["item"]`` for a collection that is not a list or map).
    """
    current: Task | None = task
    while current is not None:
        found, value = _instance_item(current)
        if found:
            return _readable(value)
        current = _enclosing_task(current)
    return None


def _instance_item(task: Task) -> tuple[bool, Any]:
    parent = task.parent
    spec = parent.task_spec if parent is not None else None
    if not isinstance(spec, MultiInstanceTask) or task.task_spec.name != spec.task_spec:
        return False, None
    if spec.input_item is not None and spec.input_item.exists(task):
        return True, spec.input_item.get(task)
    return True, task.internal_data.get("item")


def _readable(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:ITEM_MAX]


def human_task_fields(task: Task) -> dict[str, Any]:
    spec = task.task_spec
    return {
        "spec_id": spec.bpmn_id,
        "name": spec.bpmn_name or spec.bpmn_id,
        "lane": spec.lane,
        "candidate_role": spec.lane,
        "form_key": form_key_of(getattr(spec, "extensions", {}) or {}),
        "due_at": task_deadline(task),
        "item": loop_item(task),
    }
