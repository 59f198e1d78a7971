"""Instance migration: move a running instance onto another deployed version.

``migration_problems`` is the dry run: it migrates a copy in memory and says what would
go wrong (empty: the instance may move). ``migrate`` is one unit of work: lock the row,
check again, move the state onto the new spec, re-project tasks and timers (running
timers keep their due times), record ``instance_migrated``, commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import migrate_plan
from .clock import using_clock
from .context import StepContext, in_step
from .enums import EventType, InstanceStatus
from .errors import ConflictError, MigrationRefused, NotFound
from .instances import _CHANGED_MEANWHILE, _commit, _load, _locked_instance, _parsed
from .models import Instance, ProcessDefinition, ProcessVersion
from .persist import event_for, refresh_ready_records, run_step
from .specs import dump_state, load_state
from .views import SYSTEM, Actor

if TYPE_CHECKING:
    from .ports import Stepper as Engine


def _target(session: Session, row: Instance, to_version_id: int) -> ProcessDefinition | None:
    return session.execute(
        select(ProcessDefinition).where(
            ProcessDefinition.version_id == to_version_id,
            ProcessDefinition.process_id == row.process_id,
        )
    ).scalar()


def _row_problems(session: Session, row: Instance, to_version_id: int) -> list[str]:
    if row.status != InstanceStatus.RUNNING:
        return [f"流程实例 {row.id} 已结束（{row.status}），只能迁移运行中的实例"]
    if row.version_id == to_version_id:
        return [f"流程实例 {row.id} 已在版本 {to_version_id} 上"]
    if _target(session, row, to_version_id) is None:
        return [f"版本 {to_version_id} 中没有流程 {row.process_id}"]
    return []


def _trial(engine: Engine, session: Session, row: Instance, target: ProcessDefinition) -> list[str]:
    """Migrate a fresh copy in memory and report every problem; nothing is stored.

    ``session`` is a throwaway one: helpers that timer expressions or pre-scripts call
    during the trial see a step, but whatever they write is never committed.
    """
    workflow = _load(engine, session, row)
    new = _parsed(engine, session, target.id)
    problems = migrate_plan.blocking_problems(workflow, new)
    if problems:
        return problems
    context = StepContext(
        session=session,
        instance_id=row.id,
        process_id=row.process_id,
        version_id=target.version_id,
        actor=SYSTEM,
        now=engine.clock.now(),
        _record=lambda event_type, data: None,
    )
    with using_clock(engine.clock), in_step(context):
        try:
            migrate_plan.apply(workflow, new, migrate_plan.timer_states(workflow))
        except (WorkflowException, KeyError, ValueError) as error:
            return [f"新版本无法接续该实例：{error}"]
    problems = migrate_plan.leftover_problems(workflow)
    if not problems:
        try:
            load_state(dump_state(workflow), new, engine.script_engine())
        except (KeyError, ValueError, TypeError) as error:
            problems.append(f"新版本无法载入该实例的状态：{error}")
    return problems


def _check_version(session: Session, to_version_id: int) -> None:
    if session.get(ProcessVersion, to_version_id) is None:
        raise NotFound(f"版本 {to_version_id} 不存在")


def migration_problems(engine: Engine, instance_id: int, to_version_id: int) -> list[str]:
    with engine.session_factory() as session:
        row = session.get(Instance, instance_id)
        if row is None:
            raise NotFound(f"流程实例 {instance_id} 不存在")
        _check_version(session, to_version_id)
        problems = _row_problems(session, row, to_version_id)
        if problems:
            return problems
        return _trial(engine, session, row, _target(session, row, to_version_id))


def migrate(engine: Engine, instance_id: int, *, to_version_id: int, actor: Actor, reason: str):
    if not reason.strip():
        raise ValueError("迁移流程实例必须填写原因")
    with engine.unit_of_work() as uow:
        try:
            _migrate(engine, uow, instance_id, to_version_id, actor, reason)
        except StaleDataError:  # a concurrent step wrote first (also on an autoflush)
            raise ConflictError(_CHANGED_MEANWHILE) from None
        _commit(uow)


def _migrate(engine: Engine, uow, instance_id: int, to_version_id: int, actor: Actor, reason):
    session = uow.session
    row = _locked_instance(engine, session, instance_id)
    _check_version(session, to_version_id)
    problems = _row_problems(session, row, to_version_id)
    target = _target(session, row, to_version_id)
    if not problems:
        with engine.session_factory() as trial_session:
            problems = _trial(engine, trial_session, row, target)
    if problems:
        raise MigrationRefused(problems)
    workflow = _load(engine, session, row)
    timers = migrate_plan.timer_states(workflow)
    new = _parsed(engine, session, target.id)
    from_version = row.version_id
    row.definition_id, row.version_id = target.id, target.version_id
    data = {"from_version_id": from_version, "to_version_id": to_version_id, "reason": reason}
    now = engine.clock.now()
    uow.record(event_for(row, EventType.INSTANCE_MIGRATED, actor, at=now, data=data))
    run_step(
        engine, uow, row, workflow, lambda wf: migrate_plan.apply(wf, new, timers), actor=actor
    )
    refresh_ready_records(session, workflow)
    session.flush()
