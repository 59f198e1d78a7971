"""Every rejection names its file (and element) and says in Chinese what to change (issue 19):
SpiffWorkflow's own messages, the schema's, and the per-file reasons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import SpiffWorkflow

from engine import SourceFile
from engine.spiff_texts import translate
from engine.xsd_texts import xsd_line

from .diagrams import HEAD, sequence

CJK = re.compile(r"[\u3400-\u9fff]")
SPIFF_ROOT = Path(SpiffWorkflow.__file__).parent
RAISES = re.compile(
    r"(?:ValidationException|raise_validation_exception)\(\s*f?(['\"])(.+?)\1", re.S
)
FALLBACK = "SpiffWorkflow 校验未通过"


def _spiff_texts() -> list[str]:
    """Every literal message SpiffWorkflow's parsers raise, placeholders filled with 1."""
    found = set()
    for path in SPIFF_ROOT.rglob("*.py"):
        for match in RAISES.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            if text.startswith("%r"):
                continue  # a wrapped Python exception: tested below
            found.add(re.sub(r"\{[^}]*\}|%[rs]", "1", text))
    return sorted(found)


def test_the_scan_finds_spiffworkflows_messages():
    texts = _spiff_texts()
    assert len(texts) > 40
    assert "A Service Task must have an operator" in texts


@pytest.mark.parametrize("original", _spiff_texts())
def test_every_spiffworkflow_message_has_a_chinese_row(original):
    text = translate(original)
    assert CJK.search(text) and FALLBACK not in text, (original, text)


def test_an_unknown_message_gets_a_chinese_lead_and_the_original():
    assert translate("Something new happened.") == f"{FALLBACK}（原文：Something new happened）"


def test_python_exception_text_never_shows():
    text = translate("KeyError('bpmn:foo')")
    assert "KeyError" not in text and "foo" not in text and CJK.search(text)


def test_a_long_schema_message_becomes_one_short_line():
    names = ", ".join(
        f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}{n}"
        for n in ("incoming", "outgoing", "property", "dataInputAssociation", "ioSpecification")
    )
    original = (
        "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}documentation': This element "
        f"is not expected. Expected is one of ( {names} )."
    )
    line = xsd_line(original)
    assert line == (
        "元素 bpmn:documentation 出现在不允许的位置或顺序上"
        "（此处应为 bpmn:incoming、bpmn:outgoing、bpmn:property、bpmn:dataInputAssociation "
        "等 5 种）"
    )


def _one(engine, *files: tuple[str, str]):
    problems = engine.validate_set([SourceFile(n, "bpmn", t.encode()) for n, t in files])
    errors = [p for p in problems if p.severity == "error"]
    assert errors, problems
    for problem in problems:
        assert problem.file in {n for n, _ in files} and CJK.search(problem.message)
    return errors


def _process(body: str, pid: str = "p", executable: str = "true") -> str:
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="测试" isExecutable="{executable}">{body}'
        + "</bpmn:process></bpmn:definitions>"
    )


def test_service_task_without_operator_is_a_warning_naming_the_element(engine):
    task = '<bpmn:serviceTask id="svc" name="发短信"/>'
    files = [SourceFile("a.bpmn", "bpmn", sequence("p", ("svc", task)).encode())]
    [problem] = [p for p in engine.validate_set(files) if p.element == "svc"]
    assert (problem.file, problem.severity) == ("a.bpmn", "warning")
    assert problem.message.startswith("服务任务没有指定服务操作：运行时直接通过，不调用任何服务")


def test_process_without_start_event_is_named(engine):
    # every node has a way in (a cycle): no node for a start to begin with (BPMN 2.0 §10.5.2)
    body = (
        '<bpmn:scriptTask id="a"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:scriptTask id="b"><bpmn:script>x = 2</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="b" targetRef="a"/>'
    )
    errors = _one(engine, ("a.bpmn", _process(body)))
    assert any(e.element == "p" and "没有开始事件" in e.message for e in errors)


def test_a_subprocess_with_two_start_events_is_named(engine):
    inner = (
        '<bpmn:startEvent id="s1"/><bpmn:startEvent id="s2"/><bpmn:endEvent id="se"/>'
        '<bpmn:sequenceFlow id="g1" sourceRef="s1" targetRef="se"/>'
        '<bpmn:sequenceFlow id="g2" sourceRef="s2" targetRef="se"/>'
    )
    sub = f'<bpmn:subProcess id="sub" name="核查">{inner}</bpmn:subProcess>'
    errors = _one(engine, ("a.bpmn", sequence("p", ("sub", sub))))
    assert any(
        e.element == "sub" and "恰好有一个开始事件，现在有 2 个" in e.message for e in errors
    )


def test_a_missing_called_process_names_the_call_activity(engine):
    call = '<bpmn:callActivity id="call" name="调用核查" calledElement="check"/>'
    [error] = _one(engine, ("a.bpmn", sequence("p", ("call", call))))
    assert (error.file, error.element) == ("a.bpmn", "call")
    assert error.message.startswith("调用活动「调用核查」(call)：调用的流程 check 不在")


def test_calling_a_process_not_marked_executable_says_how_to_mark_it(engine):
    call = '<bpmn:callActivity id="call" name="调用核查" calledElement="check"/>'
    called = _process(
        '<bpmn:startEvent id="cs"/><bpmn:endEvent id="ce"/>'
        '<bpmn:sequenceFlow id="cf" sourceRef="cs" targetRef="ce"/>',
        pid="check",
        executable="false",
    )
    errors = _one(engine, ("a.bpmn", sequence("p", ("call", call))), ("check.bpmn", called))
    marked = [e for e in errors if "没有标记为可执行" in e.message]
    assert marked and 'isExecutable="true"' in marked[0].message


def test_an_event_naming_a_missing_signal_is_a_message_not_a_type_error(engine):
    event = (
        '<bpmn:intermediateCatchEvent id="wait" name="等信号">'
        '<bpmn:signalEventDefinition signalRef="nowhere"/></bpmn:intermediateCatchEvent>'
    )
    [error] = _one(engine, ("a.bpmn", sequence("p", ("wait", event))))
    assert error.element == "wait"
    assert error.message.startswith("中间捕获事件「等信号」(wait)：事件引用的")
    assert "TypeError" not in error.message and "node" not in error.message


@pytest.mark.parametrize(
    ("original", "line"),
    [
        (
            "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}task', attribute 'id': "
            "'1abc' is not a valid value of the atomic type 'xs:ID'.",
            "元素 bpmn:task 的属性 id 的值 '1abc'（应为 xs:ID；id 须以字母或下划线开头）"
            " 不合规范：请改正",
        ),
        (
            "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}sequenceFlow', attribute "
            "'sourceRef': '2nd' is not a valid value of the atomic type 'xs:IDREF'.",
            "元素 bpmn:sequenceFlow 的属性 sourceRef 的值 '2nd'（应为 xs:IDREF；"
            "引用的 id 须以字母或下划线开头） 不合规范：请改正",
        ),
        (
            "Element 'gbtec:entityData': No matching global element declaration available, "
            "but demanded by the strict wildcard.",
            "元素 gbtec:entityData 不属于 BPMN 2.0：请移进扩展元素（bpmn:extensionElements）或删除",
        ),
        (
            "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}sequenceFlow': "
            "The attribute 'targetRef' is required but missing.",
            "元素 bpmn:sequenceFlow 缺少必需的属性 targetRef",
        ),
    ],
)
def test_schema_messages_name_element_attribute_and_value(original, line):
    assert xsd_line(original) == line


def test_an_inclusive_gateways_flow_without_condition_is_not_called_exclusive(engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:inclusiveGateway id="both" name="分别处理"/>'
        '<bpmn:task id="a" name="甲"/><bpmn:task id="b" name="乙"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="both"/>'
        '<bpmn:sequenceFlow id="fa" sourceRef="both" targetRef="a"/>'
        '<bpmn:sequenceFlow id="fb" sourceRef="both" targetRef="b"/>'
        '<bpmn:sequenceFlow id="fa2" sourceRef="a" targetRef="end"/>'
        '<bpmn:sequenceFlow id="fb2" sourceRef="b" targetRef="end"/>'
    )
    errors = _one(engine, ("a.bpmn", _process(body)))
    texts = " ".join(e.message for e in errors)
    assert "离开排他或包容网关的顺序流既没有条件" in texts, texts
