"""Run a trial to its end without a person ("自动运行到结束"), so a designer sees at once
whether a diagram runs here.

Each move is one ordinary trial step (logged as if the designer had made it): the first
ready user task is completed with sample answers from its form, else the trial's clock is
fast-forwarded to the earliest timer (one-shot timers before cycles), else the first
message the process waits for is delivered, else a signal it waits for is broadcast. It
stops at the end of the process, at a step that fails, when nothing can move it, or after
``max_steps``; it never raises for what the diagram does.

A loop is left as a person would leave it: when a task comes back a third time (and on
each later visit, in turn) the run delivers a message the process waits for (a boundary
message that interrupts the loop), fires the earliest timer (a boundary timer), broadcasts
a signal it waits for, or completes the task with other answers: values that turn the
diagram's conditions the other way (``answer == 'Yes'`` → ``'Yes'``, a bare ``repeat``
→ ``False``). A task that must set data outputs or a multi-instance output item gets a
sample value for each.

When a step fails because the diagram reads a variable nothing set (a foreign diagram
expects data a form or caller would give), a sample value is supplied (``supply``): the
trial starts over with it in its start data (so the log's start entry shows it), and
messages carry the supplied values as payload; the result's reason lists them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState

from .. import projection
from ..errors import ConflictError, FormInvalid, StepFailed
from ..lint_graph import KIND_NAMES
from ..views import Actor
from .isolation import TrialScriptEngine
from .queries import trial_view
from .rows import owned_trial
from .samples import sample_answers
from .service import restart_trial
from .state import load_workflow
from .steps import complete_trial_task, fire_trial_timer, send_trial_message, send_trial_signal
from .supply import (
    alternatives,
    code_texts,
    conditions,
    describe,
    missing_collection,
    missing_name,
    person_names,
    sample_value,
)
from .views import EntryKind, StepKind, TrialStatus, TrialTask, TrialView

if TYPE_CHECKING:
    from ..api import Engine

Answers = Callable[[Mapping[str, Any] | None, datetime], Mapping[str, Any]]
"""Sample answers for a form: (its JSON Schema or None, the trial's clock) → data."""
MAX_STEPS = 200
LOOP_VISITS = 2
"""A task completed this many times already is a loop: the next visit tries to leave it."""
MAX_SUPPLIED = 12
"""At most this many missing variables are supplied (each restarts the trial)."""


@dataclass(frozen=True)
class AutorunResult:
    """How an automatic run ended."""

    finished: bool
    """The process reached its end."""
    steps: int
    """The steps this run made (failed attempts included)."""
    reason: str
    """In Chinese: that it finished, or where (which element) and why it stopped."""
    element: str | None = None
    """The element it stopped at, when there is one."""


def run_to_end(
    engine: Engine,
    trial_id: int,
    *,
    actor: Actor,
    answers: Answers | None = None,
    max_steps: int = MAX_STEPS,
) -> AutorunResult:
    """Move the trial ``trial_id`` (``actor``'s own) until its process ends or cannot move.

    Signature: ``run_to_end(engine, trial_id, *, actor, answers=None, max_steps=200) ->
    AutorunResult(finished, steps, reason, element)``. ``answers(schema, clock)`` gives a
    user task's form data (default: ``samples.sample_answers``: from the JSON Schema, or
    ``{}`` for a task without a form). Every move is an ordinary step in the trial's log.
    Raises ``NotFound`` for another user's trial; never for what the diagram does."""
    fill = answers or sample_answers
    supplied: dict[str, Any] = {}
    made = 0
    while True:
        result = _run(engine, trial_id, actor, fill, max_steps - made, supplied)
        made += result.steps
        name = None if result.finished else missing_name(result.reason)
        if name is None and not result.finished:
            name = missing_collection(result.reason, _spec_of(engine, trial_id, actor), supplied)
        if name is None or name in supplied or len(supplied) >= MAX_SUPPLIED or made >= max_steps:
            break
        code = _code_of(engine, trial_id, actor)
        value = sample_value(name, result.reason, code, person=actor.user)
        if value is None:
            result = replace(result, reason=result.reason + _not_ours(name))
            break
        supplied[name] = value
        _restart_with(engine, trial_id, actor, supplied)
    if not supplied:
        return result
    note = f"（自动补充了流程未设置的变量并从头重新运行：{describe(supplied)}）"
    return replace(result, steps=made, reason=result.reason + note)


def _not_ours(name: str) -> str:
    return (
        f"（{name} 在代码里被调用或取属性，是函数或模块，不能用示例值代替；本系统的脚本环境"
        "没有它（例如 SpiffWorkflow 测试引擎自带的函数、datetime 模块）：请改用本系统提供的"
        "辅助函数，或删去这段代码）"
    )


def _restart_with(engine: Engine, trial_id: int, actor: Actor, supplied: dict[str, Any]) -> None:
    view = trial_view(engine, trial_id, user=actor.user)
    restart_trial(engine, trial_id, actor=actor, data={**view.start_data, **supplied})


def _spec_of(engine: Engine, trial_id: int, actor: Actor) -> Any:
    with engine.session_factory() as session:
        spec = owned_trial(session, trial_id, actor.user).spec
    try:
        return json.loads(spec)
    except ValueError:
        return {}


def _code_of(engine: Engine, trial_id: int, actor: Actor) -> list[str]:
    return list(code_texts(_spec_of(engine, trial_id, actor)))


def _run(
    engine: Engine,
    trial_id: int,
    actor: Actor,
    fill: Answers,
    max_steps: int,
    supplied: Mapping[str, Any],
) -> AutorunResult:
    spec = _spec_of(engine, trial_id, actor)
    diagram = _Diagram(list(code_texts(spec)), alternatives(conditions(spec)), person_names(spec))
    for steps in range(max_steps + 1):
        view = trial_view(engine, trial_id, user=actor.user)
        outcome = _settled(engine, view, actor, steps)
        if outcome is not None:
            return outcome
        if steps == max_steps:
            break
        try:
            stop = _move(engine, view, actor, fill, supplied, diagram)
        except Exception as error:
            element = view.tasks[0].element if view.tasks else None
            stop = f"自动运行在 {element or '流程'} 处出错而停止：{type(error).__name__}", element
        if stop is not None:
            return AutorunResult(False, steps + 1, *stop)
    where = _waiting(engine, trial_id, actor)
    return AutorunResult(
        False,
        max_steps,
        f"自动运行了 {max_steps} 步仍未结束（可能是一个不会结束的循环），停在{where[0]}",
        where[1],
    )


def _settled(engine: Engine, view: TrialView, actor: Actor, steps: int) -> AutorunResult | None:
    status = view.summary.status
    if status == TrialStatus.COMPLETED:
        return AutorunResult(True, steps, f"流程「{view.summary.process_name}」已运行到结束")
    if status == TrialStatus.FAILED:
        last = view.steps[-1] if view.steps else None
        error = last.error if last is not None else "开始时出错"
        return AutorunResult(False, steps, f"流程开始时失败：{error}", _element(last))
    if view.tasks or view.timers or view.messages or view.signals:
        return None
    where = _waiting(engine, view.summary.id, actor)
    idle = "没有可办理的任务、可快进的定时器或可送达的消息、信号"
    return AutorunResult(False, steps, f"停在{where[0]}：{idle}", where[1])


def _element(step) -> str | None:
    return step.error_element if step is not None else None


@dataclass(frozen=True)
class _Diagram:
    """What the auto-run reads of the tried diagram: its code texts, and per variable its
    conditions test the values that turn them."""

    code: list[str]
    turns: dict[str, list[Any]]
    people: frozenset[str] = frozenset()
    """Names the assignee and candidate-users expressions read."""


def _move(
    engine: Engine,
    view: TrialView,
    actor: Actor,
    fill: Answers,
    supplied: Mapping[str, Any],
    diagram: _Diagram,
) -> tuple[str, str | None] | None:
    """One step; None when it ran, else (reason, element) to stop with. A message is
    delivered with the supplied values as its payload (its correlation may read them)."""
    trial_id = view.summary.id
    if not view.tasks:
        return _event(engine, view, actor, supplied, _first_way(view))
    task = view.tasks[0]
    labels = dict(zip(task.outputs, task.output_names, strict=False))
    answers = {
        name: _output_sample(labels.get(name) or name, diagram, actor.user) for name in task.outputs
    }
    answers |= fill(task.schema, view.clock_at)
    visits = _visits(view, task.element)
    if visits >= LOOP_VISITS:
        other = _other_answers(task, view, answers, diagram, visits)
        ways = [way for way in _WAYS if getattr(view, _WAYS[way])]
        ways += ["answers"] if other != answers else []
        way = ways[(visits - LOOP_VISITS) % len(ways)] if ways else "answers"
        if way != "answers":
            return _event(engine, view, actor, supplied, way)
        answers = other
    return _complete(engine, trial_id, task, actor, answers)


_WAYS = {"message": "messages", "timer": "timers", "signal": "signals"}
"""The ways out of a loop besides other answers, in the order tried, and what lists them."""


def _first_way(view: TrialView) -> str:
    """Without a task: the earliest timer, else a message, else a signal."""
    return "timer" if view.timers else "message" if view.messages else "signal"


def _event(
    engine: Engine, view: TrialView, actor: Actor, supplied: Mapping[str, Any], way: str
) -> tuple[str, str | None] | None:
    """Fire the earliest timer (one-shot before cycles), deliver a waited-for message, or
    broadcast a waited-for signal."""
    trial_id = view.summary.id
    try:
        if way == "timer":
            timer = min(view.timers, key=lambda t: (t.cycle, t.due))
            fire_trial_timer(engine, trial_id, timer.id, actor=actor)
        elif way == "message":
            # in turn: a start or gateway waiting for several messages gets each of them
            sent = sum(1 for step in view.steps if step.kind == StepKind.MESSAGE)
            message = view.messages[sent % len(view.messages)]
            send_trial_message(engine, trial_id, message.name, supplied, actor=actor)
        else:
            sent = sum(1 for step in view.steps if step.kind == StepKind.SIGNAL)
            signal = view.signals[sent % len(view.signals)]
            send_trial_signal(engine, trial_id, signal, actor=actor)
    except StepFailed as failed:
        return f"在 {failed.element or '流程'} 处失败：{failed.message}", failed.element
    except ConflictError as error:
        return str(error), None
    return None


def _visits(view: TrialView, element: str) -> int:
    """How many times the trial completed ``element`` so far."""
    return sum(
        1
        for step in view.steps
        for entry in step.entries
        if entry.kind == EntryKind.TASK_COMPLETED and entry.element == element
    )


def _output_sample(name: str, diagram: _Diagram, person: str) -> Any:
    """A sample for a data output, chosen by its name: a user name (``person``) when an
    assignee or candidate-users expression reads a variable of that name (a data object the
    output is associated with is read under its name), else as ``sample_value``."""
    if name in diagram.people:
        return person
    value = sample_value(name, "", diagram.code)
    return 1 if value is None else value


def _other_answers(
    task: TrialTask, view: TrialView, answers: Mapping[str, Any], diagram: _Diagram, visits: int
) -> dict[str, Any]:
    """``answers`` with every variable the conditions test turned to another value (for a
    task with its own form: only the form's fields, and a field with choices only to
    another of its choices)."""
    fields = (task.schema or {}).get("properties") if task.form_key else None
    other = dict(answers)
    for name, values in diagram.turns.items():
        if fields is not None and name not in fields:
            continue
        allowed = _choices(fields.get(name)) if fields is not None else []
        if allowed:
            values = [v for v in values if v in allowed] or allowed
        now = answers.get(name, task.data.get(name, view.data.get(name)))
        choices = [v for v in values if not (v == now and type(v) is type(now))]
        if choices:
            other[name] = choices[visits % len(choices)]
    return other


def _choices(prop: Any) -> list[Any]:
    """A form field's allowed values (``enum``, or ``oneOf``/``anyOf`` of ``const``)."""
    if not isinstance(prop, Mapping):
        return []
    if prop.get("enum"):
        return list(prop["enum"])
    entries = prop.get("oneOf") or prop.get("anyOf") or []
    return [e["const"] for e in entries if isinstance(e, Mapping) and "const" in e]


def _complete(
    engine: Engine, trial_id: int, task: TrialTask, actor: Actor, data: Mapping[str, Any]
) -> tuple[str, str | None] | None:
    label = f"用户任务「{task.name}」({task.element})"
    try:
        complete_trial_task(engine, trial_id, task.id, data, actor=actor)
    except FormInvalid as invalid:
        fields = "；".join(f"{k or '表单'}：{'，'.join(v)}" for k, v in invalid.errors.items())
        return f"{label} 的表单无法自动填写（{fields}），请手工填写这一步", task.element
    except StepFailed as failed:
        where = failed.element or task.element
        return f"完成{label}后，在 {where} 处失败：{failed.message}", where
    except ConflictError as error:
        return str(error), task.element
    return None


def _waiting(engine: Engine, trial_id: int, actor: Actor) -> tuple[str, str | None]:
    """The elements the trial waits in, as a designer reads them, and the first one's id."""
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, actor.user)
        workflow = load_workflow(row, TrialScriptEngine(engine))
        waiting = [
            task.task_spec
            for task in projection.all_tasks(workflow)
            if task.state in (TaskState.WAITING, TaskState.STARTED, TaskState.READY)
            and projection.is_bpmn_element(task)
            and not _is_container(task)
        ]
    if not waiting:
        return " 流程中（没有等待中的元素）", None
    names = "、".join(_describe(spec) for spec in waiting[:5])
    return f" {names}", waiting[0].bpmn_id


def _is_container(task) -> bool:
    return type(task.task_spec).__name__ in (
        "SubWorkflowTask",
        "CallActivity",
        "TransactionSubprocess",
    )


def _describe(spec) -> str:
    kind = type(spec).__name__
    kind = KIND_NAMES.get(kind[:1].lower() + kind[1:], kind)
    name = f"「{spec.bpmn_name}」" if spec.bpmn_name else ""
    return f"{kind}{name}({spec.bpmn_id})"
