"""The trial verbs: start, complete a task, fast-forward to a timer, send a message,
restart, delete. Each is one transaction on the trial's own row and nothing else.

A step runs as a real one would (``engine.step.advance``: the same sandbox, helpers and
checks) inside ``isolation.run_step``; what it did becomes a log entry. A step that fails
is logged as a failed attempt and the trial stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .. import projection
from ..bundle import SourceFile, content_hash
from ..clock import ManualClock
from ..errors import ConflictError, NotFound, StepFailed
from ..forms import form_key_of, validate_form
from ..persist import json_safe
from ..specs import SERIALIZER_VERSION, ParsedProcess, dump_state, new_workflow, spec_to_json
from ..validation import analyse
from ..views import Actor
from . import log
from .isolation import TrialScriptEngine, run_step
from .models import TrialRun
from .state import diagram_index, files_to_json, form_schema, load_workflow, parsed_of
from .views import StepKind, TrialRefused, TrialStatus
from .waiting import MESSAGE, current_data, find_task

if TYPE_CHECKING:
    from ..api import Engine

PAST_DUE = timedelta(seconds=1)
"""How far past a timer's due time fast-forwarding sets the clock (timers fire when due
is strictly before now)."""

StartData = Mapping[str, Any] | Callable[[str], Mapping[str, Any]]
"""A trial's start data, or a function giving it for the chosen process id."""

Prepare = Callable[[BpmnWorkflow, TrialRun], tuple[Callable[[BpmnWorkflow], None], datetime]]
"""Checks a step may run on the loaded workflow; returns its action and the clock time."""


# -- start ----------------------------------------------------------------------------------


def start_trial(
    engine: Engine,
    files: Sequence[SourceFile],
    *,
    actor: Actor,
    data: StartData,
    source: str,
    process_id: str | None = None,
    prefer_file: str | None = None,
    base_version_id: int | None = None,
) -> int:
    """Validate the set as a deploy would, store a trial of one of its processes, run its
    first step; returns the trial id. Raises ``TrialRefused`` (nothing stored) when the set
    has errors or the process cannot be told; a failing first step is stored and logged.

    The process is ``process_id``, else the one in ``prefer_file`` (the file being edited),
    else the set's only one. ``data`` may be a function of the chosen process id."""
    analysis = analyse(engine, files)
    if analysis.errors:
        raise TrialRefused(
            f"这组文件有 {len(analysis.errors)} 个错误，修正后才能试运行", analysis.problems
        )
    chosen = _choose(analysis.parsed, process_id, prefer_file)
    parsed = analysis.parsed[chosen]
    now = engine.clock.now()
    row = TrialRun(
        created_by=actor.user,
        created_at=now,
        updated_at=now,
        process_id=chosen,
        process_name=parsed.spec.description or chosen,
        source=source[:255],
        base_version_id=base_version_id,
        content_hash=content_hash(analysis.files),
        files=files_to_json(analysis.files),
        spec=spec_to_json(parsed),
        step_count=0,
        log=[],
    )
    start_data = dict(data(chosen) if callable(data) else data)
    _run_start(engine, row, parsed, start_data, actor=actor, now=now)
    with engine.session_factory() as session:
        session.add(row)
        session.commit()
        return row.id


def _choose(parsed: Mapping[str, ParsedProcess], wanted: str | None, prefer_file: str | None):
    if wanted:
        if wanted not in parsed:
            raise TrialRefused(f"这组文件中没有可执行的流程 {wanted}")
        return wanted
    in_file = [
        pid for pid, p in sorted(parsed.items()) if Path(p.spec.file or "").name == prefer_file
    ]
    if in_file:
        return in_file[0]
    if len(parsed) == 1:
        return next(iter(parsed))
    raise TrialRefused("这组文件有多个流程，请选择要试运行的流程")


def _run_start(
    engine: Engine, row: TrialRun, parsed: ParsedProcess, data: dict, *, actor: Actor, now
) -> None:
    """Fill ``row`` with a fresh workflow run to its first rest, and the start's log entry."""
    script = TrialScriptEngine(engine)
    workflow = new_workflow(parsed, script)
    workflow.task_tree.data.update(data)
    fresh = dump_state(workflow)
    row.start_data, row.clock_at, row.serializer_version = json_safe(data), now, SERIALIZER_VERSION
    row.log, row.step_count = [], 0
    try:
        outcome = run_step(
            engine,
            workflow,
            lambda wf: None,
            actor=actor,
            clock=ManualClock(now),
            process_id=row.process_id,
            version_id=row.base_version_id,
        )
    except StepFailed as failed:
        row.state, row.status = fresh, TrialStatus.FAILED
        _append(row, _failed(row, StepKind.STARTED, row.process_name, data, failed, actor, now))
        return
    entries = log.step_entries(outcome, script.calls, diagram_index(row))
    row.status = TrialStatus.RUNNING
    if outcome.completed:
        entries.append(log.process_completed(row.process_name))
        row.status = TrialStatus.COMPLETED
    row.state = dump_state(workflow)
    step = _step(row, StepKind.STARTED, row.process_name, data, entries, workflow, actor, now)
    _append(row, step)


def restart_trial(
    engine: Engine, trial_id: int, *, actor: Actor, data: Mapping[str, Any] | None = None
) -> None:
    """Start the trial over on the same files (with new start data if given); the log is
    cleared and the clock set to now."""
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, actor.user, lock=True)
        start_data = dict(data) if data is not None else dict(row.start_data)
        now = engine.clock.now()
        _run_start(engine, row, parsed_of(row), start_data, actor=actor, now=now)
        row.updated_at = now
        _commit(session)


def delete_trial(engine: Engine, trial_id: int, *, actor: Actor) -> None:
    with engine.session_factory() as session:
        session.delete(owned_trial(session, trial_id, actor.user, lock=True))
        _commit(session)


# -- steps ----------------------------------------------------------------------------------


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
        waiting = workflow.waiting_events()
        if not any(e.event_type == MESSAGE and e.name == name for e in waiting):
            raise ConflictError(f"流程当前没有在等待消息「{name}」")
        event = BpmnEvent(MessageEventDefinition(name), body)
        return (lambda wf: wf.send_event(event)), row.clock_at

    _advance(engine, trial_id, actor, StepKind.MESSAGE, lambda _wf: name, body, prepare)


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
            _append(row, _failed(row, kind, subject, submitted, failed, actor, at))
            row.updated_at = engine.clock.now()
            _commit(session)
            raise
        entries = log.step_entries(outcome, script.calls, diagram_index(row))
        if outcome.completed:
            entries.append(log.process_completed(row.process_name))
            row.status = TrialStatus.COMPLETED
        row.state, row.clock_at, row.updated_at = dump_state(workflow), at, engine.clock.now()
        _append(row, _step(row, kind, subject, submitted, entries, workflow, actor, at))
        _commit(session)


# -- rows and log entries ---------------------------------------------------------------------


def owned_trial(session: Session, trial_id: int, user: str, *, lock: bool = False) -> TrialRun:
    """The user's trial; another user's is as missing as a deleted one (``NotFound``)."""
    query = select(TrialRun).where(TrialRun.id == trial_id, TrialRun.created_by == user)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise NotFound(f"试运行 {trial_id} 不存在")
    return row


def _append(row: TrialRun, step: dict[str, Any]) -> None:
    row.log = [*row.log, {**step, "number": len(row.log) + 1}]
    row.step_count = len(row.log)


def _step(
    row: TrialRun,
    kind: StepKind,
    subject: str,
    submitted: dict[str, Any],
    entries: list[dict[str, Any]],
    workflow: BpmnWorkflow,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "at": at.isoformat(),
        "actor": actor.user,
        "subject": subject,
        "submitted": json_safe(submitted),
        "entries": entries,
        "data": current_data(workflow),
        "error": None,
        "error_element": None,
    }


def _failed(
    row: TrialRun,
    kind: StepKind,
    subject: str,
    submitted: dict[str, Any],
    failed: StepFailed,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    before = row.log[-1]["data"] if row.log else json_safe(row.start_data)
    return {
        "kind": kind,
        "at": at.isoformat(),
        "actor": actor.user,
        "subject": subject,
        "submitted": json_safe(submitted),
        "entries": [],
        "data": before,
        "error": failed.message,
        "error_element": failed.element,
    }


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        raise ConflictError("这次试运行刚在别处被操作过，本次操作未保存，请刷新后重试") from None
