"""What a task tells the case page's trail, and the marks of tasks pruned from the state.

``engine.trail`` reads an instance's task tree to mark its diagram. ``engine.prune``
drops finished tasks from that tree; before it does, it folds what they would have
marked into a small per-process summary (``PrunedMarks``) kept in the serialized state
beside the tree, so the trail of an old case still shows every step it went through.
The summary's size is bounded by the diagrams' size, not by the case's age.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.task import Task

CURRENT = TaskState.READY | TaskState.STARTED | TaskState.ERROR
REACHED = TaskState.COMPLETED | CURRENT | TaskState.WAITING

PRUNED_ATTR = "zongzhi_pruned_marks"
"""The attribute of a ``BpmnWorkflow`` holding its ``PrunedMarks`` by workflow spec name."""


def element_ancestor(task: Task) -> Task | None:
    """The nearest ancestor standing for a diagram element (skipping splits and joins)."""
    parent = task.parent
    while parent is not None and getattr(parent.task_spec, "bpmn_id", None) is None:
        parent = parent.parent
    return parent


def named_step(spec) -> bool:
    """An activity or event with a name (gateways are questions, not steps)."""
    return bool(spec.bpmn_name) and "Gateway" not in type(spec).__name__


def reached(task: Task) -> bool:
    if task.state & REACHED:
        return True
    # A cancelled activity or gateway had been reached (interrupted, or a join's spare
    # branch); a cancelled catch event only waited beside the one that fired.
    return task.state == TaskState.CANCELLED and not isinstance(task.task_spec, CatchingEvent)


def taken_edge(task: Task) -> tuple[str, str] | None:
    """(source element, element) when ``task`` was reached from a completed element."""
    element = getattr(task.task_spec, "bpmn_id", None)
    if element is None or not reached(task):
        return None
    source = element_ancestor(task)
    if source is None or source.state != TaskState.COMPLETED:
        return None
    return source.task_spec.bpmn_id, element


@dataclass
class PrunedMarks:
    """What pruned tasks of one workflow spec marked: finished steps and taken flows."""

    runs: int = 0
    """Whole runs of the spec (called processes) dropped from the state."""
    started_at: float | None = None
    completed: dict[str, float] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)

    def add_task(self, task: Task) -> None:
        spec = task.task_spec
        element = getattr(spec, "bpmn_id", None)
        if element is None:
            return
        if task.state == TaskState.COMPLETED:
            seen = self.completed.get(element, task.last_state_change)
            self.completed[element] = min(seen, task.last_state_change)
            if named_step(spec):
                self.names[element] = spec.bpmn_name
        edge = taken_edge(task)
        if edge is not None:
            self.edges.add(edge)

    def add_run(self, started_at: float) -> None:
        self.runs += 1
        earlier = self.started_at
        self.started_at = started_at if earlier is None else min(earlier, started_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "started_at": self.started_at,
            "completed": self.completed,
            "edges": sorted(list(edge) for edge in self.edges),
            "names": self.names,
        }

    @classmethod
    def from_json(cls, dct: dict[str, Any]) -> PrunedMarks:
        return cls(
            runs=dct.get("runs", 0),
            started_at=dct.get("started_at"),
            completed=dict(dct.get("completed", {})),
            edges={(a, b) for a, b in dct.get("edges", [])},
            names=dict(dct.get("names", {})),
        )


def pruned_marks(workflow: Any) -> dict[str, PrunedMarks]:
    """The workflow's pruned marks by workflow spec name (created empty on first use)."""
    marks = getattr(workflow, PRUNED_ATTR, None)
    if marks is None:
        marks = {}
        setattr(workflow, PRUNED_ATTR, marks)
    return marks


def marks_to_json(workflow: Any) -> dict[str, Any]:
    return {name: m.to_json() for name, m in sorted(pruned_marks(workflow).items())}


def marks_from_json(workflow: Any, dct: dict[str, Any] | None) -> None:
    setattr(workflow, PRUNED_ATTR, {k: PrunedMarks.from_json(v) for k, v in (dct or {}).items()})


def record_tasks(marks: PrunedMarks, tasks: Iterable[Task]) -> None:
    for task in tasks:
        marks.add_task(task)
