"""``Engine.instance_trail``: per process that ran, its XML and the elements completed,
current and waiting, and the sequence flows taken, across a call activity and an embedded
subprocess."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import Actor, NotFound
from engine.trail import ProcessTrail

from .diagrams import HEAD, write

CENTER = Actor.of("li", ["镇综治中心"])


def _lane(ids: list[str]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    lane = f'<bpmn:lane id="lane1" name="镇综治中心">{refs}</bpmn:lane>'
    return f'<bpmn:laneSet id="ls">{lane}</bpmn:laneSet>'


PARENT = (
    HEAD.format(pid="parent")
    + '<bpmn:process id="parent" name="主流程" isExecutable="true">'
    + _lane(["p_start", "a", "gw", "call_child", "p_end", "p_end_direct"])
    + '<bpmn:startEvent id="p_start" name="开始"/>'
    + '<bpmn:userTask id="a" name="研判"/>'
    + '<bpmn:exclusiveGateway id="gw" name="是否转办？" default="f_gw_end"/>'
    + '<bpmn:callActivity id="call_child" name="转办" calledElement="child"/>'
    + '<bpmn:endEvent id="p_end" name="办结"/>'
    + '<bpmn:endEvent id="p_end_direct" name="直接办结"/>'
    + '<bpmn:sequenceFlow id="f_start_a" sourceRef="p_start" targetRef="a"/>'
    + '<bpmn:sequenceFlow id="f_a_gw" sourceRef="a" targetRef="gw"/>'
    + '<bpmn:sequenceFlow id="f_gw_child" sourceRef="gw" targetRef="call_child">'
    + '<bpmn:conditionExpression>go == "child"</bpmn:conditionExpression></bpmn:sequenceFlow>'
    + '<bpmn:sequenceFlow id="f_gw_end" sourceRef="gw" targetRef="p_end_direct"/>'
    + '<bpmn:sequenceFlow id="f_child_end" sourceRef="call_child" targetRef="p_end"/>'
    + "</bpmn:process></bpmn:definitions>"
)

CHILD = (
    HEAD.format(pid="child")
    + '<bpmn:process id="child" name="子流程" isExecutable="true">'
    + _lane(["c_start", "sub", "c_end", "s_start", "c1", "s_end", "c1_warn", "warned"])
    + '<bpmn:startEvent id="c_start" name="接收"/>'
    + '<bpmn:subProcess id="sub" name="逐级办理">'
    + '<bpmn:startEvent id="s_start"/>'
    + '<bpmn:userTask id="c1" name="办理"/>'
    + '<bpmn:endEvent id="s_end"/>'
    + '<bpmn:boundaryEvent id="c1_warn" name="临期提醒" attachedToRef="c1" cancelActivity="false">'
    + '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration>'
    + "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    + '<bpmn:endEvent id="warned" name="已提醒"/>'
    + '<bpmn:sequenceFlow id="f_s_c1" sourceRef="s_start" targetRef="c1"/>'
    + '<bpmn:sequenceFlow id="f_c1_s_end" sourceRef="c1" targetRef="s_end"/>'
    + '<bpmn:sequenceFlow id="f_warn" sourceRef="c1_warn" targetRef="warned"/>'
    + "</bpmn:subProcess>"
    + '<bpmn:endEvent id="c_end" name="子流程结束"/>'
    + '<bpmn:sequenceFlow id="f_c_sub" sourceRef="c_start" targetRef="sub"/>'
    + '<bpmn:sequenceFlow id="f_sub_end" sourceRef="sub" targetRef="c_end"/>'
    + "</bpmn:process></bpmn:definitions>"
)


@pytest.fixture
def started(engine, tmp_path: Path) -> tuple:
    paths = [write(tmp_path, "parent.bpmn", PARENT), write(tmp_path, "child.bpmn", CHILD)]
    engine.deploy(paths, actor="designer")
    return engine, engine.start("parent", actor=CENTER)


def _ready(engine, instance_id: int, spec_id: str) -> str:
    [task] = [
        t for t in engine.tasks_of(instance_id) if t.status == "ready" and t.spec_id == spec_id
    ]
    return task.id


def _by_process(trails: list[ProcessTrail]) -> dict[str, ProcessTrail]:
    return {trail.process_id: trail for trail in trails}


def test_a_new_instance_has_run_to_its_first_task(started):
    engine, instance_id = started
    [parent] = engine.instance_trail(instance_id)

    assert (parent.process_id, parent.name, parent.file_name, parent.runs) == (
        "parent",
        "主流程",
        "parent.bpmn",
        1,
    )
    assert parent.completed == ("p_start",)
    assert parent.current == ("a",)
    assert parent.flows == ("f_start_a",)
    assert '<bpmn:process id="parent"' in parent.xml
    assert parent.names == {"p_start": "开始", "a": "研判"}


def test_the_called_process_and_its_embedded_subprocess_are_marked(started):
    engine, instance_id = started
    engine.complete(_ready(engine, instance_id, "a"), {"go": "child"}, actor=CENTER)

    trails = engine.instance_trail(instance_id)
    assert [t.process_id for t in trails] == ["parent", "child"]
    parent, child = trails

    assert parent.completed == ("p_start", "a", "gw")
    assert parent.current == ("call_child",)
    assert set(parent.flows) == {"f_start_a", "f_a_gw", "f_gw_child"}
    assert "gw" not in parent.names  # a gateway is a question, not a step

    assert child.runs == 1 and child.file_name == "child.bpmn"
    assert {"c_start", "s_start"} <= set(child.completed)
    assert set(child.current) == {"sub", "c1"}
    assert child.waiting == ("c1_warn",)
    assert set(child.flows) == {"f_c_sub", "f_s_c1"}


def test_completed_run_marks_every_step_and_only_the_flows_taken(started):
    engine, instance_id = started
    engine.complete(_ready(engine, instance_id, "a"), {"go": "child"}, actor=CENTER)
    engine.complete(_ready(engine, instance_id, "c1"), {}, actor=CENTER)

    trails = _by_process(engine.instance_trail(instance_id))
    parent, child = trails["parent"], trails["child"]
    assert parent.current == () and child.current == () and child.waiting == ()
    assert set(parent.completed) == {"p_start", "a", "gw", "call_child", "p_end"}
    assert "f_gw_end" not in parent.flows and "f_child_end" in parent.flows
    assert {"c1", "sub", "s_end", "c_end"} <= set(child.completed)
    assert "c1_warn" not in child.completed and "f_warn" not in child.flows
    assert {"f_c1_s_end", "f_sub_end"} <= set(child.flows)


def test_the_default_branch_never_runs_the_called_process(started):
    engine, instance_id = started
    engine.complete(_ready(engine, instance_id, "a"), {"go": "end"}, actor=CENTER)

    [parent] = engine.instance_trail(instance_id)
    assert "f_gw_end" in parent.flows and "f_gw_child" not in parent.flows
    assert "p_end_direct" in parent.completed and "call_child" not in parent.completed


def test_unknown_instance_is_not_found(engine):
    with pytest.raises(NotFound):
        engine.instance_trail(4242)


def test_a_fired_boundary_timer_marks_its_branch_beside_the_running_task(started, clock):
    engine, instance_id = started
    engine.complete(_ready(engine, instance_id, "a"), {"go": "child"}, actor=CENTER)
    clock.set(clock.now() + timedelta(days=2))
    assert engine.fire_due_timers() == 1

    child = _by_process(engine.instance_trail(instance_id))["child"]
    assert {"c1_warn", "warned"} <= set(child.completed)
    assert "f_warn" in child.flows
    assert "c1" in child.current and child.waiting == ()
    assert child.names["c1_warn"] == "临期提醒"
