"""A diagram saved by Camunda Modeler deploys and runs: its decisionRef, assignee and
candidate users, JUEL condition and bare ISO timer are read as ours; every extension we do
not read is a warning naming the element; what cannot be translated is a Chinese error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import Actor, DeployRejected, SourceFile

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
DEMO = Actor.of("demo", ["Manager"])
CLERK = Actor.of("carl", ["Clerk"])


def _files(bpmn: str | None = None) -> list[SourceFile]:
    text = bpmn if bpmn is not None else (FOREIGN / "camunda_order.bpmn").read_text()
    return [
        SourceFile("camunda_order.bpmn", "bpmn", text.encode()),
        SourceFile("discount.dmn", "dmn", (FOREIGN / "discount.dmn").read_bytes()),
    ]


def _ready(engine, instance_id):
    return {t.spec_id: t for t in engine.tasks_of(instance_id) if t.status == "ready"}


@pytest.fixture
def order(engine):
    result = engine.deploy_set(_files(), actor="t", note="camunda")
    return engine, result


def test_camunda_diagram_deploys_with_a_warning_per_ignored_extension(order):
    _engine, result = order
    warnings = {(w.element, w.message) for w in result.warnings}
    assert all(w.severity == "warning" for w in result.warnings)
    assert (
        "review",
        "用户任务「Review order」(review) 的扩展 camunda:formKey 在本系统中不起作用，已忽略",
    ) in warnings
    discount = next(m for e, m in warnings if e == "discount")
    assert "camunda:resultVariable、camunda:mapDecisionResult" in discount
    assert any(e == "pack" and "camunda:inputOutput" in m for e, m in warnings)
    assert any(e == "order" and "camunda:historyTimeToLive" in m for e, m in warnings)
    assert any(
        e == "to_pack" and "按 Python 读作 rate > 5 and not rejected" in m for e, m in warnings
    )
    # Read as ours, so not listed as ignored; Camunda Modeler's own metadata neither.
    assert not any("decisionRef" in m or "camunda:assignee" in m for _e, m in warnings)
    assert not any("modeler:" in m for _e, m in warnings)


def test_assignee_and_candidate_users_are_read_as_ours(order):
    engine, _ = order
    instance = engine.start("order", actor=DEMO, data={"amount": 200, "rejected": False})
    review = _ready(engine, instance)["review"]
    assert review.assignee == "demo"
    assert [t.spec_id for t in engine.ready_tasks(DEMO)] == ["review"]
    assert engine.ready_tasks(Actor.of("anna", ["Manager"])) == []


def test_decision_ref_and_juel_condition_choose_the_path(order):
    engine, _ = order
    instance = engine.start("order", actor=DEMO, data={"amount": 200, "rejected": False})
    engine.complete(_ready(engine, instance)["review"].id, {}, actor=DEMO)
    assert list(_ready(engine, instance)) == ["pack"]  # rate 10 from the table: > 5


def test_bare_iso_timer_waits_five_minutes(order, clock):
    engine, _ = order
    instance = engine.start("order", actor=DEMO, data={"amount": 20, "rejected": False})
    engine.complete(_ready(engine, instance)["review"].id, {}, actor=DEMO)
    assert engine.instance(instance).status == "running"
    clock.advance(timedelta(minutes=4))
    assert engine.fire_due_timers() == 0
    clock.advance(timedelta(minutes=2))
    assert engine.fire_due_timers() == 1
    assert engine.instance(instance).status == "completed"


def _rejected(engine, text: str) -> list:
    with pytest.raises(DeployRejected) as caught:
        engine.deploy_set(_files(text), actor="t", note="")
    return [p for p in caught.value.problems if p.severity == "error"]


def test_untranslatable_juel_condition_is_a_chinese_error_naming_the_flow(engine):
    text = (FOREIGN / "camunda_order.bpmn").read_text()
    text = text.replace("${rate &gt; 5 &amp;&amp; !rejected}", '${execution.getVariable("rate")}')
    [error] = _rejected(engine, text)
    assert error.element == "to_pack"
    assert "是 JUEL 表达式（Camunda 7 表达式语言），无法自动换成 Python：" in error.message
    assert "属性访问或方法调用" in error.message and "请改写为 Python 表达式" in error.message


def test_script_condition_in_another_language_is_an_error(engine):
    text = (FOREIGN / "camunda_order.bpmn").read_text()
    text = text.replace(
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"',
        '<bpmn:conditionExpression language="groovy"',
    )
    errors = _rejected(engine, text)
    assert any(e.element == "to_pack" and "groovy 脚本" in e.message for e in errors)


def test_untranslatable_assignee_expression_names_the_task(engine):
    text = (FOREIGN / "camunda_order.bpmn").read_text()
    text = text.replace('camunda:assignee="demo"', 'camunda:assignee="${user.name}"')
    [error] = _rejected(engine, text)
    assert error.element == "review"
    assert 'camunda:assignee="${user.name}" 无法自动换成 Python 表达式' in error.message


VENDOR_LOOPS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="loops" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="each7" name="Camunda 7">
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="${items}"
          camunda:elementVariable="item"/>
      <bpmn:script>seen7 = item</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="each8" name="Zeebe">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:extensionElements>
          <zeebe:loopCharacteristics inputCollection="=items" inputElement="value"
              outputCollection="doubled" outputElement="=twice"/>
        </bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>twice = value * 2</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each7"/>
    <bpmn:sequenceFlow id="f2" sourceRef="each7" targetRef="each8"/>
    <bpmn:sequenceFlow id="f3" sourceRef="each8" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_camunda_and_zeebe_multi_instance_collections_run_over_the_list(engine):
    files = [SourceFile("loops.bpmn", "bpmn", VENDOR_LOOPS.encode())]
    result = engine.deploy_set(files, actor="t", note="loops", lane_map={"*": "镇综治中心"})
    said = {w.element: w.message for w in result.warnings}
    assert "多实例按列表 items 逐项执行，每项放在变量 item（camunda:collection）" in said["each7"]
    assert said["each8"].endswith(
        "多实例按列表 items 逐项执行，每项放在变量 value，各实例的 twice 收集到 doubled"
        "（zeebe:loopCharacteristics）"
    )
    assert not any(
        "已忽略" in m and ("collection" in m or "loopCharacteristics" in m) for m in said.values()
    )

    instance = engine.start("loops", actor=DEMO, data={"items": [1, 2, 3]})

    view = engine.instance(instance, with_data=True)
    assert view.status == "completed"
    assert view.data["doubled"] == [2, 4, 6]


def test_zeebe_called_element_names_the_called_process(engine):
    text = VENDOR_LOOPS.replace(
        '<bpmn:endEvent id="end"/>',
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="elsewhere"/></bpmn:extensionElements>'
        '</bpmn:callActivity><bpmn:endEvent id="end"/>',
    ).replace(
        'targetRef="end"/>',
        'targetRef="call"/><bpmn:sequenceFlow id="f4" sourceRef="call" targetRef="end"/>',
    )
    with pytest.raises(DeployRejected) as rejected:
        engine.deploy_set([SourceFile("loops.bpmn", "bpmn", text.encode())], actor="t", note="x")
    messages = [p.message for p in rejected.value.problems if p.element == "call"]
    assert any("调用的流程 elsewhere（zeebe:calledElement）" in m for m in messages), messages
    assert any("调用的流程 elsewhere 不在本次部署的文件中" in m for m in messages), messages


def test_a_reused_element_variable_stops_with_a_chinese_reason(engine):
    from engine import StepFailed

    text = VENDOR_LOOPS.replace('inputElement="value"', 'inputElement="item"').replace(
        "twice = value * 2", "twice = item * 2"
    )
    files = [SourceFile("loops.bpmn", "bpmn", text.encode())]
    engine.deploy_set(files, actor="t", note="loops", lane_map={"*": "镇综治中心"})
    with pytest.raises(StepFailed) as failed:
        engine.start("loops", actor=DEMO, data={"items": [1, 2]})
    assert "多实例任务的每项变量 item 在流程数据里已有值" in str(failed.value)
    assert "already exists" not in str(failed.value)


def test_a_decision_input_reading_a_missing_key_names_the_python_error(engine):
    dmn = (
        (FOREIGN / "discount.dmn")
        .read_text()
        .replace("<text>amount</text>", "<text>order['amount']</text>")
    )
    files = [_files()[0], SourceFile("discount.dmn", "dmn", dmn.encode())]
    engine.deploy_set(files, actor="t", note="camunda")
    instance = engine.start("order", actor=DEMO, data={"order": {}, "rejected": False})
    from engine import StepFailed

    with pytest.raises(StepFailed) as failed:
        engine.complete(_ready(engine, instance)["review"].id, {}, actor=DEMO)
    text = str(failed.value)
    assert "数据中没有这个键" in text and "（原文：KeyError: 'amount'）" in text, text
