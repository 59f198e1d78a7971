"""The instance verbs: start, complete, claim, unclaim, cancel, deliver a message."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified, instance_dict
from sqlalchemy.orm.exc import StaleDataError

from . import offers, writes
from .enums import EventType, InstanceStatus, TaskStatus
from .errors import ConflictError, FormInvalid, NotFound, PermissionDenied
from .formcache import FormCache as FormCache  # re-exported: the web reads it here
from .forms import validate_form
from .models import Instance, ProcessDefinition, TaskRecord
from .persist import event_for, json_safe, run_step
from .pipelining import ALONE, BEGINS
from .prepared import prepared
from .specs import SERIALIZER_VERSION, ParsedProcess, load_state, new_workflow
from .views import Actor, InstanceView, TaskView
from .wfcache import Held

if TYPE_CHECKING:
    from .ports import Stepper as Engine
    from .uow import UnitOfWork

_Row = TypeVar("_Row", TaskRecord, Instance)

BeforeRun = Callable[[Session, int], Mapping[str, Any]]
"""Called in the start transaction with the new instance id, before the first step; returns
start data to add (e.g. the id of a domain row it created in the same session)."""


def _parsed(engine: Engine, session: Session, definition_id: int) -> ParsedProcess:
    parsed = engine.specs.get(definition_id)
    if parsed is None:
        spec_json = session.execute(
            select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id)
        ).scalar_one()
        parsed = engine.specs.get(definition_id, spec_json)
    return parsed


# The step's read and lock statements, built once (building a statement costs more than
# running it from SQLAlchemy's compiled cache).
_LOCK_INSTANCE = (
    select(Instance)
    .where(Instance.id == bindparam("instance_id"))
    .with_for_update()
    .execution_options(populate_existing=True, **{BEGINS: True})
)
_TASK_AND_INSTANCE = (
    select(TaskRecord, Instance)
    .join(Instance, Instance.id == TaskRecord.instance_id)
    .where(TaskRecord.id == bindparam("task_id"))
)
_LOCK_TASK = _TASK_AND_INSTANCE.with_for_update(skip_locked=True).execution_options(
    populate_existing=True, **{BEGINS: True}
)
# The read is a unit of work's first statement: nothing in its session to refresh.
_READ_TASK = _TASK_AND_INSTANCE.execution_options(**{ALONE: True})


def _locked_instance(engine: Engine, session: Session, instance_id: int) -> Instance:
    """Lock the instance row for this step (one ``SELECT … FOR UPDATE``, nothing flushed).

    PostgreSQL: ``FOR UPDATE`` waits for a concurrent step and then reads its result.
    SQLite (one writer, no row locks): the step's own ``UPDATE`` of the row checks the
    version counter when it is written, so a concurrent change fails it whole.
    """
    with prepared(session):
        row = session.execute(_LOCK_INSTANCE, {"instance_id": instance_id}).scalar()
    if row is None:
        raise NotFound(f"流程实例 {instance_id} 不存在")
    return row


def touch(row: Instance, now: datetime) -> None:
    """Mark the row written at ``now``: its ``UPDATE`` (and version check) happens at the
    flush even when nothing else of it changed."""
    row.updated_at = now
    flag_modified(row, "updated_at")


def _task_rows(
    session: Session, task_id: str, statement: Select = _LOCK_TASK
) -> tuple[TaskRecord, Instance] | None:
    """The task's projection row and its instance row in one statement: by default both
    locked, None when another transaction holds either (PostgreSQL ``SKIP LOCKED``;
    SQLite has no row locks and always reads them); with ``_READ_TASK`` read unlocked,
    None when there is no such task."""
    with prepared(session):
        found = session.execute(statement, {"task_id": task_id}).first()
    if found is None:
        return None
    return found[0], found[1]


def _task_for_step(
    engine: Engine,
    session: Session,
    task_id: str,
    actor: Actor,
    on_behalf: bool,
    raced: _Raced | None = None,
) -> tuple[TaskRecord, Instance, str | None]:
    """The ready task offered to ``actor`` and its instance, locked; and whom ``actor``
    acts for. Uncontended: one statement. While another writer holds the instance, the
    task is read as it was before (and checked), then the lock is waited for, and the task
    must still be as read: a racing change of holder or step fails this one whole. After
    a ``raced`` optimistic attempt, the task must still be held as that attempt read it
    (unless it read this process's rows, which may have been out of date)."""
    locked = _task_rows(session, task_id)
    if locked is not None:
        record, row = locked
        _check_ready(record)
        _held_as_raced(record, raced)
        return record, row, _acting_for(session, record, actor, on_behalf)
    record = _ready_record(session, task_id)
    _held_as_raced(record, raced)
    acting_for = _acting_for(session, record, actor, on_behalf)
    row = _locked_instance(engine, session, record.instance_id)
    _still_held(session, record)
    return record, row, acting_for


def _task_read(
    session: Session, task_id: str, actor: Actor, on_behalf: bool
) -> tuple[TaskRecord, Instance, str | None]:
    """The ready task offered to ``actor`` and its instance, read without a lock and
    outside a transaction (``ALONE``); and whom ``actor`` acts for."""
    found = _task_rows(session, task_id, _READ_TASK)
    if found is None:
        raise NotFound(f"任务 {task_id} 不存在")
    record, row = found
    _check_ready(record)
    return record, row, _acting_for(session, record, actor, on_behalf)


def _task_cached(
    engine: Engine, session: Session, task_id: str, actor: Actor, on_behalf: bool
) -> tuple[TaskRecord, Instance, str | None, Held] | None:
    """The ready task offered to ``actor``, its instance and workflow as this process's
    last step on the instance wrote them, read from nowhere (``engine.wfcache``); and
    whom ``actor`` acts for. Not known to be current: the step's write checks that the
    instance row is still at their version. None when this process holds no such task,
    or its rows do not offer it to ``actor`` (they may be out of date: the task is then
    read as it is)."""
    held = engine.workflows.take_task(task_id)
    if held is None or held.rows is None:
        return None
    record = _as_loaded(session, TaskRecord, held.rows.ready[task_id])
    row = _as_loaded(session, Instance, held.rows.instance)
    try:
        acting_for = _acting_for(session, record, actor, on_behalf)
    except PermissionDenied:
        session.expunge(record)
        session.expunge(row)
        engine.workflows.offer(row.id, held)
        return None
    return record, row, acting_for, held


def _as_loaded(session: Session, model: type[_Row], values: Mapping[str, Any]) -> _Row:
    """A row of ``model`` with ``values`` in ``session`` as if just read: persistent, no
    changes (its columns set as a query's result sets them, not as changes)."""
    row = inspect(model).class_manager.new_instance()
    instance_dict(row).update(values)
    make_transient_to_detached(row)
    session.add(row)
    return row


class _Raced(Exception):
    """An optimistic step found its instance changed by another transaction when it
    wrote (nothing of it is written); ``assignee``: the task's holder as it read it,
    ``cached``: whether it read this process's rows (``_task_cached``)."""

    def __init__(self, assignee: str | None, *, cached: bool):
        super().__init__(assignee)
        self.assignee = assignee
        self.cached = cached


def _held_as_raced(record: TaskRecord, raced: _Raced | None) -> None:
    """After a lost race, the task must be held as the optimistic attempt read it; rows
    this process wrote may have been out of date before the attempt began (the task
    then goes by how it is now)."""
    if raced is not None and not raced.cached:
        _held_as(record, raced.assignee)


_RACE_STATES = {"40001", "40P01"}
"""SQLSTATEs of a lost race: a serialization failure (the version check of the step's
write, ``engine.writes``) and a deadlock (a write of the step meeting a step that locked
the instance first)."""


def _lost_race(error: Exception) -> bool:
    if isinstance(error, StaleDataError):
        return True
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in _RACE_STATES


_CHANGED_MEANWHILE = "该流程实例刚被他人修改，本次操作未保存，请刷新后重试"


def _load(engine: Engine, session: Session, row: Instance) -> BpmnWorkflow:
    """The row's workflow: the one this process left after its last step on exactly this
    row version, else restored from the stored state."""
    return _held(engine, session, row).workflow


def _held(engine: Engine, session: Session, row: Instance) -> Held:
    held = engine.workflows.take(row.id, row.row_version)
    if held is not None:
        return held
    parsed = _parsed(engine, session, row.definition_id)
    return Held(row.row_version, load_state(row.state, parsed, engine.script_engine()))


@contextlib.contextmanager
def reading(engine: Engine, session: Session, row: Instance) -> Iterator[BpmnWorkflow]:
    """The row's workflow to read, never to change: given back to the cache after the
    block (unless the block failed)."""
    held = _held(engine, session, row)
    yield held.workflow
    engine.workflows.offer(row.id, held)


def _commit(uow) -> None:
    try:
        uow.commit()
    except StaleDataError:
        raise ConflictError(_CHANGED_MEANWHILE) from None


def start(
    engine: Engine,
    process_id: str,
    *,
    actor: Actor,
    data: dict[str, Any],
    before_run: BeforeRun | None = None,
) -> int:
    with engine.unit_of_work() as uow:
        session = uow.session
        definition = session.execute(
            select(ProcessDefinition)
            .where(ProcessDefinition.process_id == process_id)
            .order_by(ProcessDefinition.version_id.desc())
            .limit(1)
        ).scalar()
        if definition is None:
            raise NotFound(f"流程 {process_id} 尚未部署")
        now = engine.clock.now()
        workflow = new_workflow(_parsed(engine, session, definition.id), engine.script_engine())
        workflow.task_tree.data.update(data)
        row = Instance(
            definition_id=definition.id,
            process_id=process_id,
            version_id=definition.version_id,
            status=InstanceStatus.RUNNING,
            state="{}",
            serializer_version=SERIALIZER_VERSION,
            started_by=actor.user,
            started_at=now,
            updated_at=now,
            # Every column known, as written: the step's rows held with its workflow
            # (``engine.wfcache``) let the next step read nothing.
            ended_at=None,
            end_reason=None,
            region_code=None,
            received_at=None,
        )
        session.add(row)
        session.flush()
        if before_run is not None:
            data = {**data, **before_run(session, row.id)}
            workflow.task_tree.data.update(data)
        uow.record(event_for(row, EventType.INSTANCE_STARTED, actor, at=now, data=json_safe(data)))
        run_step(engine, uow, row, workflow, lambda wf: None, actor=actor)
        uow.commit()
        return row.id


def _acting_for(session: Session, record: TaskRecord, actor: Actor, on_behalf: bool) -> str | None:
    """``None`` when the task is offered to ``actor``; with ``on_behalf`` (the application
    let a supervisor or a stand-in act), the holder they act for; else ``PermissionDenied``."""
    reason = offers.refusal(session, record, actor)
    if reason is None:
        return None
    if on_behalf:
        return offers.holder(record)
    raise PermissionDenied(reason)


def _still_held(session: Session, record: TaskRecord) -> None:
    """Once the instance is locked, the task must be as it was read: ready, same holder
    (a claim, hand-back or reassignment racing this step loses or wins whole)."""
    assignee = record.assignee
    session.refresh(record)
    _held_as(record, assignee)


def _held_as(record: TaskRecord, assignee: str | None) -> None:
    if record.status != TaskStatus.READY:
        raise ConflictError(f"任务「{record.name}」已被他人处理，本次提交未保存")
    if record.assignee != assignee:
        now_with = record.assignee or record.candidate_role or "（无）"
        raise ConflictError(
            f"任务「{record.name}」刚被改派或退回（现由 {now_with} 办理），本次提交未保存"
        )


def _ready_record(session: Session, task_id: str) -> TaskRecord:
    record = session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound(f"任务 {task_id} 不存在")
    _check_ready(record)
    return record


def _check_ready(record: TaskRecord) -> None:
    if record.status != TaskStatus.READY:
        who = f"（{record.completed_by}）" if record.completed_by else ""
        raise ConflictError(
            f"任务「{record.name}」已{_STATUS_WORDS[record.status]}{who}，无需再处理"
        )


_STATUS_WORDS = {
    TaskStatus.COMPLETED: "完成",
    TaskStatus.CANCELLED: "取消",
    TaskStatus.READY: "就绪",
}


def complete(
    engine: Engine, task_id: str, data: dict[str, Any], *, actor: Actor, on_behalf: bool = False
) -> None:
    """Complete the task with ``data`` as ``actor``.

    PostgreSQL: the step runs optimistically first. It takes the task and its instance
    as this process's last step on the instance wrote them, if it holds them (reading
    nothing: one round trip, the write), else reads them without a lock; its write
    checks that the instance row is still at that version: any change of the task's
    state or holder changes it (a step, a claim, a hand-back, a reassignment,
    ``engine.handover``). If it changed, nothing is written and the step runs again
    under the lock, as it runs on SQLite, failing as a racing step does when the task
    is no longer held as first read (or, when that was from this process's rows, which
    may have been out of date, going by the task as it is then).
    """
    try:
        _complete(engine, task_id, data, actor, on_behalf, raced=None)
    except _Raced as raced:
        _complete(engine, task_id, data, actor, on_behalf, raced=raced)


def _complete(
    engine: Engine,
    task_id: str,
    data: dict[str, Any],
    actor: Actor,
    on_behalf: bool,
    *,
    raced: _Raced | None,
) -> None:
    with engine.unit_of_work() as uow:
        session = uow.session
        optimistic = raced is None and writes.defers(session)
        held = None
        cached = _task_cached(engine, session, task_id, actor, on_behalf) if optimistic else None
        if cached is not None:
            record, row, acting_for, held = cached
        elif optimistic:
            record, row, acting_for = _task_read(session, task_id, actor, on_behalf)
        else:
            # The task and its instance as they are under the lock: a claim, hand-back,
            # reassignment or step racing this one has committed (and is seen) or waits.
            record, row, acting_for = _task_for_step(
                engine, session, task_id, actor, on_behalf, raced
            )
        held_by = record.assignee
        try:
            _complete_step(engine, uow, record, row, acting_for, data, actor, held)
        except FormInvalid:
            if held is not None:  # nothing ran: the workflow and rows are as they were
                engine.workflows.offer(row.id, held)
            raise
        except Exception as error:
            if optimistic and _lost_race(error):
                raise _Raced(held_by, cached=cached is not None) from error
            if isinstance(error, StaleDataError):
                raise ConflictError(_CHANGED_MEANWHILE) from None
            raise


def _complete_step(
    engine: Engine,
    uow: UnitOfWork,
    record: TaskRecord,
    row: Instance,
    acting_for: str | None,
    data: dict[str, Any],
    actor: Actor,
    held: Held | None,
) -> None:
    session = uow.session
    task_id = record.id
    if record.form_key:
        schema = engine.forms.get(session, row.version_id, record.form_key)
        validate_form(schema or {}, data)
    workflow = held.workflow if held is not None else _load(engine, session, row)
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise ConflictError(f"任务「{record.name}」已被他人处理，本次提交未保存")

    def action(_wf) -> None:
        task.data.update(data)
        task.run()

    notes = {task_id: {offers.ON_BEHALF_OF: acting_for}} if acting_for else {}
    run_step(engine, uow, row, workflow, action, actor=actor, notes=notes)
    uow.commit()


def _running(engine: Engine, session: Session, instance_id: int) -> Instance:
    """The running instance, locked and written at once (its version checked before
    anything else: the verbs that use it write the row in any case)."""
    row = _locked_instance(engine, session, instance_id)
    touch(row, engine.clock.now())
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(_CHANGED_MEANWHILE) from None
    if row.status != InstanceStatus.RUNNING:
        raise ConflictError(f"流程实例 {instance_id} 已结束（{row.status}）")
    return row


def cancel(engine: Engine, instance_id: int, *, actor: Actor, reason: str) -> None:
    if not reason.strip():
        raise ValueError("取消流程必须填写原因")
    with engine.unit_of_work() as uow:
        row = _running(engine, uow.session, instance_id)
        workflow = _load(engine, uow.session, row)
        row.status = InstanceStatus.CANCELLED
        run_step(engine, uow, row, workflow, lambda wf: wf.cancel(), actor=actor)
        now = engine.clock.now()
        row.ended_at, row.end_reason = now, reason
        uow.record(
            event_for(row, EventType.INSTANCE_CANCELLED, actor, at=now, data={"reason": reason})
        )
        _commit(uow)


def send_message(
    engine: Engine, instance_id: int, name: str, payload: dict[str, Any], *, actor: Actor
) -> None:
    with engine.unit_of_work() as uow:
        row = _running(engine, uow.session, instance_id)
        workflow = _load(engine, uow.session, row)
        waiting = workflow.waiting_events()
        if not any(e.event_type == "MessageEventDefinition" and e.name == name for e in waiting):
            raise ConflictError(f"流程实例 {instance_id} 当前没有在等待消息「{name}」")
        now = engine.clock.now()
        uow.record(
            event_for(
                row,
                EventType.MESSAGE_RECEIVED,
                actor,
                at=now,
                data={"message": name, "payload": json_safe(payload)},
            )
        )
        event = BpmnEvent(MessageEventDefinition(name), payload)
        run_step(engine, uow, row, workflow, lambda wf: wf.send_event(event), actor=actor)
        _commit(uow)


def _task_view(record: TaskRecord) -> TaskView:
    return TaskView(**{f: getattr(record, f) for f in TaskView.__dataclass_fields__})


def task_view(engine: Engine, task_id: str) -> TaskView:
    with engine.session_factory() as session:
        record = session.get(TaskRecord, task_id)
        if record is None:
            raise NotFound(f"任务 {task_id} 不存在")
        return _task_view(record)


def ready_tasks(engine: Engine, actor: Actor) -> list[TaskView]:
    with engine.session_factory() as session:
        rows = session.execute(
            select(TaskRecord)
            .where(TaskRecord.status == TaskStatus.READY, offers.offered_clause(actor))
            .order_by(TaskRecord.due_at.is_(None), TaskRecord.due_at, TaskRecord.created_at)
        ).scalars()
        return [_task_view(r) for r in rows]


def tasks_of(engine: Engine, instance_id: int) -> list[TaskView]:
    with engine.session_factory() as session:
        rows = session.execute(
            select(TaskRecord)
            .where(TaskRecord.instance_id == instance_id)
            .order_by(TaskRecord.created_at, TaskRecord.id)
        ).scalars()
        return [_task_view(r) for r in rows]


def form_schema_of(engine: Engine, task_id: str) -> dict[str, Any] | None:
    with engine.session_factory() as session:
        record = session.get(TaskRecord, task_id)
        if record is None:
            raise NotFound(f"任务 {task_id} 不存在")
        if not record.form_key:
            return None
        version_id = session.get(Instance, record.instance_id).version_id
        return engine.forms.get(session, version_id, record.form_key)


def _current_data(workflow) -> dict[str, Any]:
    # The last task's data is what the flow knows now; workflow.data of a finished
    # instance merges parallel branches in completion order and can hold stale values.
    task = workflow.last_task
    return dict(task.data) if task is not None else dict(workflow.task_tree.data)


def view(engine: Engine, instance_id: int, *, with_data: bool) -> InstanceView:
    with engine.session_factory() as session:
        row = session.get(Instance, instance_id)
        if row is None:
            raise NotFound(f"流程实例 {instance_id} 不存在")
        data = {}
        if with_data:
            with reading(engine, session, row) as workflow:
                data = _current_data(workflow)
        return InstanceView(
            id=row.id,
            process_id=row.process_id,
            version_id=row.version_id,
            status=row.status,
            started_by=row.started_by,
            started_at=row.started_at,
            ended_at=row.ended_at,
            end_reason=row.end_reason,
            data=dict(data),
        )
