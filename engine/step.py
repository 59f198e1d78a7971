"""Advance a workflow by one step and turn what changed into rows and events.

A step is: apply an action (complete a task, refresh timers, deliver a message,
cancel), run the engine until it rests, then read off the new task states. Failures of
scripts, conditions and timer expressions become ``StepFailed`` naming the element;
the caller's unit of work then rolls back, so a half-advanced workflow is never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException

from . import assignment, projection
from .clock import Clock, using_clock
from .errors import StepFailed

MAX_ROUNDS = 50  # engine passes per step; a diagram that never rests is a diagram bug


ArmedTimer = tuple[str, str, str, datetime]
"""A waiting timer: task id, element id, name, due time."""


@dataclass(frozen=True)
class StepOutcome:
    changes: list[projection.Change]
    timers: list[ArmedTimer]
    completed: bool
    vanished: frozenset[str] = frozenset()
    """Ids of tasks the step removed from the tree (e.g. the open children of a cancelled
    cycle timer): their work-list rows must not stay ready."""
    assignments: dict[str, assignment.Assignment] = field(default_factory=dict)
    """The human tasks that became ready, by id: whom their properties named."""


def _element_of(error: WorkflowException) -> str | None:
    task = getattr(error, "task", None)
    if task is not None:
        return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
    spec = getattr(error, "task_spec", None)
    return getattr(spec, "bpmn_id", None) if spec is not None else None


def _run_until_rest(workflow: BpmnWorkflow) -> None:
    # do_engine_steps refreshes timers only at its end: a timer that fell due there is
    # READY but not yet run, hence the loop.
    for _ in range(MAX_ROUNDS):
        workflow.do_engine_steps()
        if not workflow.get_tasks(state=TaskState.READY, manual=False):
            return
    raise StepFailed(None, f"流程在 {MAX_ROUNDS} 轮内未能停下（可能存在无等待的循环）")


def armed_timers(workflow: BpmnWorkflow) -> list[ArmedTimer]:
    """Every waiting timer with its due time; one that never got a due time is an error."""
    timers = []
    for task in projection.waiting_timers(workflow):
        due = projection.timer_due(task)
        spec = task.task_spec
        if due is None:
            raise StepFailed(spec.bpmn_id, "定时器没有得到到期时间（表达式未能求值）")
        timers.append((str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, due))
    return timers


def assignments(changes: list[projection.Change]) -> dict[str, assignment.Assignment]:
    """Whom each human task that became ready goes to (its properties evaluated now, with
    the data it became ready with); a failing expression raises ``StepFailed``."""
    return {
        str(change.task.id): assignment.evaluate(change.task)
        for change in changes
        if change.after == TaskState.READY and projection.is_human(change.task)
    }


def advance(
    workflow: BpmnWorkflow, action: Callable[[BpmnWorkflow], None], *, clock: Clock
) -> StepOutcome:
    before = projection.snapshot(workflow)
    with using_clock(clock):
        try:
            action(workflow)
            _run_until_rest(workflow)
        except WorkflowException as error:
            raise StepFailed(_element_of(error), str(error)) from error
        except (RecursionError, MemoryError) as error:
            raise StepFailed(None, f"流程引擎资源耗尽：{type(error).__name__}") from error
        changes = projection.changes(workflow, before)
        assigned = assignments(changes)
    after = projection.snapshot(workflow)
    return StepOutcome(
        changes=changes,
        timers=armed_timers(workflow),
        completed=workflow.is_completed(),
        vanished=frozenset(before) - frozenset(after),
        assignments=assigned,
    )
