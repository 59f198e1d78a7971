"""Lint rules: each finds its problem by element id, and the shipped library is clean."""

from __future__ import annotations

import json

from engine import SourceFile
from engine.bundle import collect_set
from processes.engine_factory import build_engine
from tests.conftest import BPMN_DIR, FORMS_DIR

from .diagrams import HEAD, SIMPLE_FORM, sequence, timer_catch, user_task

FORM = SourceFile("t/a.json", "form", json.dumps(SIMPLE_FORM).encode())
LANE = (
    '<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="镇综治中心">{refs}</bpmn:lane></bpmn:laneSet>'
)


def _process(nodes: str, flows: list[tuple[str, str | None, str | None]], lane_ids=()) -> str:
    """A process of the given node XML and (id, source, target) flows; lane over lane_ids."""
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in lane_ids)
    flow_xml = "".join(
        f'<bpmn:sequenceFlow id="{fid}"'
        + (f' sourceRef="{s}"' if s else "")
        + (f' targetRef="{t}"' if t else "")
        + "/>"
        for fid, s, t in flows
    )
    return (
        HEAD.format(pid="p")
        + '<bpmn:process id="p" name="p" isExecutable="true">'
        + (LANE.format(refs=refs) if lane_ids else "")
        + nodes
        + flow_xml
        + "</bpmn:process></bpmn:definitions>"
    )


def _problems(engine, text: str, *extra: SourceFile):
    return engine.validate_set([SourceFile("p.bpmn", "bpmn", text.encode()), FORM, *extra])


def _at(problems, element):
    return [p for p in problems if p.element == element]


TASK = user_task("a", "登记", form="t/a.json")


def test_flow_to_an_unknown_element_is_dangling(engine):
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "a", "nowhere")],
        ["s", "a", "e"],
    )
    [problem] = _at(_problems(engine, text), "f3")
    assert "nowhere" in problem.message and "悬空" in problem.message
    assert problem.severity == "error"


def test_flow_without_target_is_rejected(engine):
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "a", None)],
        ["s", "a", "e"],
    )
    [problem] = _problems(engine, text)  # the schema check names it, with its line
    assert problem.file == "p.bpmn" and "targetRef" in problem.message and "行" in problem.message


def test_boundary_event_on_an_unknown_activity_is_named(engine):
    boundary = (
        '<bpmn:boundaryEvent id="late" attachedToRef="gone"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:boundaryEvent>"
    )
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + boundary + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "late", "e")],
        ["s", "a", "late", "e"],
    )
    [problem] = _at(_problems(engine, text), "late")
    assert problem.message == "边界事件(late) 附着的活动 gone 不存在"


def test_gateway_default_that_is_not_its_exit_is_named(engine):
    text = _process(
        '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" name="分流" default="f1"/>'
        + TASK
        + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "g"), ("f2", "g", "a"), ("f3", "a", "e")],
        ["s", "g", "a", "e"],
    )
    [problem] = _at(_problems(engine, text), "g")
    assert problem.message == "排他网关「分流」(g) 的默认顺序流 f1 不是它的出口"


def test_element_without_incoming_flow_is_named(engine):
    orphan = (
        '<bpmn:scriptTask id="orphan" name="孤立脚本">'
        "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"
    )
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + orphan + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "orphan", "e")],
        ["s", "a", "orphan", "e"],
    )
    [problem] = _at(_problems(engine, text), "orphan")
    assert (
        problem.message.startswith("脚本任务「孤立脚本」(orphan)") and "没有进入" in problem.message
    )


def test_element_without_outgoing_flow_is_named(engine):
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a")],
        ["s", "a", "e"],
    )
    problems = _problems(engine, text)
    assert any("没有离开" in p.message and "「登记」(a)" in p.message for p in _at(problems, "a"))
    assert any("没有进入" in p.message for p in _at(problems, "e"))


def test_cycle_no_start_event_leads_to_is_unreachable(engine):
    loop = user_task("x", "甲", form="t/a.json") + user_task("y", "乙", form="t/a.json")
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + loop + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "x", "y"), ("f4", "y", "x")],
        ["s", "a", "x", "y", "e"],
    )
    problems = _problems(engine, text)
    assert {p.element for p in problems if "无法到达" in p.message} == {"x", "y"}
    assert not _at(problems, "a")


def test_boundary_events_and_event_subprocesses_are_reachable(engine):
    boundary = (
        '<bpmn:boundaryEvent id="late" name="超期" attachedToRef="a" cancelActivity="false">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:endEvent id="late_end"/>'
    )
    event_sub = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        '<bpmn:startEvent id="esp_s"><bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>"
        '<bpmn:endEvent id="esp_e"/>'
        '<bpmn:sequenceFlow id="ef" sourceRef="esp_s" targetRef="esp_e"/></bpmn:subProcess>'
    )
    text = _process(
        '<bpmn:startEvent id="s"/>' + TASK + boundary + event_sub + '<bpmn:endEvent id="e"/>',
        [("f1", "s", "a"), ("f2", "a", "e"), ("f3", "late", "late_end")],
        ["s", "a", "late", "late_end", "e"],
    )
    assert _problems(engine, text) == []


def test_user_task_outside_any_lane_is_an_error(engine):
    text = sequence("p", ("a", TASK), lane=None)
    [problem] = _at(_problems(engine, text), "a")
    assert "不在任何泳道" in problem.message and problem.severity == "error"


def test_user_task_in_a_lane_that_is_no_role_is_an_error(engine):
    engine.lane_names = frozenset({"镇综治中心", "调解员"})
    text = sequence("p", ("a", TASK), lane="外星人")
    [problem] = _at(_problems(engine, text), "a")
    assert "外星人" in problem.message and "不是已知的角色" in problem.message
    engine.lane_names = None
    assert _problems(engine, text) == []


def test_user_task_without_form_is_a_warning_that_does_not_block(engine):
    text = sequence("p", ("a", user_task("a", "确认")))
    [problem] = _problems(engine, text)
    assert problem.element == "a" and problem.severity == "warning"
    assert "没有指定表单" in problem.message
    result = engine.deploy_set([SourceFile("p.bpmn", "bpmn", text.encode())], actor="d", note="")
    assert result.created and [w.element for w in result.warnings] == ["a"]


def test_timer_without_expression_is_named(engine):
    text = sequence("p", ("wait", timer_catch("wait", "  ")))
    assert any("没有设置时间表达式" in p.message for p in _at(_problems(engine, text), "wait"))


def test_unquoted_iso_timer_is_named(engine):
    text = sequence("p", ("wait", timer_catch("wait", "P3D")))
    [problem] = _at(_problems(engine, text), "wait")
    assert "缺少引号" in problem.message and '"P3D"' in problem.message


def test_timer_expression_evaluated_at_run_time_passes(engine):
    text = sequence("p", ("wait", timer_catch("wait", "duration(days=limit_days)")))
    assert _problems(engine, text) == []


def test_shipped_library_is_clean():
    engine = build_engine(lambda: None)
    files, problems = collect_set([BPMN_DIR], [FORMS_DIR])
    assert problems == []
    assert engine.validate_set(files) == []
