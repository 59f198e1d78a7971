"""自动运行 of diagrams that used to stop: a loop is left as a person would (a boundary
timer or message, or the other answer), a multi-instance task gets its output item and an
unset input collection, a correlated message reaches the conversation that waits for it."""

from __future__ import annotations

from engine import Actor, SourceFile
from engine.trial import StepKind, run_to_end, start_trial, trial_view

from .diagrams import HEAD

DESIGNER = Actor.of("designer.wang", ["流程设计员"])
ANY_LANE = {"*": "镇综治中心"}


def _run(pid: str, body: str, head: str = "", **kwargs):
    text = (
        HEAD.format(pid=pid) + head + f'<bpmn:process id="{pid}" name="试" isExecutable="true">'
        f"{body}</bpmn:process></bpmn:definitions>"
    )
    files = [SourceFile(f"{pid}.bpmn", "bpmn", text.encode())]
    trial_id = start_trial(
        engine := kwargs.pop("engine"),
        files,
        actor=DESIGNER,
        data=kwargs.pop("data", {}),
        source="草稿",
        lane_map=ANY_LANE,
    )
    result = run_to_end(engine, trial_id, actor=DESIGNER, **kwargs)
    return result, trial_view(engine, trial_id, user=DESIGNER.user)


def _loop(exit_condition: str, boundary: str = "") -> str:
    """``ask`` again and again unless ``exit_condition``; ``boundary`` attached to ``ask``."""
    return (
        '<bpmn:startEvent id="start"/><bpmn:userTask id="ask" name="到了吗"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>'
        '<bpmn:exclusiveGateway id="gw" default="back"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="back" sourceRef="gw" targetRef="ask"/>'
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="out" sourceRef="gw" targetRef="end">'
        f"<bpmn:conditionExpression>{exit_condition}</bpmn:conditionExpression>"
        f"</bpmn:sequenceFlow>{boundary}" + ('<bpmn:endEvent id="fed_up"/>' if boundary else "")
    )


def _boundary(definition: str) -> str:
    return (
        f'<bpmn:boundaryEvent id="stop" name="不等了" attachedToRef="ask">{definition}'
        '</bpmn:boundaryEvent><bpmn:sequenceFlow id="f3" sourceRef="stop" targetRef="fed_up"/>'
    )


def test_a_loop_is_left_with_the_answer_its_condition_wants(engine):
    data = {"answer": "No"}
    result, view = _run("ask_loop", _loop("answer == 'Yes'"), engine=engine, data=data)
    assert result.finished
    answers = [s.submitted for s in view.steps if s.kind == StepKind.TASK]
    assert answers == [{}, {}, {"answer": "Yes"}]


def test_a_loop_only_a_boundary_timer_leaves_fires_it(engine):
    timer = '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1M"</bpmn:timeDuration>'
    boundary = _boundary(timer + "</bpmn:timerEventDefinition>")
    result, view = _run("timer_loop", _loop("False", boundary), engine=engine)
    assert result.finished
    assert [s.kind for s in view.steps][-1] == StepKind.TIMER
    assert sum(s.kind == StepKind.TASK for s in view.steps) == 2


def test_a_loop_only_a_boundary_message_leaves_gets_the_message(engine):
    boundary = _boundary('<bpmn:messageEventDefinition messageRef="enough"/>')
    head = '<bpmn:message id="enough" name="enough"/>'
    result, view = _run("message_loop", _loop("False", boundary), head, engine=engine)
    assert result.finished
    assert [s.kind for s in view.steps][-1] == StepKind.MESSAGE


MI = (
    '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each"/>'
    '<bpmn:userTask id="each" name="逐个办理"><bpmn:multiInstanceLoopCharacteristics>{loop}'
    "<bpmn:loopDataOutputRef>results</bpmn:loopDataOutputRef>"
    '<bpmn:inputDataItem id="item" name="item"/><bpmn:outputDataItem id="result" name="result"/>'
    "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
    '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end"/>'
)


def test_each_instance_of_a_multi_instance_task_gets_its_output_item(engine):
    loop = "<bpmn:loopCardinality>3</bpmn:loopCardinality>"
    result, view = _run("mi_count", MI.format(loop=loop), engine=engine)
    assert result.finished, result.reason
    assert [s.submitted for s in view.steps if s.kind == StepKind.TASK] == [{"result": 1}] * 3
    assert view.data["results"] == [1, 1, 1]


def test_an_unset_input_collection_is_supplied_with_a_sample_list(engine):
    loop = "<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
    result, view = _run("mi_input", MI.format(loop=loop), engine=engine)
    assert result.finished, result.reason
    assert view.start_data == {"items": [1, 2]}
    assert "items=[1, 2]" in result.reason


CORRELATED = """<bpmn:message id="reply" name="reply"/>
<bpmn:correlationProperty id="uid" name="uid">
  <bpmn:correlationPropertyRetrievalExpression messageRef="reply">
    <bpmn:formalExpression>uid</bpmn:formalExpression>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>
<bpmn:collaboration id="c"><bpmn:participant id="p" processRef="conversation"/>
  <bpmn:correlationKey id="k" name="k">
    <bpmn:correlationPropertyRef>uid</bpmn:correlationPropertyRef>
  </bpmn:correlationKey></bpmn:collaboration>"""

RECEIVE = (
    '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
    '<bpmn:receiveTask id="wait" name="等回复" messageRef="reply">'
    "<bpmn:extensionElements><spiffworkflow:messageVariable>answer</spiffworkflow:messageVariable>"
    "<spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>uid"
    "</spiffworkflow:propertyId><spiffworkflow:expression>7</spiffworkflow:expression>"
    "</spiffworkflow:processVariableCorrelation></bpmn:extensionElements></bpmn:receiveTask>"
    '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>'
)


def test_a_correlated_message_carries_the_key_the_process_waits_with(engine):
    result, view = _run("conversation", RECEIVE, CORRELATED, engine=engine)
    assert result.finished, result.reason
    [sent] = [s for s in view.steps if s.kind == StepKind.MESSAGE]
    assert sent.submitted == {"uid": 7}


def test_a_none_in_diagram_code_is_explained_in_chinese_with_the_original_after(engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s"/>'
        '<bpmn:scriptTask id="s" name="算"><bpmn:script>total = price * 2</bpmn:script>'
        '</bpmn:scriptTask><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="end"/>'
    )
    result, _view = _run("none_price", body, engine=engine, data={"price": None})
    assert not result.finished and result.element == "s"
    lead, _, original = result.reason.partition("（原文：")
    assert "有变量的值是 None（未设置）：请先在表单、脚本或开始数据里给它赋值" in lead
    assert "TypeError" not in lead and original.startswith("TypeError: unsupported operand")


def test_a_function_from_another_engine_stops_saying_it_is_not_ours(engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s"/>'
        '<bpmn:scriptTask id="s" name="算"><bpmn:script>x = custom_function(2)</bpmn:script>'
        '</bpmn:scriptTask><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="end"/>'
    )
    result, _view = _run("foreign_function", body, engine=engine)
    assert not result.finished and result.element == "s"
    assert "变量 custom_function 未定义" in result.reason
    assert "是函数或模块，不能用示例值代替" in result.reason
    assert "请改用本系统提供的" in result.reason


def test_a_signal_the_process_waits_for_is_broadcast(engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="go"/>'
        '<bpmn:intermediateCatchEvent id="go" name="开始信号">'
        '<bpmn:signalEventDefinition signalRef="ready"/></bpmn:intermediateCatchEvent>'
        '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f2" sourceRef="go" targetRef="end"/>'
    )
    head = '<bpmn:signal id="ready" name="ready"/>'
    result, view = _run("signalled", body, head, engine=engine)
    assert result.finished, result.reason
    assert [(s.kind, s.subject) for s in view.steps][-1] == (StepKind.SIGNAL, "ready")


def test_a_loop_only_a_boundary_signal_leaves_gets_the_signal(engine):
    boundary = _boundary('<bpmn:signalEventDefinition signalRef="halt"/>')
    head = '<bpmn:signal id="halt" name="halt"/>'
    result, view = _run("signal_loop", _loop("False", boundary), head, engine=engine)
    assert result.finished
    assert [s.kind for s in view.steps][-1] == StepKind.SIGNAL


def test_a_form_field_with_choices_leaves_a_loop_with_another_choice(engine):
    import json

    form = {
        "type": "object",
        "properties": {"satisfied": {"type": "string", "enum": ["否", "是"]}},
        "required": ["satisfied"],
    }
    task = (
        '<bpmn:userTask id="ask" name="满意吗"><bpmn:extensionElements>'
        "<spiffworkflow:properties>"
        '<spiffworkflow:property name="formJsonSchemaFilename" value="t/s.json"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    )
    body = _loop("satisfied != '否'").replace('<bpmn:userTask id="ask" name="到了吗"/>', task)
    text = (
        HEAD.format(pid="choice_loop")
        + f'<bpmn:process id="choice_loop" name="试" isExecutable="true">{body}'
        "</bpmn:process></bpmn:definitions>"
    )
    files = [
        SourceFile("choice_loop.bpmn", "bpmn", text.encode()),
        SourceFile("t/s.json", "form", json.dumps(form).encode()),
    ]
    trial_id = start_trial(engine, files, actor=DESIGNER, data={}, source="草稿", lane_map=ANY_LANE)
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert result.finished, result.reason
    answers = [s.submitted for s in view.steps if s.kind == StepKind.TASK]
    assert answers == [{"satisfied": "否"}] * 2 + [{"satisfied": "是"}]
