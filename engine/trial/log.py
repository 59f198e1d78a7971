"""A step's log entries, read off what the step changed, in the order it happened."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.task import Task

from .. import projection
from ..assignment import NOBODY
from ..persist import json_safe
from ..step import StepOutcome
from ..trail import DiagramIndex
from .views import EntryKind

Entry = dict[str, Any]


def step_entries(
    outcome: StepOutcome,
    calls: dict[str, dict[str, Any]],
    index: DiagramIndex,
    printed: dict[str, list[str]] | None = None,
) -> list[Entry]:
    """What the step did: tasks ready (with whom their diagram named), tasks done (with
    the lines their scripts printed), service calls, gateway choices, timers."""
    entries = []
    for change in outcome.changes:
        entry = _entry(change.task, change.after, calls, index)
        if entry is None:
            continue
        if entry["kind"] == EntryKind.TASK_READY:
            entry["details"].update(_named(change.task, outcome))
        lines = (printed or {}).get(str(change.task.id))
        if lines and change.after == TaskState.COMPLETED:
            entry["details"]["printed"] = list(lines)
        entries.append(entry)
    return entries


def _named(task: Task, outcome: StepOutcome) -> dict[str, Any]:
    named = outcome.assignments.get(str(task.id), NOBODY).history()
    item = projection.loop_item(task)
    return {**named, "item": item} if item else named


def process_completed(name: str) -> Entry:
    return {
        "kind": EntryKind.PROCESS_COMPLETED,
        "element": None,
        "name": name,
        "type": "Process",
        "process": name,
        "details": {},
    }


def _entry(task: Task, state: int, calls: dict[str, dict[str, Any]], index) -> Entry | None:
    found = _kind_and_details(task, state, calls, index)
    if found is None:
        return None
    kind, details = found
    spec = task.task_spec
    return {
        "kind": kind,
        "element": spec.bpmn_id,
        "name": spec.bpmn_name or spec.bpmn_id,
        "type": type(spec).__name__,
        "process": process_name(task),
        "details": details,
    }


def process_name(task: Task) -> str:
    spec = task.workflow.spec
    return spec.description or spec.name


def _kind_and_details(
    task: Task, state: int, calls: dict[str, dict[str, Any]], index: DiagramIndex
) -> tuple[EntryKind, dict[str, Any]] | None:
    if state == TaskState.COMPLETED:
        return _completed(task, calls, index)
    if state == TaskState.CANCELLED:
        return _cancelled(task)
    spec = task.task_spec
    if state == TaskState.READY and projection.is_human(task):
        return EntryKind.TASK_READY, {"lane": spec.lane}
    if state == TaskState.WAITING and projection.is_timer(task):
        due = projection.timer_due(task)
        return EntryKind.TIMER_ARMED, {"due": due.isoformat() if due else None}
    if state == TaskState.STARTED and isinstance(spec, SubWorkflowTask):
        return EntryKind.SUBPROCESS_ENTERED, {}
    return None


def _cancelled(task: Task) -> tuple[EntryKind, dict[str, Any]] | None:
    if projection.is_human(task):
        return EntryKind.TASK_CANCELLED, {"lane": task.task_spec.lane}
    if projection.is_timer(task):
        return EntryKind.TIMER_CANCELLED, {}
    return None


def _completed(
    task: Task, calls: dict[str, dict[str, Any]], index: DiagramIndex
) -> tuple[EntryKind, dict[str, Any]] | None:
    spec = task.task_spec
    data = json_safe(projection.data_delta(task))
    if projection.is_timer(task):
        return EntryKind.TIMER_FIRED, {}
    if str(task.id) in calls:
        return EntryKind.SERVICE_SIMULATED, {**calls[str(task.id)], "data": data}
    if projection.is_human(task):
        return EntryKind.TASK_COMPLETED, {"lane": spec.lane, "data": data}
    if "Gateway" in type(spec).__name__:
        if len(spec.outputs) < 2:
            return None  # a merge: nothing was decided
        return EntryKind.GATEWAY_TAKEN, _choice(task, index)
    return EntryKind.ELEMENT_COMPLETED, {"data": data}


def _choice(gateway: Task, index: DiagramIndex) -> dict[str, Any]:
    targets, flows = [], []
    for child in _element_children(gateway):
        if (
            child.state & TaskState.PREDICTED_MASK
            or type(child.task_spec).__name__ == "BoundaryEvent"
        ):
            continue  # not taken, or a timer waiting beside the target
        spec = child.task_spec
        targets.append(spec.bpmn_name or spec.bpmn_id)
        flows += index.flow_names(
            gateway.workflow.spec.name, gateway.task_spec.bpmn_id, spec.bpmn_id
        )
    return {"targets": targets, "flows": flows}


def _element_children(task: Task) -> list[Task]:
    """The nearest descendants standing for diagram elements (skipping joins and splits)."""
    found = []
    for child in task.children:
        if getattr(child.task_spec, "bpmn_id", None) is not None:
            found.append(child)
        else:
            found += _element_children(child)
    return found
