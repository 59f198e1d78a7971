"""Setting a running instance's variables from outside its steps (``Engine.set_variables``)
and from inside one (``engine.variables.set_in_step``): later tasks and later deadlines
read the new values, nothing runs, one ``variables_set`` event says what changed and why."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import Actor, ConflictError, NotFound
from engine.models import HistoryEvent, Instance, TimerRecord
from engine.variables import set_in_step

from .diagrams import HEAD, write

CENTER = Actor.of("li", ["镇综治中心"])
LEADER = Actor.of("wang", ["县综治中心"])
START = {"priority": "普通", "limit_days": 5}


def _process(pid: str, body: str, flows: list[tuple[str, str]], lanes: dict[str, str]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in lanes)
    flow_xml = "".join(
        f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>' for a, b in flows
    )
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">'
        + f'<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="镇综治中心">{refs}</bpmn:lane>'
        + "</bpmn:laneSet>"
        + body
        + flow_xml
        + "</bpmn:process></bpmn:definitions>"
    )


# A register task and, in parallel, a review inside an embedded subprocess; after the
# register, a script copies the priority and a handling task gets a limit of limit_days.
SUBPROCESS = (
    '<bpmn:subProcess id="sub" name="复核">'
    '<bpmn:startEvent id="s_start"/><bpmn:userTask id="inner" name="复核"/>'
    '<bpmn:endEvent id="s_end"/>'
    '<bpmn:sequenceFlow id="fs1" sourceRef="s_start" targetRef="inner"/>'
    '<bpmn:sequenceFlow id="fs2" sourceRef="inner" targetRef="s_end"/>'
    "</bpmn:subProcess>"
)
VARS_BODY = (
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="fork"/>'
    '<bpmn:userTask id="a" name="登记"/>'
    '<bpmn:scriptTask id="note" name="note"><bpmn:script>seen = priority</bpmn:script>'
    "</bpmn:scriptTask>"
    '<bpmn:userTask id="b" name="办理"/>'
    '<bpmn:boundaryEvent id="b_due" name="办理时限" attachedToRef="b"><bpmn:timerEventDefinition>'
    "<bpmn:timeDuration>duration(days=limit_days)</bpmn:timeDuration>"
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:endEvent id="late"/>'
    + SUBPROCESS
    + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
)
VARS_FLOWS = [
    ("start", "fork"),
    ("fork", "a"),
    ("a", "note"),
    ("note", "b"),
    ("b", "join"),
    ("b_due", "late"),
    ("fork", "sub"),
    ("sub", "join"),
    ("join", "end"),
]
VARS_LANE = {
    n: "" for n in ("start", "fork", "a", "note", "b", "b_due", "late", "sub", "join", "end")
}

# Two parallel tasks; after 甲 a service task raises the priority from inside the step.
STEP_BODY = (
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="fork"/>'
    '<bpmn:userTask id="x" name="甲"/>'
    '<bpmn:serviceTask id="raise" name="raise"><bpmn:extensionElements>'
    '<spiffworkflow:serviceTaskOperator id="test.raise" resultVariable="raised">'
    "<spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>"
    "</bpmn:extensionElements></bpmn:serviceTask>"
    '<bpmn:endEvent id="end1"/>'
    '<bpmn:userTask id="y" name="乙"/>'
    '<bpmn:scriptTask id="show" name="show"><bpmn:script>seen = priority</bpmn:script>'
    "</bpmn:scriptTask>"
    '<bpmn:endEvent id="end2"/>'
)
STEP_FLOWS = [
    ("start", "fork"),
    ("fork", "x"),
    ("x", "raise"),
    ("raise", "end1"),
    ("fork", "y"),
    ("y", "show"),
    ("show", "end2"),
]
STEP_LANE = {n: "" for n in ("start", "fork", "x", "raise", "end1", "y", "show", "end2")}


@pytest.fixture
def varied(engine, tmp_path):
    def raise_priority(params, data):
        set_in_step({"priority": "紧急"}, reason="甲完成后升级")
        return True

    engine.operators.register("test.raise", raise_priority)
    paths = [
        write(tmp_path, "vars_p.bpmn", _process("vars_p", VARS_BODY, VARS_FLOWS, VARS_LANE)),
        write(tmp_path, "vars_s.bpmn", _process("vars_s", STEP_BODY, STEP_FLOWS, STEP_LANE)),
    ]
    engine.deploy(paths, actor="designer")
    return engine


def _ready(engine, instance_id: int, spec_id: str):
    [task] = [
        t for t in engine.tasks_of(instance_id) if t.status == "ready" and t.spec_id == spec_id
    ]
    return task


def _events(engine, instance_id: int, event_type: str | None = None) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        query = select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
        if event_type:
            query = query.where(HistoryEvent.event_type == event_type)
        return list(session.scalars(query.order_by(HistoryEvent.seq)))


def _data(engine, task_id: str) -> dict:
    return engine.task_instructions(task_id)[1]


def test_later_tasks_and_deadlines_read_the_new_values(varied, clock):
    instance_id = varied.start("vars_p", actor=CENTER, data=START)
    before = len(_events(varied, instance_id))

    varied.set_variables(
        instance_id, {"priority": "紧急", "limit_days": 2}, actor=LEADER, reason="群体性纠纷升级"
    )

    [event] = _events(varied, instance_id)[before:]  # one event, no step ran
    assert (event.event_type, event.actor) == ("variables_set", "wang")
    assert event.data == {
        "values": {"priority": "紧急", "limit_days": 2},
        "old": {"priority": "普通", "limit_days": 5},
        "reason": "群体性纠纷升级",
    }
    assert sorted(t.spec_id for t in varied.tasks_of(instance_id) if t.status == "ready") == [
        "a",
        "inner",
    ]
    assert _data(varied, _ready(varied, instance_id, "inner").id)["priority"] == "紧急"

    clock.advance(hours=1)
    varied.complete(_ready(varied, instance_id, "a").id, {}, actor=CENTER)
    handling = _ready(varied, instance_id, "b")
    assert _data(varied, handling.id)["seen"] == "紧急"
    assert handling.due_at == clock.now() + timedelta(days=2)  # not the 5 days it started with
    with varied.session_factory() as session:
        [timer] = session.scalars(select(TimerRecord).where(TimerRecord.instance_id == instance_id))
    assert timer.due_at == clock.now() + timedelta(days=2)
    assert varied.verify_history().ok


def test_timers_already_armed_keep_their_due_time(varied, clock):
    instance_id = varied.start("vars_p", actor=CENTER, data=START)
    varied.complete(_ready(varied, instance_id, "a").id, {}, actor=CENTER)
    due = _ready(varied, instance_id, "b").due_at
    varied.set_variables(instance_id, {"limit_days": 1}, actor=LEADER, reason="缩短时限")
    assert _ready(varied, instance_id, "b").due_at == due == clock.now() + timedelta(days=5)
    assert _data(varied, _ready(varied, instance_id, "b").id)["limit_days"] == 1


def test_values_set_inside_a_step_reach_the_other_branches(varied):
    instance_id = varied.start("vars_s", actor=CENTER, data=START)
    varied.complete(_ready(varied, instance_id, "x").id, {}, actor=CENTER)

    [event] = _events(varied, instance_id, "variables_set")
    assert (event.actor, event.data["reason"]) == ("li", "甲完成后升级")
    assert (event.data["values"], event.data["old"]) == ({"priority": "紧急"}, {"priority": "普通"})
    completed = _events(varied, instance_id, "task_completed")
    assert event.seq > max(e.seq for e in completed)  # written after the step rested
    assert _data(varied, _ready(varied, instance_id, "y").id)["priority"] == "紧急"

    varied.complete(_ready(varied, instance_id, "y").id, {}, actor=CENTER)
    run = varied.instance(instance_id, with_data=True)
    assert (run.status, run.data["seen"]) == ("completed", "紧急")
    assert varied.verify_history().ok


def test_a_failed_step_sets_nothing(varied):
    instance_id = varied.start("vars_s", actor=CENTER, data=START)

    def fail(session):
        raise RuntimeError("boom")

    varied.before_commit.append(fail)
    with pytest.raises(RuntimeError):
        varied.complete(_ready(varied, instance_id, "x").id, {}, actor=CENTER)
    varied.before_commit.clear()
    assert _events(varied, instance_id, "variables_set") == []
    assert _data(varied, _ready(varied, instance_id, "y").id)["priority"] == "普通"


@pytest.mark.parametrize(
    ("values", "reason", "message"),
    [
        ({"priority": "紧急"}, " ", "原因"),
        ({}, "理由", "没有要修改"),
        ({"_secret": 1}, "理由", "不合法"),
        ({"bad name": 1}, "理由", "不合法"),
        ({"when": object()}, "理由", "JSON"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(varied, values, reason, message):
    instance_id = varied.start("vars_p", actor=CENTER, data=START)
    before = len(_events(varied, instance_id))
    with pytest.raises(ValueError, match=message):
        varied.set_variables(instance_id, values, actor=LEADER, reason=reason)
    assert len(_events(varied, instance_id)) == before


def test_unknown_or_ended_instances_are_refused(varied):
    with pytest.raises(NotFound):
        varied.set_variables(999_999, {"priority": "紧急"}, actor=LEADER, reason="理由")
    instance_id = varied.start("vars_p", actor=CENTER, data=START)
    varied.cancel(instance_id, actor=LEADER, reason="撤案")
    with pytest.raises(ConflictError, match="已结束"):
        varied.set_variables(instance_id, {"priority": "紧急"}, actor=LEADER, reason="理由")


def test_before_save_writes_in_the_same_transaction(varied):
    instance_id = varied.start("vars_p", actor=CENTER, data=START)

    def refuse(session):
        raise ValueError("领域检查未通过")

    with pytest.raises(ValueError, match="领域检查"):
        varied.set_variables(
            instance_id, {"priority": "紧急"}, actor=LEADER, reason="理由", before_save=refuse
        )
    assert _events(varied, instance_id, "variables_set") == []
    assert _data(varied, _ready(varied, instance_id, "a").id)["priority"] == "普通"


def test_a_stale_concurrent_change_never_overwrites(varied, is_postgres):
    """A step holds the instance while the values are set: on SQLite the second writer
    finds the version moved and fails with ConflictError; on PostgreSQL it waits for the
    row lock and then applies to the state the step left. Never a lost update."""
    instance_id = varied.start("vars_p", actor=CENTER, data=START)
    task = _ready(varied, instance_id, "a")
    holding = threading.Event()

    def slow(session):
        holding.set()
        time.sleep(0.4)

    varied.before_commit.append(slow)
    step = threading.Thread(target=lambda: varied.complete(task.id, {}, actor=CENTER))
    step.start()
    assert holding.wait(10)
    varied.before_commit.clear()
    outcome: object = None
    try:
        varied.set_variables(instance_id, {"priority": "紧急"}, actor=LEADER, reason="理由")
    except ConflictError as conflict:
        outcome = conflict
    step.join(timeout=30)

    assert varied.task(task.id).status == "completed"  # the step was never undone
    handling = _ready(varied, instance_id, "b")
    with varied.session_factory() as session:
        sets = session.scalar(
            select(func.count()).where(
                HistoryEvent.instance_id == instance_id,
                HistoryEvent.event_type == "variables_set",
            )
        )
        version = session.get(Instance, instance_id).row_version
    if is_postgres:
        assert outcome is None and sets == 1
        assert _data(varied, handling.id)["priority"] == "紧急"
    else:
        assert isinstance(outcome, ConflictError) and "他人" in str(outcome)
        assert sets == 0
        assert _data(varied, handling.id)["priority"] == "普通"
    assert version >= 2
    assert varied.verify_history().ok
