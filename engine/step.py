"""Advance a workflow by one step and turn what changed into rows and events.

A step is: apply an action (complete a task, refresh timers, deliver a message,
cancel), run the engine until it rests, then read off the new task states. Failures of
scripts, conditions and timer expressions become ``StepFailed`` naming the element;
the caller's unit of work then rolls back, so a half-advanced workflow is never stored.
The diagram code of one step shares one deadline (``engine.budget.step_scope``); a step
whose code went past its budget fails with a message naming the element and the budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task

from . import assignment, projection
from .budget import BudgetExceeded, step_scope
from .clock import Clock, using_clock
from .errors import StepFailed
from .run_texts import chinese
from .sandbox import strip_hints

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
    timers_before: list[ArmedTimer] | None = None
    """The timers waiting before the step (None: unknown, the rows are replaced)."""
    states_before: projection.StateSnapshot = field(default_factory=dict)
    """Task id -> state before the step."""


def _element_of(error: WorkflowException) -> str | None:
    task = getattr(error, "task", None)
    if task is not None:
        return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
    spec = getattr(error, "task_spec", None)
    return getattr(spec, "bpmn_id", None) if spec is not None else None


_KINDS = (
    ("ScriptTask", "脚本任务"),
    ("UserTask", "用户任务"),
    ("ServiceTask", "服务任务"),
    ("BusinessRuleTask", "业务规则任务"),
    ("ManualTask", "手工任务"),
    ("Gateway", "网关"),
    ("CallActivity", "调用活动"),
    ("SubWorkflow", "子流程"),
    ("Event", "事件"),
)


def element_label(spec: object | None) -> str:
    """``脚本任务“计算时限”（calc_due）``: an element as a designer knows it."""
    if spec is None:
        return "流程中的一段代码"
    kind = next((label for key, label in _KINDS if key in type(spec).__name__), "元素")
    bpmn_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    name = getattr(spec, "bpmn_name", None)
    return f"{kind}“{name}”（{bpmn_id}）" if name else f"{kind}（{bpmn_id}）"


def _spec_of(error: WorkflowException) -> object | None:
    task = getattr(error, "task", None)
    return task.task_spec if task is not None else getattr(error, "task_spec", None)


def over_budget(spec: object | None, exceeded: BudgetExceeded) -> str:
    return f"{element_label(spec)}{exceeded.describe()}，已回滚"


_NOTES = {
    "Error occurred in the Pre-Script": "（出错位置：前置脚本）",
    "Error occurred in the Post-Script": "（出错位置：后置脚本）",
}


def failure_text(error: WorkflowException) -> str:
    """The failure as a designer reads it: the message and its notes, without
    SpiffWorkflow's English hints."""
    base = str(error.args[0]) if error.args else type(error).__name__
    notes = [chinese(_NOTES.get(n, n)) for n in error.notes if n and "Did you mean" not in n]
    base = chinese(strip_hints(base))
    return "".join([base.rstrip(". "), *("；" + n if n[0] != "（" else n for n in notes)])


def unexpected_text(error: Exception) -> str:
    if isinstance(error, NameError) and error.name:
        return f"变量 {error.name} 未定义（流程中的一段代码，例如消息的关联表达式）"
    return chinese(f"流程中的一段代码出错：{type(error).__name__}: {error}")


def _run_until_rest(workflow: BpmnWorkflow) -> projection.TreeScan:
    """Run the engine until it rests; returns the walk of the rested tree."""
    # do_engine_steps refreshes timers only at its end: a timer that fell due there is
    # READY but not yet run, hence the loop.
    for _ in range(MAX_ROUNDS):
        workflow.do_engine_steps()
        rested = projection.scan(workflow)
        if not rested.engine_ready:
            return rested
        # What the engine itself would pick up (its walk stops at depth 1000).
        if workflow.get_next_task(state=TaskState.READY, manual=False) is None:
            return rested
    raise StepFailed(None, f"流程在 {MAX_ROUNDS} 轮内未能停下（可能存在无等待的循环）")


def armed_timers(
    workflow: BpmnWorkflow, exceeded: list[BudgetExceeded] | None = None
) -> list[ArmedTimer]:
    """Every waiting timer with its due time; one that never got a due time is an error
    (naming the budget its expression went past, if that is why)."""
    return armed(projection.waiting_timers(workflow), exceeded)


def armed(tasks: list[Task], exceeded: list[BudgetExceeded] | None = None) -> list[ArmedTimer]:
    """The waiting timer ``tasks`` with their due times (see ``armed_timers``)."""
    timers = []
    for task in tasks:
        due = projection.timer_due(task)
        spec = task.task_spec
        if due is None and exceeded:
            raise StepFailed(spec.bpmn_id, over_budget(spec, exceeded[0]))
        if due is None:
            raise StepFailed(spec.bpmn_id, "定时器没有得到到期时间（表达式未能求值）")
        timers.append((str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, due))
    return timers


def _armed_before(tasks: list[Task]) -> list[ArmedTimer]:
    """The timers armed before the step (as its predecessor stored them)."""
    try:
        return armed(tasks)
    except StepFailed:
        return []  # not as stored: the rows are replaced in any case


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
    before = projection.scan(workflow)
    budget = getattr(getattr(workflow.script_engine, "environment", None), "budget", None)
    with using_clock(clock), step_scope(budget) as exceeded:
        try:
            action(workflow)
            after = _run_until_rest(workflow)
        except WorkflowException as error:
            if exceeded:
                message = over_budget(_spec_of(error), exceeded[0])
                raise StepFailed(_element_of(error), message) from error
            raise StepFailed(_element_of(error), failure_text(error)) from error
        except BudgetExceeded as error:
            raise StepFailed(None, over_budget(None, error)) from error
        except (NameError, TypeError, KeyError, ValueError, AttributeError) as error:
            # raised by SpiffWorkflow itself outside a task (e.g. a message's correlation)
            raise StepFailed(None, unexpected_text(error)) from error
        except (RecursionError, MemoryError) as error:
            raise StepFailed(None, f"流程引擎资源耗尽：{type(error).__name__}") from error
        changes = projection.changes_in(after.tasks, before.states)
        assigned = assignments(changes)
        timers = armed(after.timers, exceeded)
    return StepOutcome(
        changes=changes,
        timers=timers,
        completed=workflow.is_completed(),
        vanished=frozenset(before.states) - frozenset(after.states),
        assignments=assigned,
        timers_before=_armed_before(before.timers),
        states_before=before.states,
    )
