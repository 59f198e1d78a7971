"""The per-process workflow cache: a process that just stepped an instance does not
restore it again, and never steps a stale or half-advanced workflow."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import sessionmaker

from engine import Actor, Engine, FormInvalid, PermissionDenied, set_region
from engine import instances as instance_verbs
from engine.models import TaskRecord

CENTER = Actor.of("li", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}
HANDLED = {"result": "调解成功", "handling_notes": "双方达成一致"}


class Crash(RuntimeError):
    pass


@pytest.fixture
def restores(monkeypatch) -> list[int]:
    """Counts how often a stored state is deserialized."""
    calls: list[int] = []
    real = instance_verbs.load_state

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(instance_verbs, "load_state", counted)
    return calls


def _ready(engine: Engine, instance: int) -> str:
    [task] = [t for t in engine.tasks_of(instance) if t.status == "ready"]
    return task.id


def test_consecutive_steps_restore_nothing(deployed, restores):
    instance = deployed.start("plain_case", actor=CENTER)
    deployed.complete(_ready(deployed, instance), INTAKE, actor=CENTER)
    deployed.complete(_ready(deployed, instance), HANDLED, actor=MEDIATOR)
    assert restores == []
    stats = deployed.workflows.stats()
    assert (stats.hits, stats.misses) == (2, 0)


def test_reading_a_task_gives_its_workflow_back(deployed, restores):
    instance = deployed.start("plain_case", actor=CENTER)
    task_id = _ready(deployed, instance)
    template, _data = deployed.task_instructions(task_id)
    assert template is None or isinstance(template, str)
    deployed.complete(task_id, INTAKE, actor=CENTER)
    assert restores == []
    assert deployed.instance(instance, with_data=True).data["summary"] == INTAKE["summary"]


def test_a_failed_step_is_not_kept_and_the_next_one_starts_from_the_stored_state(
    deployed, restores
):
    instance = deployed.start("plain_case", actor=CENTER)
    task_id = _ready(deployed, instance)

    def crash(_session) -> None:
        raise Crash("between the step and its commit")

    deployed.before_commit.append(crash)
    with pytest.raises(Crash):
        deployed.complete(task_id, INTAKE, actor=CENTER)
    deployed.before_commit.clear()
    assert restores == []  # the failed step used the cached workflow and advanced it...
    deployed.complete(task_id, INTAKE, actor=CENTER)  # ...so this one restores the state
    assert restores == [1]
    assert deployed.task(task_id).status == "completed"
    assert deployed.verify_history().ok


def test_a_write_by_another_process_is_never_overlooked(deployed, sa_engine, clock, restores):
    other = Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)
    instance = deployed.start("plain_case", actor=CENTER)
    deployed.complete(_ready(deployed, instance), INTAKE, actor=CENTER)  # cached here
    other.complete(_ready(deployed, instance), HANDLED, actor=MEDIATOR)  # moved on there
    callback = _ready(deployed, instance)
    deployed.complete(callback, {"evaluation": "满意"}, actor=CENTER)  # not the stale one
    assert deployed.task(callback).status == "completed"
    assert [t.spec_id for t in deployed.tasks_of(instance) if t.status == "ready"] == ["close"]


def test_the_cache_is_bounded(deployed):
    deployed.workflows.size = 2
    started = [deployed.start("plain_case", actor=CENTER) for _ in range(3)]
    assert deployed.workflows.stats().size == 2
    deployed.complete(_ready(deployed, started[0]), INTAKE, actor=CENTER)  # the oldest: gone
    assert deployed.workflows.stats().misses == 1


def _stepped_here(engine: Engine) -> tuple[int, str]:
    """A case whose 处置 this process's last step made ready (its rows held with its
    workflow on PostgreSQL): the instance and the task."""
    instance = engine.start("plain_case", actor=CENTER)
    engine.complete(_ready(engine, instance), INTAKE, actor=CENTER)
    return instance, _ready(engine, instance)


def _other(sa_engine, clock) -> Engine:
    """Another process on the same database: its own, empty, workflow cache."""
    return Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)


def test_a_task_claimed_here_is_completed_by_its_claimant(deployed):
    instance, handle = _stepped_here(deployed)
    deployed.claim(handle, actor=MEDIATOR)
    deployed.complete(handle, HANDLED, actor=MEDIATOR)
    assert deployed.task(handle).completed_by == MEDIATOR.user
    assert [t.spec_id for t in deployed.tasks_of(instance) if t.status == "ready"] == ["callback"]


def test_a_task_claimed_elsewhere_is_completed_here_by_its_claimant(deployed, sa_engine, clock):
    """This process's rows still show the task unclaimed: its optimistic step loses to
    the claim's version and runs again from the task as it is (claimed by this actor)."""
    instance, handle = _stepped_here(deployed)
    _other(sa_engine, clock).claim(handle, actor=MEDIATOR)
    deployed.complete(handle, HANDLED, actor=MEDIATOR)
    assert deployed.task(handle).completed_by == MEDIATOR.user
    assert [t.spec_id for t in deployed.tasks_of(instance) if t.status == "ready"] == ["callback"]
    assert deployed.verify_history().ok


def test_a_task_reassigned_elsewhere_is_refused_to_its_former_lane(deployed, sa_engine, clock):
    """Reassigned by another process to 赵 since this process stepped the case: 王 of the
    lane may no longer complete it, whatever this process's rows say; nothing is written."""
    instance, handle = _stepped_here(deployed)
    other = _other(sa_engine, clock)
    other.claim(handle, actor=MEDIATOR)
    other.assign(handle, to_user="zhao", actor=MEDIATOR, reason="另有安排")
    colleague = Actor.of("qian", ["调解员"])
    with pytest.raises(PermissionDenied, match="已交由 zhao 办理"):
        deployed.complete(handle, HANDLED, actor=colleague)
    task = deployed.task(handle)
    assert (task.status, task.assignee) == ("ready", "zhao")
    assert [t.spec_id for t in deployed.tasks_of(instance) if t.status == "ready"] == ["handle"]
    assert deployed.verify_history().ok


def test_the_next_task_takes_its_cases_region_as_it_is_when_written(deployed, sa_engine):
    """A case's region copied onto its instance and ready tasks by another transaction
    (``engine.set_region``: the instance's version is not bumped) after this process
    stepped the case: the task the next step readies carries the new region."""
    instance, handle = _stepped_here(deployed)
    with sessionmaker(bind=sa_engine)() as session:
        set_region(session, instance, "320102")
        session.commit()
    deployed.complete(handle, HANDLED, actor=MEDIATOR)
    callback = _ready(deployed, instance)
    with sessionmaker(bind=sa_engine)() as session:
        assert session.get(TaskRecord, callback).region_code == "320102"


def test_the_first_step_after_start_reads_nothing_on_postgres(deployed, sa_engine):
    """The start's step holds every column of the new instance row (none left for the
    ORM to fetch), so 登记 is completed from the rows it wrote: one statement, the write.
    SQLite reads the task under its lock."""
    warm = deployed.start("plain_case", actor=CENTER)
    deployed.complete(_ready(deployed, warm), INTAKE, actor=CENTER)  # reads the form once
    instance = deployed.start("plain_case", actor=CENTER)
    intake = _ready(deployed, instance)
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(sa_engine, "before_cursor_execute", count)
    try:
        deployed.complete(intake, INTAKE, actor=CENTER)
    finally:
        event.remove(sa_engine, "before_cursor_execute", count)
    if sa_engine.dialect.name == "postgresql":
        assert len(seen) == 1 and seen[0].startswith("WITH "), seen
    else:
        assert seen[0].startswith("SELECT task.id"), seen
    assert deployed.task(intake).status == "completed"


def test_a_form_refused_keeps_the_workflow_held(deployed, restores):
    """A submission its form refuses runs nothing: the corrected one restores nothing."""
    instance, handle = _stepped_here(deployed)
    with pytest.raises(FormInvalid):
        deployed.complete(handle, {"handling_notes": "缺少处理结果"}, actor=MEDIATOR)
    deployed.complete(handle, HANDLED, actor=MEDIATOR)
    assert restores == []
    assert [t.spec_id for t in deployed.tasks_of(instance) if t.status == "ready"] == ["callback"]


def test_a_ready_row_changed_after_its_step_is_read_again(deployed):
    """A unit of work that changes a task row after the step readied it (as a migration
    refreshes ready rows) leaves no held rows behind: 回访, handed to 赵 in the same
    transaction, is refused to the rest of its lane."""
    instance, handle = _stepped_here(deployed)

    def hand_callback_to_zhao(session) -> None:
        ready = select(TaskRecord).where(
            TaskRecord.instance_id == instance, TaskRecord.status == "ready"
        )
        for record in session.scalars(ready):
            record.assignee = "zhao"

    deployed.before_commit.append(hand_callback_to_zhao)
    deployed.complete(handle, HANDLED, actor=MEDIATOR)
    deployed.before_commit.clear()
    callback = _ready(deployed, instance)
    assert deployed.task(callback).assignee == "zhao"
    with pytest.raises(PermissionDenied, match="已交由 zhao 办理"):
        deployed.complete(callback, {"evaluation": "满意"}, actor=CENTER)
    assert deployed.task(callback).status == "ready"
