"""Migrating a running instance to a new version: what moves, what waits, what is refused."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine import Actor, ConflictError, MigrationRefused, SourceFile
from engine.models import HistoryEvent, Instance, TimerRecord

from .diagrams import HEAD, write_form
from .plain_case_edits import (
    edited,
    plain_case_set,
    with_review_after_handle,
    with_timer,
    without_task,
)

CENTER = Actor.of("li", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
DESIGNER = Actor.of("chen", ["流程设计"])
DIAGRAM = "plain_case.bpmn"
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 3}


def _deploy(engine, files) -> int:
    return engine.deploy_set(files, actor="designer", note="").version_id


def _ready(engine, actor, instance_id, spec_id):
    [task] = [
        t
        for t in engine.ready_tasks(actor)
        if t.instance_id == instance_id and t.spec_id == spec_id
    ]
    return task


def _waiting_in_handle(engine) -> int:
    instance = engine.start("plain_case", actor=CENTER)
    engine.complete(_ready(engine, CENTER, instance, "intake").id, INTAKE, actor=CENTER)
    return instance


def _timers(engine, instance_id) -> list[TimerRecord]:
    with engine.session_factory() as session:
        query = select(TimerRecord).where(TimerRecord.instance_id == instance_id)
        return session.execute(query).scalars().all()


def _events(engine, instance_id, event_type) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        query = select(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.event_type == event_type
        )
        return session.execute(query).scalars().all()


def test_case_waiting_at_a_task_moves_on_and_completes_on_the_new_version(engine):
    v1 = _deploy(engine, plain_case_set())
    instance = _waiting_in_handle(engine)
    handle = _ready(engine, MEDIATOR, instance, "handle")
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_review_after_handle))
    assert engine.migration_problems(instance, v2) == []
    engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="增加复核环节")
    assert engine.instance(instance).version_id == v2
    moved = _ready(engine, MEDIATOR, instance, "handle")
    assert (moved.id, moved.due_at) == (handle.id, handle.due_at)
    engine.complete(moved.id, {"result": "调解成功", "handling_notes": "已协商"}, actor=MEDIATOR)
    review = _ready(engine, CENTER, instance, "review")  # the step only the new version has
    assert review.form_key == "plain_case/close.schema.json"
    engine.complete(review.id, {"closing_summary": "复核无误"}, actor=CENTER)
    engine.complete(
        _ready(engine, CENTER, instance, "callback").id, {"evaluation": "满意"}, actor=CENTER
    )
    engine.complete(
        _ready(engine, CENTER, instance, "close").id, {"closing_summary": "结案"}, actor=CENTER
    )
    assert engine.instance(instance).status == "completed"
    assert engine.versions()[1].id == v1 and engine.versions()[1].running_instances == 0


def test_running_timer_keeps_its_due_time(engine, clock):
    _deploy(engine, plain_case_set())
    day0 = clock.now()
    instance = _waiting_in_handle(engine)  # a 3-day timer starts on day 0
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=10)")))
    clock.advance(days=2)
    engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="调整时限")
    [timer] = _timers(engine, instance)
    assert timer.due_at == day0 + timedelta(days=3)  # not day 2 + anything
    assert _ready(engine, MEDIATOR, instance, "handle").due_at == day0 + timedelta(days=3)
    clock.advance(days=1, seconds=-1)
    assert engine.fire_due_timers() == 0
    clock.advance(seconds=2)
    assert engine.fire_due_timers() == 1
    supervise = _ready(engine, Actor.of("zhao", ["督办员"]), instance, "supervise")
    assert supervise.instance_id == instance


def test_history_records_the_migration_with_versions_reason_and_actor(engine):
    v1 = _deploy(engine, plain_case_set())
    instance = _waiting_in_handle(engine)
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=5)")))
    engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="调整时限")
    [event] = _events(engine, instance, "instance_migrated")
    assert event.actor == "chen" and event.version_id == v2
    assert event.data == {"from_version_id": v1, "to_version_id": v2, "reason": "调整时限"}
    assert not _events(engine, instance, "task_cancelled")  # the waiting task was kept
    assert engine.verify_history().ok


def test_refused_when_the_waiting_task_is_gone(engine):
    v1 = _deploy(engine, plain_case_set())
    instance = engine.start("plain_case", actor=CENTER)  # waiting at 受理登记 (intake)
    v2 = _deploy(
        engine, edited(plain_case_set(), DIAGRAM, without_task("intake", "gw_handle_merge"))
    )
    [problem] = engine.migration_problems(instance, v2)
    assert problem == "等待办理的任务「受理登记」(intake)在新版本中不存在"
    with pytest.raises(MigrationRefused) as refused:
        engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="试试")
    assert "受理登记" in str(refused.value)
    assert engine.instance(instance).version_id == v1
    assert not _events(engine, instance, "instance_migrated")


def test_refused_when_a_finished_step_was_deleted(engine):
    _deploy(engine, plain_case_set())
    instance = _waiting_in_handle(engine)
    v2 = _deploy(
        engine, edited(plain_case_set(), DIAGRAM, without_task("intake", "gw_handle_merge"))
    )
    assert "已执行的步骤「受理登记」(intake)在新版本中已删除" in engine.migration_problems(
        instance, v2
    )


def test_refused_for_an_instance_that_ended(engine):
    _deploy(engine, plain_case_set())
    instance = engine.start("plain_case", actor=CENTER)
    engine.cancel(instance, actor=CENTER, reason="重复登记")
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=5)")))
    [problem] = engine.migration_problems(instance, v2)
    assert "已结束" in problem
    with pytest.raises(MigrationRefused):
        engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="迁移")


def test_a_reason_is_required(engine):
    _deploy(engine, plain_case_set())
    instance = engine.start("plain_case", actor=CENTER)
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=5)")))
    with pytest.raises(ValueError, match="原因"):
        engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="  ")


MULTI = (
    HEAD.format(pid="mi")
    + '<bpmn:process id="mi" isExecutable="true"><bpmn:laneSet id="ls">'
    + '<bpmn:lane id="l" name="部门"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>'
    + "<bpmn:flowNodeRef>each</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>"
    + '</bpmn:lane></bpmn:laneSet><bpmn:startEvent id="s"/>'
    + '<bpmn:userTask id="each" name="{name}"><bpmn:extensionElements><spiffworkflow:properties>'
    + '<spiffworkflow:property name="formJsonSchemaFilename" value="t/a.json"/>'
    + "</spiffworkflow:properties></bpmn:extensionElements>"
    + "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>units</bpmn:loopDataInputRef>"
    + '<bpmn:inputDataItem id="unit" name="unit"/></bpmn:multiInstanceLoopCharacteristics>'
    + '</bpmn:userTask><bpmn:endEvent id="e"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="each"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="e"/>'
    + "</bpmn:process></bpmn:definitions>"
)


def test_refused_inside_a_running_multi_instance(engine, tmp_path):
    form = write_form(tmp_path, "t/a.json")
    form_file = SourceFile("t/a.json", "form", form.read_bytes())
    _deploy(
        engine, [SourceFile("mi.bpmn", "bpmn", MULTI.format(name="各部门").encode()), form_file]
    )
    instance = engine.start("mi", actor=CENTER, data={"units": ["公安", "司法所"]})
    v2 = _deploy(
        engine, [SourceFile("mi.bpmn", "bpmn", MULTI.format(name="部门").encode()), form_file]
    )
    [problem] = engine.migration_problems(instance, v2)
    assert "多实例活动" in problem and "(each)" in problem


def test_a_write_from_before_the_migration_is_refused(engine):
    _deploy(engine, plain_case_set())
    instance = _waiting_in_handle(engine)
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=5)")))
    with engine.session_factory() as stale:
        row = stale.get(Instance, instance)  # read before the migration
        engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="调整")
        row.state = "{}"
        with pytest.raises(StaleDataError):
            stale.commit()
    assert engine.instance(instance).version_id == v2


def test_migration_racing_a_step_loses_nothing(engine):
    """SQLite: one of the two gets a conflict. PostgreSQL: the row lock orders them and
    the second works on the first one's result. Never is one write silently lost."""
    _deploy(engine, plain_case_set())
    instance = _waiting_in_handle(engine)
    handle = _ready(engine, MEDIATOR, instance, "handle")
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=5)")))
    engine.before_commit.append(lambda session: time.sleep(0.3))
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, action):
        barrier.wait()
        try:
            action()
            outcomes[name] = "ok"
        except ConflictError as error:
            outcomes[name] = error

    done = {"result": "调解成功", "handling_notes": "已协商"}
    threads = [
        threading.Thread(
            target=run,
            args=(
                "migrate",
                lambda: engine.migrate(instance, to_version_id=v2, actor=DESIGNER, reason="调整"),
            ),
        ),
        threading.Thread(
            target=run, args=("complete", lambda: engine.complete(handle.id, done, actor=MEDIATOR))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.before_commit.clear()
    assert set(outcomes) == {"migrate", "complete"} and "ok" in outcomes.values(), outcomes
    migrated = outcomes["migrate"] == "ok"
    assert (engine.instance(instance).version_id == v2) is migrated
    assert bool(_events(engine, instance, "instance_migrated")) is migrated
    completed = outcomes["complete"] == "ok"
    assert (engine.task(handle.id).status == "completed") is completed
    if completed:
        assert _ready(engine, CENTER, instance, "callback")
    assert engine.verify_history().ok
