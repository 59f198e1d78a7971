"""自动运行到结束: a trial runs itself to the end (forms filled with sample answers, timers
fast-forwarded, messages delivered) or stops naming the element and why, in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from engine import Actor, SourceFile
from engine.trial import StepKind, TrialStatus, run_to_end, start_trial, trial_view

from .diagrams import (
    HEAD,
    SIMPLE_FORM,
    message_catch,
    message_definition,
    script_task,
    sequence,
    user_task,
)

DESIGNER = Actor.of("designer.wang", ["流程设计员"])
FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
FORM = SourceFile("t/a.json", "form", json.dumps(SIMPLE_FORM).encode())


def _bpmn(name: str, text: str) -> SourceFile:
    return SourceFile(name, "bpmn", text.encode())


def _start(engine, files, data=None, **kwargs) -> int:
    return start_trial(engine, files, actor=DESIGNER, data=data or {}, source="草稿", **kwargs)


def _order() -> list[SourceFile]:
    return [
        SourceFile("camunda_order.bpmn", "bpmn", (FOREIGN / "camunda_order.bpmn").read_bytes()),
        SourceFile("discount.dmn", "dmn", (FOREIGN / "discount.dmn").read_bytes()),
    ]


def test_a_camunda_diagram_runs_to_the_end_through_its_timer(engine):
    trial_id = _start(engine, _order(), {"amount": 20, "rejected": False})
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert (result.finished, result.steps) == (True, 2)
    assert result.reason == "流程「Order」已运行到结束"
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert view.summary.status == TrialStatus.COMPLETED
    assert [s.kind for s in view.steps] == [StepKind.STARTED, StepKind.TASK, StepKind.TIMER]


def test_form_tasks_are_filled_with_answers_their_schema_accepts(engine):
    text = sequence(
        "f", ("a", user_task("a", "登记", form="t/a.json")), ("b", user_task("b", "核对"))
    )
    trial_id = _start(engine, [_bpmn("f.bpmn", text), FORM])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished and result.steps == 2
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert view.steps[1].submitted == {"note": "试运行"}
    assert view.steps[2].submitted == {}


def test_answers_given_by_the_caller_are_used(engine):
    text = sequence("f", ("a", user_task("a", "登记", form="t/a.json")))
    trial_id = _start(engine, [_bpmn("f.bpmn", text), FORM])
    result = run_to_end(engine, trial_id, actor=DESIGNER, answers=lambda schema, now: {"note": "x"})
    assert not result.finished and result.element == "a"
    assert result.reason.startswith("用户任务「登记」(a) 的表单无法自动填写（note：")


def test_a_failing_script_stops_the_run_naming_it(engine):
    text = sequence("s", ("a", user_task("a", "登记")), ("boom", script_task("boom", "x = 1 / 0")))
    trial_id = _start(engine, [_bpmn("s.bpmn", text)])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert (result.finished, result.element, result.steps) == (False, "boom", 1)
    assert result.reason.startswith("完成用户任务「登记」(a)后，在 boom 处失败：")


def test_a_waited_message_is_delivered(engine):
    text = sequence("m", ("hear", message_catch("hear", "reply", "answer"))).replace(
        "</bpmn:definitions>", message_definition("reply") + "</bpmn:definitions>"
    )
    trial_id = _start(engine, [_bpmn("m.bpmn", text)])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason


def test_an_event_gateway_gets_the_first_of_its_messages(engine):
    gateway = (
        HEAD.format(pid="eg") + '<bpmn:process id="eg" name="等答复" isExecutable="true">'
        '<bpmn:startEvent id="start"/><bpmn:eventBasedGateway id="which"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which"/>'
        '<bpmn:intermediateCatchEvent id="yes"><bpmn:messageEventDefinition id="d1"'
        ' messageRef="m_yes"/></bpmn:intermediateCatchEvent>'
        '<bpmn:intermediateCatchEvent id="no"><bpmn:messageEventDefinition id="d2"'
        ' messageRef="m_no"/></bpmn:intermediateCatchEvent>'
        '<bpmn:sequenceFlow id="f2" sourceRef="which" targetRef="yes"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="no"/>'
        '<bpmn:endEvent id="yes_end"/><bpmn:endEvent id="no_end"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="yes" targetRef="yes_end"/>'
        '<bpmn:sequenceFlow id="f5" sourceRef="no" targetRef="no_end"/></bpmn:process>'
        '<bpmn:message id="m_yes" name="答复同意"/><bpmn:message id="m_no" name="答复拒绝"/>'
        "</bpmn:definitions>"
    )
    trial_id = _start(engine, [_bpmn("eg.bpmn", gateway)])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert [(s.kind, s.subject) for s in view.steps[1:]] == [(StepKind.MESSAGE, "答复同意")]


def test_a_process_nothing_can_move_names_where_it_waits(engine):
    never = (
        '<bpmn:intermediateCatchEvent id="hold" name="等条件">'
        "<bpmn:conditionalEventDefinition><bpmn:condition>False</bpmn:condition>"
        "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
    )
    text = sequence("g", ("hold", never))
    trial_id = _start(engine, [_bpmn("g.bpmn", text)])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert (result.finished, result.steps, result.element) == (False, 0, "hold")
    assert "停在 中间捕获事件「等条件」(hold)：没有可办理的任务" in result.reason


def test_an_endless_loop_stops_after_max_steps(engine):
    loop = (
        HEAD.format(pid="loop") + '<bpmn:process id="loop" name="循环" isExecutable="true">'
        '<bpmn:startEvent id="start"/><bpmn:userTask id="again" name="再来"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again"/>'
        '<bpmn:exclusiveGateway id="more"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="more"/>'
        '<bpmn:sequenceFlow id="back" sourceRef="more" targetRef="again">'
        "<bpmn:conditionExpression>True</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="out" sourceRef="more" targetRef="end">'
        "<bpmn:conditionExpression>False</bpmn:conditionExpression></bpmn:sequenceFlow>"
        "</bpmn:process></bpmn:definitions>"
    )
    # Its task is in no lane: the trial maps it as a deploy would.
    trial_id = _start(engine, [_bpmn("loop.bpmn", loop)], lane_map={"*": "镇综治中心"})
    result = run_to_end(engine, trial_id, actor=DESIGNER, max_steps=5)
    assert (result.finished, result.steps, result.element) == (False, 5, "again")
    assert result.reason.startswith("自动运行了 5 步仍未结束")


FLOW = '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>'


def _script(code: str) -> str:
    script = f"<bpmn:script>{code}</bpmn:script>"
    return f'<bpmn:scriptTask id="a" name="算">{script}</bpmn:scriptTask>{FLOW}'


def _choice(pid: str, first: str) -> str:
    """``first`` (a task, or nothing), then a gateway on ``choice`` with no default."""
    return (
        HEAD.format(pid=pid) + f'<bpmn:process id="{pid}" name="选择" isExecutable="true">'
        '<bpmn:startEvent id="start"/>'
        f"{first}"
        '<bpmn:exclusiveGateway id="which" name="看选择"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="which"/>'
        '<bpmn:endEvent id="yes_end"/><bpmn:endEvent id="no_end"/>'
        '<bpmn:sequenceFlow id="to_yes" sourceRef="which" targetRef="yes_end">'
        "<bpmn:conditionExpression>choice == 'Yes' and count &gt; 2</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="to_no" sourceRef="which" targetRef="no_end">'
        "<bpmn:conditionExpression>choice == 'No'</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow></bpmn:process></bpmn:definitions>"
    )


def test_variables_no_task_sets_are_supplied_so_the_gateway_passes(engine):
    task = '<bpmn:userTask id="a" name="选一个"/>' + FLOW
    files = [_bpmn("c.bpmn", _choice("c", task))]
    trial_id = _start(engine, files, {"keep": 1}, lane_map={"*": "镇综治中心"})
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    assert "自动补充了流程未设置的变量" in result.reason
    assert "choice='Yes'" in result.reason and "count=3" in result.reason
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    # the supplied values are the start data of the run the log shows
    assert view.start_data == {"keep": 1, "choice": "Yes", "count": 3}
    assert view.steps[0].submitted == {"keep": 1, "choice": "Yes", "count": 3}


def test_a_start_that_needs_data_is_started_again_with_sample_values(engine):
    script = _script("total = count * 2")
    trial_id = _start(engine, [_bpmn("d.bpmn", _choice("d", script))])
    assert trial_view(engine, trial_id, user=DESIGNER.user).summary.status == TrialStatus.FAILED
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    # count is first read by the script; its value is the one the gateway needs
    assert "count=3" in result.reason and "choice='Yes'" in result.reason
    assert trial_view(engine, trial_id, user=DESIGNER.user).summary.status == TrialStatus.COMPLETED


def test_a_variable_that_cannot_be_satisfied_stops_with_a_chinese_reason(engine):
    script = _script("x = 1 / (count - 3)")
    trial_id = _start(engine, [_bpmn("e.bpmn", _choice("e", script))])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert not result.finished and result.element == "a"
    assert "count=3" in result.reason
    assert "NameError" not in result.reason and "Did you mean" not in result.reason


CAMUNDA_FORM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="approve" name="Approve" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="decide" name="Decide">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="answer" label="Answer" type="enum">
            <camunda:value id="yes" name="Yes"/><camunda:value id="no" name="No"/>
          </camunda:formField>
          <camunda:formField id="amount" label="Amount" type="long" defaultValue="7">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="which"/>
    <bpmn:endEvent id="yes_end"/><bpmn:endEvent id="no_end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="which"/>
    <bpmn:sequenceFlow id="to_yes" sourceRef="which" targetRef="yes_end">
      <bpmn:conditionExpression>${answer == 'yes' &amp;&amp; amount gt 5}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_no" sourceRef="which" targetRef="no_end">
      <bpmn:conditionExpression>${answer == 'no'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""


def test_camunda_form_fields_become_the_trial_form_and_are_filled(engine):
    trial_id = _start(engine, [_bpmn("approve.bpmn", CAMUNDA_FORM)], lane_map={"*": "镇综治中心"})
    [task] = trial_view(engine, trial_id, user=DESIGNER.user).tasks
    assert task.schema["properties"]["answer"] == {
        "type": "string",
        "title": "Answer",
        "enum": ["yes", "no"],
    }
    assert task.schema["properties"]["amount"]["default"] == 7
    assert task.schema["required"] == ["amount"]
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert view.steps[1].submitted == {"answer": "yes", "amount": 7}


def test_an_unexpected_error_stops_the_run_instead_of_raising(engine):
    def broken(schema, now):
        raise KeyError("note")

    text = sequence("k", ("a", user_task("a", "登记", form="t/a.json")))
    trial_id = _start(engine, [_bpmn("k.bpmn", text), FORM])
    result = run_to_end(engine, trial_id, actor=DESIGNER, answers=broken)
    assert (result.finished, result.steps, result.element) == (False, 1, "a")
    assert result.reason == "自动运行在 a 处出错而停止：KeyError"


def test_an_assignee_read_from_an_unset_variable_is_the_designer(engine):
    assignee = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        '<spiffworkflow:property name="assignee" value="approver"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )
    text = sequence("g", ("a", f'<bpmn:userTask id="a" name="审批">{assignee}</bpmn:userTask>'))
    trial_id = _start(engine, [_bpmn("g.bpmn", text)])
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    assert "approver='designer.wang'" in result.reason
