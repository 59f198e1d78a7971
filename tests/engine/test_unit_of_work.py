"""One transaction per step: a failure before commit leaves the database untouched."""

from __future__ import annotations

import pytest

from engine import Actor, StepFailed

from .db_snapshot import dump
from .diagrams import start_form_then_script

CENTER = Actor.of("li", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


class InjectedFailure(RuntimeError):
    pass


def _fail_before_commit(session) -> None:
    raise InjectedFailure("crash between engine step and commit")


def test_failure_after_engine_step_leaves_db_exactly_as_before(deployed, sa_engine):
    deployed.start("plain_case", actor=CENTER)
    [task] = deployed.ready_tasks(CENTER)
    before = dump(sa_engine)
    deployed.before_commit.append(_fail_before_commit)
    with pytest.raises(InjectedFailure):
        deployed.complete(task.id, INTAKE, actor=CENTER)
    assert dump(sa_engine) == before
    deployed.before_commit.clear()
    deployed.complete(task.id, INTAKE, actor=CENTER)  # the same step succeeds afterwards
    assert [t.name for t in deployed.ready_tasks(MEDIATOR)] == ["处置"]
    assert deployed.verify_history().ok


def test_failed_start_timer_and_cancel_steps_store_nothing(deployed, sa_engine, clock):
    deployed.before_commit.append(_fail_before_commit)
    empty = dump(sa_engine)
    with pytest.raises(InjectedFailure):
        deployed.start("plain_case", actor=CENTER)
    assert dump(sa_engine) == empty
    deployed.before_commit.clear()
    instance = deployed.start("plain_case", actor=CENTER)
    [task] = deployed.ready_tasks(CENTER)
    deployed.complete(task.id, INTAKE, actor=CENTER)
    clock.advance(days=6)
    before = dump(sa_engine)
    deployed.before_commit.append(_fail_before_commit)
    with pytest.raises(InjectedFailure):
        deployed.fire_due_timers()
    with pytest.raises(InjectedFailure):
        deployed.cancel(instance, actor=CENTER, reason="测试")
    assert dump(sa_engine) == before


def test_script_error_fails_the_step_naming_the_element(engine, sa_engine, tmp_path):
    task_id = start_form_then_script(engine, tmp_path, "total = amount * 2", actor=CENTER)
    before = dump(sa_engine)
    with pytest.raises(StepFailed) as caught:
        engine.complete(task_id, {"note": "没有金额"}, actor=CENTER)
    assert caught.value.element == "evil"
    assert "amount" in caught.value.message
    assert dump(sa_engine) == before
    assert engine.task(task_id).status == "ready"
