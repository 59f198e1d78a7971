"""The task page (``/tasks/<id>``): the form from the task's JSON Schema beside the case
summary and the diagram's instructions; errors at the field with the input kept; a task
someone else finished, a double submit, a refusal, a sandboxed instruction template."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine import SYSTEM, Actor, StepFailed
from engine.db import db
from engine.models import HistoryEvent
from processes.models import Case
from tests.web.conftest import add_test_user
from tests.web.tasks_support import (
    CENTER,
    COUNTY,
    COUNTY_CENTER,
    OTHER_VILLAGE,
    TOWNSHIP,
    add_other_township,
    assess_data,
    client_for,
    only_ready,
    ready,
    receive,
)
from webapp.tasks.detail import INSTRUCTIONS_UNAVAILABLE, render_instructions

SYSTEM_CENTER = Actor.of("center.clerk", [CENTER])


@pytest.fixture
def library(web_engine):
    add_other_township(web_engine)
    return web_engine


@pytest.fixture
def assess(library):
    """A case received at the window, waiting for 分流研判 by the township center."""
    received = receive(library)
    return received, only_ready(library, received.instance_id, "assess")


def field_block(page: str, name: str) -> str:
    """The markup of one field (its wrapper up to the next field)."""
    start = page.index(f'id="f-{name}"')
    start = page.rindex("<", 0, page.rindex("field sf-field", 0, start))
    end = page.find("sf-field", start + 30)
    return page[start : end if end > 0 else len(page)]


def completions(app, task_id: str) -> int:
    with app.app_context():
        query = select(HistoryEvent).where(
            HistoryEvent.task_id == task_id, HistoryEvent.event_type == "task_completed"
        )
        return len(db.session.scalars(query).all())


def test_the_form_shows_its_fields_help_and_required_marks(assess, login_as):
    _received, task = assess
    page = login_as("li", CENTER, region=TOWNSHIP).get(f"/tasks/{task.id}").get_data(as_text=True)

    assert '<h1 id="task-title">分流研判</h1>' in page
    nature = field_block(page, "matter_nature")
    assert "事项性质" in nature and 'class="sf-required"' in nature and "（必填）" in nature
    assert nature.count('type="radio" name="matter_nature"') == 5
    assert 'role="radiogroup" aria-required="true"' in nature
    assert "简单诉求可当场办结" in nature and 'aria-describedby="help-f-matter_nature"' in nature
    cross = field_block(page, "cross_department")
    assert 'value="true"' in cross and "<span>是</span>" in cross and "<span>否</span>" in cross
    reason = field_block(page, "risk_reason")
    assert "<textarea" in reason and 'maxlength="1000"' in reason and "sf-required" not in reason
    assert "novalidate" in page and 'name="csrf_token"' in page


def test_the_task_page_claims_and_unclaims(assess, login_as, library):
    _received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)
    assert ">认领</button>" in client.get(f"/tasks/{task.id}").get_data(as_text=True)

    response = client.post(f"/tasks/{task.id}/claim", data={"next": f"/tasks/{task.id}"})
    assert response.headers["Location"] == f"/tasks/{task.id}"
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "已认领：分流研判" in page and "交回（退回）" in page
    assert library.task(task.id).assignee == "li"


def test_the_case_summary_and_instructions_stand_beside_the_form(assess, login_as):
    received, task = assess
    page = login_as("li", CENTER, region=TOWNSHIP).get(f"/tasks/{task.id}").get_data(as_text=True)

    summary = page[page.index('class="card case-summary"') :]
    assert received.code in summary and "邻里纠纷" in summary and "已受理" in summary
    assert "申请人：张**（138****5678）" in summary and "被申请人：李*" in summary
    assert "两户因院墙漏水发生争执" in summary and "黄色" in summary
    assert "张三丰" not in page and "13812345678" not in page
    assert "研判事项性质、是否跨部门，并确认风险等级" in page


def test_a_validation_error_is_shown_at_the_field_and_the_input_kept(assess, login_as, app):
    _received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)
    response = client.post(
        f"/tasks/{task.id}",
        data={
            "matter_nature": "复杂纠纷",
            "cross_department": "true",
            "risk_reason": "双方情绪激动",
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    colour = field_block(page, "risk_colour")
    assert 'aria-invalid="true"' in colour and 'id="err-f-risk_colour">必填<' in colour
    assert 'aria-describedby="help-f-risk_colour err-f-risk_colour"' in colour
    assert 'value="复杂纠纷" checked' in field_block(page, "matter_nature")
    assert 'value="true" checked' in field_block(page, "cross_department")
    assert ">双方情绪激动</textarea>" in page
    assert "表单有 1 处需要修改" in page
    assert completions(app, task.id) == 0


def test_an_input_that_does_not_convert_is_named_with_the_others(library, login_as, app):
    received = receive(library)
    only = only_ready(library, received.instance_id, "assess")
    library.complete(
        only.id, {**assess_data("复杂纠纷"), "cross_department": True}, actor=SYSTEM_CENTER
    )
    dispatch = only_ready(library, received.instance_id, "dispatch")
    client = login_as("xian", COUNTY_CENTER, region=COUNTY)

    response = client.post(
        f"/tasks/{dispatch.id}",
        data={
            "lead_leader": "王副县长",
            "handle_days": "三天",
            "longer_reason": "案情复杂",
            "departments": ["公安派出所"],
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="err-f-handle_days">应为整数<' in page and 'value="三天"' in page
    assert 'id="err-f-responsible_unit">必填<' in page
    assert "「定牵头领导」请从列表中选择" in page  # a name typed in place of a listed person
    assert ">案情复杂</textarea>" in page
    assert 'value="公安派出所" checked' in page and 'value="司法所" checked' not in page


def test_completing_goes_on_to_the_next_task_of_the_case(assess, login_as, library, app):
    received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)

    response = client.post(f"/tasks/{task.id}", data=assess_data("简单诉求"))

    on_spot = only_ready(library, received.instance_id, "on_spot")
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{on_spot.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已提交：分流研判" in page and "当场办结" in page
    with app.app_context():
        assert db.session.get(Case, received.case_id).route == "当场办结"

    response = client.post(f"/tasks/{on_spot.id}", data={"on_spot_note": "当场答复，双方认可"})
    call_back = only_ready(library, received.instance_id, "call_back")
    assert response.headers["Location"] == f"/tasks/{call_back.id}"


def test_completing_the_last_task_for_this_user_returns_to_the_list(assess, login_as):
    _received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)
    response = client.post(f"/tasks/{task.id}", data=assess_data("一般纠纷"))
    assert response.headers["Location"] == "/tasks/"  # 村调委会 goes on with the ladder


def test_a_double_submit_is_stored_once_and_explained(assess, login_as, app):
    _received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)
    client.post(f"/tasks/{task.id}", data=assess_data("一般纠纷"))

    again = client.post(f"/tasks/{task.id}", data=assess_data("一般纠纷"), follow_redirects=True)

    assert again.status_code == 200 and again.request.path == "/tasks/"
    page = again.get_data(as_text=True)
    assert "您已于 2026-03-02 09:00 提交过任务「分流研判」" in page and "本次提交未保存" in page
    assert completions(app, task.id) == 1


def test_a_task_someone_else_completed_says_who_and_when(assess, login_as, app):
    _received, task = assess
    wang = client_for(app, "wang", CENTER, region=TOWNSHIP)
    client = login_as("li", CENTER, region=TOWNSHIP)
    opened = client.get(f"/tasks/{task.id}")
    assert opened.status_code == 200
    wang.post(f"/tasks/{task.id}", data=assess_data("一般纠纷"))

    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "任务「分流研判」已由 测试wang（wang） 于 2026-03-02 09:00 完成" in page
    late = client.post(f"/tasks/{task.id}", data=assess_data("复杂纠纷"), follow_redirects=True)
    assert "已由 测试wang（wang）" in late.get_data(as_text=True)
    assert "本次提交未保存" in late.get_data(as_text=True)
    assert completions(app, task.id) == 1


def test_a_failing_step_keeps_the_input_and_says_nothing_was_saved(
    assess, login_as, library, monkeypatch, app
):
    _received, task = assess

    def fail(*_args, **_kwargs):
        raise StepFailed("confirm_risk", "服务调用失败")

    monkeypatch.setattr(library, "complete", fail)
    client = login_as("li", CENTER, region=TOWNSHIP)
    response = client.post(f"/tasks/{task.id}", data={**assess_data(), "risk_reason": "说明"})

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "提交未保存：流程执行出错（服务调用失败）" in page and ">说明</textarea>" in page
    assert completions(app, task.id) == 0


def test_a_role_the_task_is_not_offered_to_is_refused(assess, login_as, app):
    _received, task = assess
    client = login_as("med", "调解员", region=TOWNSHIP)
    assert client.get(f"/tasks/{task.id}").status_code == 403
    assert client.post(f"/tasks/{task.id}", data=assess_data()).status_code == 403
    assert completions(app, task.id) == 0


def test_a_task_claimed_by_a_colleague_opens_for_a_center_user_only_on_their_behalf(
    assess, library, login_as
):
    """A 镇综治中心 user supervises the cases of their township: they may open a task a
    colleague holds, and what they submit is recorded as done for that colleague."""
    _received, task = assess
    client = login_as("li", CENTER, region=TOWNSHIP)
    client_for(client.application, "wang", CENTER, region=TOWNSHIP)
    library.claim(task.id, actor=Actor.of("wang", [CENTER]))

    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "以督办身份打开：提交将记录为代测试wang（wang）办理" in page
    assert ">认领</button>" not in page


def test_a_task_outside_the_scope_or_unknown_is_not_found(library, login_as):
    received = receive(library, region=OTHER_VILLAGE)
    task = only_ready(library, received.instance_id)
    client = login_as("li", CENTER, region=TOWNSHIP)
    assert client.get(f"/tasks/{task.id}").status_code == 404
    assert client.post(f"/tasks/{task.id}", data=assess_data()).status_code == 404
    assert client.get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404


def test_instructions_fill_in_the_task_data(library, login_as, app):
    received = receive(library)
    task = only_ready(library, received.instance_id, "assess")
    library.complete(
        task.id, {**assess_data("复杂纠纷"), "cross_department": True}, actor=SYSTEM_CENTER
    )
    dispatch = only_ready(library, received.instance_id, "dispatch")
    client = login_as("xian", COUNTY_CENTER, region=COUNTY)

    page = client.get(f"/tasks/{dispatch.id}").get_data(as_text=True)
    assert re.search(r"黄色案件默认 \d+ 个工作日，最长 \d+ 个工作日", page)
    assert 'type="checkbox" name="departments" value="公安派出所"' in page

    add_test_user(app, "wang", "包案领导", region=COUNTY)
    add_test_user(app, "zhao", "部门", region=COUNTY, department="petition")
    client.post(
        f"/tasks/{dispatch.id}",
        data={
            "lead_leader": "wang",
            "responsible_unit": "petition",
            "responsible_person": "zhao",
            "handle_days": "10",
            "departments": ["公安派出所", "司法所"],
        },
    )
    acknowledge = ready(library, received.instance_id, "acknowledge")
    assert len(acknowledge) == 2
    [police] = [t for t in acknowledge if library.candidates(t.id).units == ("police",)]
    liaison = client_for(app, "police", "部门", region=COUNTY, department="police")
    dept = liaison.get(f"/tasks/{police.id}")
    text = dept.get_data(as_text=True)
    assert re.search(
        r"县综治中心已吹哨：请(公安派出所|司法所)于 \d{4}-\d\d-\d\d \d\d:\d\d 前报到", text
    )


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="Definitions_hostile" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_hostile">
    <bpmn:participant id="Participant_hostile" name="恶意说明" processRef="hostile_instructions" />
  </bpmn:collaboration>
  <bpmn:process id="hostile_instructions" name="恶意说明" isExecutable="true">
    <bpmn:laneSet id="LaneSet_hostile">
      <bpmn:lane id="Lane_center" name="镇综治中心">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>read</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="read" name="阅读说明">
      <bpmn:extensionElements>
        <spiffworkflow:instructionsForEndUser>{{ TEMPLATE }}</spiffworkflow:instructionsForEndUser>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="结束"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="read" />
    <bpmn:sequenceFlow id="f2" sourceRef="read" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_an_instruction_template_cannot_reach_python(web_engine, login_as, tmp_path):
    template = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    diagram = tmp_path / "hostile.bpmn"
    diagram.write_text(HOSTILE.replace("{{ TEMPLATE }}", template), encoding="utf-8")
    web_engine.deploy([diagram], actor="tester", note="hostile")
    instance_id = web_engine.start("hostile_instructions", actor=SYSTEM)
    task = only_ready(web_engine, instance_id)
    assert web_engine.task_instructions(task.id)[0] == template

    page = login_as("admin1", CENTER).get(f"/tasks/{task.id}")  # no region: every case

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "本任务的办理说明暂时无法显示" in text
    assert "&lt;class" not in text and "<class" not in text and "subclasses" not in text
    assert "此任务无需填写表单" in text


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ missing_variable }}",
        "{% for x in %}",
        "{{ 1 / 0 }}",
    ],
)
def test_a_failing_or_unsafe_template_gives_a_neutral_sentence(template):
    assert render_instructions(template, {"department": "司法所"}) == INSTRUCTIONS_UNAVAILABLE


def test_instructions_render_data_and_local_times():
    text = render_instructions(
        "请{{ department }}于 {{ ack_due }} 前报到（第 {{ round }} 轮）<b>",
        {"department": "司法所", "ack_due": "2026-03-04T15:59:59+00:00", "round": 2},
    )
    assert text == "请司法所于 2026-03-04 23:59 前报到（第 2 轮）<b>"  # escaped by the page
    assert render_instructions("  ", {}) is None and render_instructions(None, {}) is None
