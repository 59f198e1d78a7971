"""Lint follows BPMN where it allows more than our own diagrams use (issue 19): implicit
ends are a warning at most, an interrupting signal boundary event may end a path, and a
compensation handler is reached through its compensation association. Each diagram is
valid BPMN and deploys."""

from __future__ import annotations

from lxml import etree

from engine import SourceFile
from engine.lint import lint_xml

from .diagrams import HEAD, sequence


def script(task_id: str, name: str, *, compensation: bool = False) -> str:
    marker = ' isForCompensation="true"' if compensation else ""
    return (
        f'<bpmn:scriptTask id="{task_id}" name="{name}"{marker}>'
        "<bpmn:script>done = True</bpmn:script></bpmn:scriptTask>"
    )


def _process(body: str, artifacts: str = "") -> str:
    return (
        HEAD.format(pid="p")
        + f'<bpmn:process id="p" name="外来流程" isExecutable="true">{body}{artifacts}'
        + "</bpmn:process></bpmn:definitions>"
    )


def _flows(*pairs: tuple[str, str]) -> str:
    return "".join(
        f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>' for a, b in pairs
    )


def _deploys(engine, text: str):
    """The diagram deploys; its problems (all warnings) are returned."""
    files = [SourceFile("p.bpmn", "bpmn", text.encode())]
    problems = engine.validate_set(files)
    assert [p for p in problems if p.severity == "error"] == []
    assert engine.deploy_set(files, actor="designer", note="").process_ids == ["p"]
    return problems


def test_a_task_may_end_the_process_with_a_warning(engine):
    body = '<bpmn:startEvent id="s"/>' + script("t", "归档") + _flows(("s", "t"))
    [warning] = _deploys(engine, _process(body))
    assert (warning.element, warning.severity) == ("t", "warning")
    assert (
        warning.message.startswith("脚本任务「归档」(t) 没有离开它的顺序流")
        and "隐式结束" in warning.message
    )


def test_a_receive_task_may_end_the_process(engine):
    body = (
        '<bpmn:startEvent id="s"/><bpmn:receiveTask id="r" name="收回执" messageRef="m"/>'
        + _flows(("s", "r"))
    )
    text = _process(body).replace(
        '<bpmn:process id="p"', '<bpmn:message id="m" name="回执"/><bpmn:process id="p"'
    )
    [warning] = _deploys(engine, text)
    assert warning.element == "r" and warning.severity == "warning"


def test_a_start_event_alone_is_a_warning(engine):
    [warning] = _deploys(engine, _process('<bpmn:startEvent id="s" name="收到"/>'))
    assert warning.element == "s" and "开始事件「收到」(s)" in warning.message


def test_a_timer_boundary_event_without_flow_is_a_warning(engine):
    body = (
        '<bpmn:startEvent id="s"/>' + script("t", "处理") + '<bpmn:endEvent id="e"/>'
        '<bpmn:boundaryEvent id="late" name="超时" attachedToRef="t">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>" + _flows(("s", "t"), ("t", "e"))
    )
    [warning] = _deploys(engine, _process(body))
    assert warning.element == "late" and "边界事件「超时」(late)" in warning.message


def test_an_interrupting_signal_boundary_event_needs_no_flow(engine):
    body = (
        '<bpmn:startEvent id="s"/>' + script("t", "处理") + '<bpmn:endEvent id="e"/>'
        '<bpmn:boundaryEvent id="stop" name="撤回" attachedToRef="t">'
        '<bpmn:signalEventDefinition signalRef="withdrawn"/></bpmn:boundaryEvent>'
        + _flows(("s", "t"), ("t", "e"))
    )
    text = _process(body).replace(
        '<bpmn:process id="p"', '<bpmn:signal id="withdrawn" name="撤回"/><bpmn:process id="p"'
    )
    assert _deploys(engine, text) == []


COMPENSATION = (
    '<bpmn:startEvent id="s"/>'
    + script("book", "预订")
    + '<bpmn:boundaryEvent id="undo_book" attachedToRef="book">'
    "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
    + script("cancel", "取消预订", compensation=True)
    + '<bpmn:intermediateThrowEvent id="undo" name="撤销">'
    "<bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>"
    '<bpmn:endEvent id="e"/>' + _flows(("s", "book"), ("book", "undo"), ("undo", "e"))
)


def _lint(text: str):
    return lint_xml({"p.bpmn": etree.fromstring(text.encode())})


def test_a_compensation_handler_is_reached_through_its_association():
    link = '<bpmn:association id="a1" sourceRef="undo_book" targetRef="cancel"/>'
    assert _lint(_process(COMPENSATION, link)) == []


def test_a_compensation_handler_nothing_points_at_is_a_warning():
    [warning] = _lint(_process(COMPENSATION))
    assert (warning.element, warning.severity) == (
        "cancel",
        "warning",
    ) and "补偿" in warning.message


def test_compensation_is_refused_by_name_since_the_engine_cannot_run_it(engine):
    """SpiffWorkflow 3.2 has no compensation: the designer is told so at the event."""
    link = '<bpmn:association id="a1" sourceRef="undo_book" targetRef="cancel"/>'
    text = _process(COMPENSATION, link)
    problems = engine.validate_set([SourceFile("p.bpmn", "bpmn", text.encode())])
    [error] = [p for p in problems if p.severity == "error"]
    assert error.element in {"undo_book", "undo"} and "不支持补偿事件" in error.message


def test_a_gateway_without_a_way_out_is_still_an_error(engine):
    body = '<bpmn:startEvent id="s"/><bpmn:parallelGateway id="g" name="分头办"/>' + _flows(
        ("s", "g")
    )
    problems = engine.validate_set([SourceFile("p.bpmn", "bpmn", _process(body).encode())])
    assert [(p.element, p.severity) for p in problems if p.element == "g"] == [("g", "error")]


def _caller(pid: str, called: str) -> str:
    call = f'<bpmn:callActivity id="call_{called}" name="调用" calledElement="{called}"/>'
    return sequence(pid, (f"call_{called}", call), lane=None)


def test_a_process_calling_itself_is_refused_before_it_nests_without_end(engine):
    problems = engine.validate_set(
        [SourceFile("loop.bpmn", "bpmn", _caller("loop", "loop").encode())]
    )
    [error] = [p for p in problems if p.severity == "error"]
    assert (error.file, error.element) == ("loop.bpmn", "call_loop")
    assert "调用了它所在的流程自身" in error.message and "网关" in error.message


def test_two_processes_calling_each_other_are_each_named(engine):
    files = [
        SourceFile("a.bpmn", "bpmn", _caller("a", "b").encode()),
        SourceFile("b.bpmn", "bpmn", _caller("b", "a").encode()),
    ]
    errors = [p for p in engine.validate_set(files) if p.severity == "error"]
    assert {(p.file, p.element) for p in errors} == {("a.bpmn", "call_b"), ("b.bpmn", "call_a")}
