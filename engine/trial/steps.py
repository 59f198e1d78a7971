"""A trial's steps: complete a task, fast-forward to a timer, deliver a message.

A step runs as a real one would (``engine.step.advance``: the same sandbox, helpers and
checks) inside ``isolation.run_step``; what it did becomes a log entry. A step that fails
is logged as a failed attempt and the trial stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition

from .. import projection
from ..clock import ManualClock
from ..errors import ConflictError, StepFailed
from ..forms import form_key_of, validate_form
from ..persist import json_safe
from ..specs import dump_state
from ..views import Actor
from . import log
from .isolation import TrialScriptEngine, run_step
from .models import TrialRun
from .rows import append, commit, failed_entry, owned_trial, step_entry
from .state import diagram_index, form_schema, load_workflow
from .views import StepKind, TrialStatus
from .waiting import find_task, message_event, waiting_messages, waiting_signals

if TYPE_CHECKING:
    from ..ports import Trials as Engine

PAST_DUE = timedelta(seconds=1)
"""How far past a timer's due time fast-forwarding sets the clock (timers fire when due
is strictly before now)."""

Prepare = Callable[[BpmnWorkflow, TrialRun], tuple[Callable[[BpmnWorkflow], None], datetime]]
"""Checks a step may run on the loaded workflow; returns its action and the clock time."""


def complete_trial_task(
    engine: Engine, trial_id: int, task_id: str, data: Mapping[str, Any], *, actor: Actor
) -> None:
    """Complete a ready user task with ``data``, validated against its form like the real
    thing (``FormInvalid`` names the fields; nothing is logged)."""
    submitted = dict(data)

    def prepare(workflow: BpmnWorkflow, row: TrialRun):
        task = find_task(workflow, task_id)
        if task is None or task.state != TaskState.READY or not projection.is_human(task):
            raise ConflictError("该任务已不在待办中，请刷新试运行页面")
        key = form_key_of(getattr(task.task_spec, "extensions", {}) or {})
        if key:
            validate_form(form_schema(row, key) or {}, submitted)

        def action(_wf: BpmnWorkflow) -> None:
            task.data.update(submitted)
            task.run()

        return action, row.clock_at

    _advance(engine, trial_id, actor, StepKind.TASK, _task_name(task_id), submitted, prepare)


def fire_trial_timer(engine: Engine, trial_id: int, timer_id: str, *, actor: Actor) -> None:
    """Fast-forward: set the trial's clock just past the timer's due time and let every
    timer due by then fire."""

    def prepare(workflow: BpmnWorkflow, row: TrialRun):
        task = find_task(workflow, timer_id)
        due = projection.timer_due(task) if task is not None else None
        if task is None or task.state != TaskState.WAITING or due is None:
            raise ConflictError("该定时器已不在等待中，请刷新试运行页面")
        return (lambda wf: wf.refresh_timers()), max(row.clock_at, due + PAST_DUE)

    _advance(engine, trial_id, actor, StepKind.TIMER, _task_name(timer_id), {}, prepare)


def send_trial_message(
    engine: Engine, trial_id: int, name: str, payload: Mapping[str, Any], *, actor: Actor
) -> None:
    body = json_safe(dict(payload))

    def prepare(workflow: BpmnWorkflow, row: TrialRun):
        if name not in {m.name for m in waiting_messages(workflow)}:
            raise ConflictError(f"流程当前没有在等待消息「{name}」")
        event = message_event(workflow, name, body)
        body.update(event.payload)  # the log shows what was sent, correlation values too
        return (lambda wf: wf.send_event(event)), row.clock_at

    _advance(engine, trial_id, actor, StepKind.MESSAGE, lambda _wf: name, body, prepare)


def send_trial_signal(engine: Engine, trial_id: int, name: str, *, actor: Actor) -> None:
    """Broadcast the signal ``name`` the process waits for (no payload)."""

    def prepare(workflow: BpmnWorkflow, row: TrialRun):
        if name not in waiting_signals(workflow):
            raise ConflictError(f"流程当前没有在等待信号「{name}」")
        event = BpmnEvent(SignalEventDefinition(name))
        return (lambda wf: wf.send_event(event)), row.clock_at

    _advance(engine, trial_id, actor, StepKind.SIGNAL, lambda _wf: name, {}, prepare)


def _task_name(task_id: str) -> Callable[[BpmnWorkflow], str]:
    def name(workflow: BpmnWorkflow) -> str:
        task = find_task(workflow, task_id)
        return (task.task_spec.bpmn_name or task.task_spec.bpmn_id) if task else task_id

    return name


def _advance(
    engine: Engine,
    trial_id: int,
    actor: Actor,
    kind: StepKind,
    subject_of: Callable[[BpmnWorkflow], str],
    submitted: dict[str, Any],
    prepare: Prepare,
) -> None:
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, actor.user, lock=True)
        if row.status != TrialStatus.RUNNING:
            raise ConflictError("这次试运行已经结束，可以重新开始")
        script = TrialScriptEngine(engine)
        workflow = load_workflow(row, script)
        subject = subject_of(workflow)
        action, at = prepare(workflow, row)
        try:
            outcome = run_step(
                engine,
                workflow,
                action,
                actor=actor,
                clock=ManualClock(at),
                process_id=row.process_id,
                version_id=row.base_version_id,
            )
        except StepFailed as failed:
            append(row, failed_entry(row, kind, subject, submitted, failed, actor, at))
            row.updated_at = engine.clock.now()
            commit(session)
            raise
        entries = log.step_entries(outcome, script.calls, diagram_index(row), script.printed)
        if outcome.completed:
            entries.append(log.process_completed(row.process_name))
            row.status = TrialStatus.COMPLETED
        row.state, row.clock_at, row.updated_at = dump_state(workflow), at, engine.clock.now()
        append(row, step_entry(kind, subject, submitted, entries, workflow, actor, at))
        commit(session)
