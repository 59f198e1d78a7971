"""试运行 pages: a designer starts a trial of a deployed process or of a draft from the
modeler, completes tasks through the real forms, fast-forwards a timer, restarts and
deletes; a broken draft is refused with its problems; nothing reaches the work lists,
case lists or history; a trial is its creator's alone."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.db import db
from engine.models import HistoryEvent, Instance, TaskRecord
from engine.trial import TrialRun
from tests.conftest import BPMN_DIR, CST, FORMS_DIR
from webapp import schema_form
from webapp.designer.trial_forms import sample_answers

DESIGNER = "流程设计"


@pytest.fixture
def designer(web_engine, login_as):
    return login_as("designer.wang", DESIGNER)


def _start(client, web_engine, process_id="case_main", **form):
    data = {"version_id": web_engine.latest_version_id(), "process_id": process_id, **form}
    response = client.post("/designer/trials", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.location.rsplit("/", 1)[-1])


def _page(client, trial_id, **args) -> str:
    response = client.get(f"/designer/trials/{trial_id}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _task_id(html: str) -> str:
    return re.search(r'action="/designer/trials/\d+/tasks/([0-9a-f-]+)"', html).group(1)


def _timer_id(html: str) -> str:
    return re.search(r'action="/designer/trials/\d+/timers/([0-9a-f-]+)"', html).group(1)


def _rows(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_trial_of_case_main_steps_through_its_form_and_leaves_no_trace(app, designer, web_engine):
    history = _rows(app, HistoryEvent)
    trial_id = _start(designer, web_engine)
    html = _page(designer, trial_id)
    assert "试运行：受理分流" in html and "沙箱" in html
    assert "办理「分流研判」" in html and "风险等级（三色预警）" in html
    assert "服务任务「登记赋码」调用 case.register（未真正执行）" in html

    refused = designer.post(
        f"/designer/trials/{trial_id}/tasks/{_task_id(html)}",
        data={"matter_nature": "简单诉求", "cross_department": "false"},
    )
    assert refused.status_code == 422
    assert "表单有 1 处需要修改" in refused.get_data(as_text=True)

    done = designer.post(
        f"/designer/trials/{trial_id}/tasks/{_task_id(html)}",
        data={"matter_nature": "简单诉求", "cross_department": "false", "risk_colour": "黄"},
    )
    assert done.status_code == 303
    html = _page(designer, trial_id)
    assert "完成任务「分流研判」" in html
    assert "网关「分流去向？」走向：当场办结" in html
    assert "<dt>route</dt><dd>当场办结</dd>" in html
    assert "办理「当场办结」" in html

    assert _rows(app, Instance) == 0 and _rows(app, TaskRecord) == 0
    assert _rows(app, HistoryEvent) == history
    worklist = designer.get("/tasks/")
    assert worklist.status_code == 403, "a designer has no work list; the trial made no task"


def test_fast_forward_fires_the_timer_on_the_trials_clock(designer, web_engine, clock):
    trial_id = _start(designer, web_engine, process_id="callback")
    html = _page(designer, trial_id)
    assert "办理「电话回访」" in html
    designer.post(
        f"/designer/trials/{trial_id}/tasks/{_task_id(html)}", data={"evaluation": "满意"}
    )
    html = _page(designer, trial_id)
    assert "回访复核时间到" in html and "快进" in html
    assert "调用 callback.record（未真正执行）；模拟结果：满意" in html

    fired = designer.post(f"/designer/trials/{trial_id}/timers/{_timer_id(html)}")
    assert fired.status_code == 303
    html = _page(designer, trial_id)
    assert "快进：定时器「回访复核时间到」到期" in html
    assert "定时器「回访复核时间到」到期触发" in html
    assert "办理「回访复核」" in html
    assert "2026-04-0" in html, "the simulated clock moved about 30 days on"
    assert clock.now().month == 3, "the engine's clock did not move"


def test_sample_answers_fill_the_form_and_pass_its_validation(designer, web_engine):
    trial_id = _start(designer, web_engine, process_id="callback")
    html = _page(designer, trial_id, sample=1)
    assert re.search(r'value="满意"\s+checked', html)
    task_id = _task_id(html)
    response = designer.post(
        f"/designer/trials/{trial_id}/tasks/{task_id}",
        data={"evaluation": "满意", "performance": "试运行", "callback_note": "试运行"},
    )
    assert response.status_code == 303


def test_a_draft_from_the_modeler_runs_as_edited(designer, web_engine):
    xml = (BPMN_DIR / "plain_case.bpmn").read_text(encoding="utf-8")
    edited = xml.replace('name="受理登记"', 'name="受理登记（草稿）"', 1)
    response = designer.post(
        "/designer/trials", data={"file_name": "plain_case.bpmn", "xml": edited}
    )
    assert response.status_code == 303
    trial_id = int(response.location.rsplit("/", 1)[-1])
    html = _page(designer, trial_id)
    assert "试运行：一般案件办理" in html and "草稿 plain_case.bpmn" in html
    assert "办理「受理登记（草稿）」" in html
    marks = designer.get(f"/designer/trials/{trial_id}/diagram").get_json()
    [process] = marks["processes"]
    assert "受理登记（草稿）" in process["xml"] and process["current"] == ["intake"]
    assert "init_case" in process["completed"]


def test_a_broken_draft_is_refused_with_its_problems(app, designer, web_engine):
    xml = (BPMN_DIR / "supervise.bpmn").read_text(encoding="utf-8")
    broken = xml.replace('id="supervision.issue"', 'id="supervision.nope"')
    response = designer.post(
        "/designer/trials", data={"file_name": "supervise.bpmn", "xml": broken}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不能试运行" in html and "issue_notice" in html and "supervision.nope" in html
    assert _rows(app, TrialRun) == 0


def test_bad_start_data_is_refused_before_anything_runs(app, designer, web_engine):
    response = designer.post(
        "/designer/trials",
        data={
            "version_id": web_engine.latest_version_id(),
            "process_id": "callback",
            "start_data": "[1, 2]",
        },
        follow_redirects=True,
    )
    assert "起始数据必须是 JSON 对象" in response.get_data(as_text=True)
    assert _rows(app, TrialRun) == 0


def test_a_failed_start_is_restarted_with_new_start_data(designer, web_engine):
    trial_id = _start(designer, web_engine, start_data='{"risk_colour": "黄"}')
    html = _page(designer, trial_id)
    assert "启动失败" in html and "handoff" in html and "<code>gw_channel</code>" in html

    designer.post(
        f"/designer/trials/{trial_id}/restart",
        data={"start_data": '{"risk_colour": "红", "handoff": "", "case_id": 0}'},
    )
    html = _page(designer, trial_id)
    assert "进行中" in html and "办理「分流研判」" in html and "启动失败" not in html


def test_the_list_shows_my_trials_and_delete_removes_one(designer, web_engine):
    trial_id = _start(designer, web_engine, process_id="supervise")
    link = f'href="/designer/trials/{trial_id}"'
    listing = designer.get("/designer/trials").get_data(as_text=True)
    assert link in listing and "督办" in listing

    deleted = designer.post(f"/designer/trials/{trial_id}/delete", follow_redirects=True)
    assert f"已删除试运行 #{trial_id}" in deleted.get_data(as_text=True)
    assert link not in designer.get("/designer/trials").get_data(as_text=True)
    assert designer.get(f"/designer/trials/{trial_id}").status_code == 404


def test_another_designers_trial_is_not_found(designer, web_engine, login_as):
    trial_id = _start(designer, web_engine, process_id="supervise")
    designer.post("/logout")
    other = login_as("designer.li", DESIGNER)
    assert other.get(f"/designer/trials/{trial_id}").status_code == 404
    assert other.post(f"/designer/trials/{trial_id}/restart").status_code == 404
    assert other.post(f"/designer/trials/{trial_id}/delete").status_code == 404
    assert f'href="/designer/trials/{trial_id}"' not in other.get("/designer/trials").get_data(
        as_text=True
    )


def test_sample_answers_satisfy_every_shipped_form():
    """用示例值填写 gives data each shipped task form accepts, so a designer can step on.
    (forms/mobile/ holds what the phone app posts, never a task's form.)"""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
    refused = {}
    for path in sorted(FORMS_DIR.rglob("*.schema.json")):
        if path.parent.name == "mobile":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        errors = schema_form.schema_errors(schema, sample_answers(schema, now))
        if errors:
            refused[path.name] = errors
    assert refused == {}


def test_the_page_and_the_auto_run_fill_forms_alike_except_pickers():
    """One filler (``engine.trial.samples``): the page adds only what it alone knows."""
    from engine.trial.samples import sample_answers as engine_answers

    now = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
    differ = {}
    for path in sorted(FORMS_DIR.rglob("*.schema.json")):
        if path.parent.name == "mobile":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        page, engine = sample_answers(schema, now), engine_answers(schema, now)
        props = schema.get("properties") or {}
        for name in set(page) | set(engine):
            if page.get(name) != engine.get(name):
                differ[f"{path.name}:{name}"] = schema_form.kind_of(props[name])
    assert differ and set(differ.values()) == {"picker"}


def test_the_filler_gives_distinct_choices_no_for_yes_no_and_leaves_patterns_out():
    from engine.trial.samples import sample_answers as engine_answers

    schema = {
        "type": "object",
        "properties": {
            "agree": {"type": "boolean"},
            "tags": {
                "type": "array",
                "minItems": 2,
                "uniqueItems": True,
                "items": {"enum": ["甲", "乙", "丙"]},
            },
            "phone": {"type": "string", "pattern": "^1\\d{10}$"},
            "count": {"type": "integer", "exclusiveMinimum": 3},
        },
    }
    answers = engine_answers(schema, datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    assert answers == {"agree": False, "tags": ["甲", "乙"], "count": 4}


def test_a_draft_service_task_without_operator_is_told_as_passed_through(designer):
    from tests.engine.diagrams import sequence

    xml = sequence(
        "passing",
        ("notify", '<bpmn:serviceTask id="notify" name="通知当事人"/>'),
        ("tell", '<bpmn:sendTask id="tell" name="告知"/>'),
        ("judge", '<bpmn:businessRuleTask id="judge" name="判定风险"/>'),
    )
    response = designer.post("/designer/trials", data={"file_name": "passing.bpmn", "xml": xml})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    html = _page(designer, int(response.location.rsplit("/", 1)[-1]))
    assert "服务任务「通知当事人」没有指定服务操作，直接通过（未调用任何服务）" in html
    assert "发送任务「告知」没有指定消息，直接通过（未发送任何消息）" in html
    assert "业务规则任务「判定风险」没有指定决策表，直接通过（未执行任何决策）" in html


def test_what_a_script_printed_is_a_line_of_the_trial_log(designer):
    from tests.engine.diagrams import script_task, sequence

    xml = sequence("printing", ("calc", script_task("calc", "print('合计', 1 + 2)")))
    response = designer.post("/designer/trials", data={"file_name": "printing.bpmn", "xml": xml})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    html = _page(designer, int(response.location.rsplit("/", 1)[-1]))
    assert "「calc」的脚本输出：合计 3" in html


def test_a_waited_for_signal_is_listed_and_broadcast_from_the_page(designer):
    from tests.engine.diagrams import HEAD

    text = (
        HEAD.format(pid="signalled")
        + '<bpmn:signal id="ready" name="材料齐备"/>'
        + '<bpmn:process id="signalled" name="等信号" isExecutable="true">'
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="go"/>'
        '<bpmn:intermediateCatchEvent id="go" name="等材料">'
        '<bpmn:signalEventDefinition signalRef="ready"/></bpmn:intermediateCatchEvent>'
        '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f2" sourceRef="go" targetRef="end"/>'
        "</bpmn:process></bpmn:definitions>"
    )
    response = designer.post("/designer/trials", data={"file_name": "signalled.bpmn", "xml": text})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    trial_id = int(response.location.rsplit("/", 1)[-1])
    html = _page(designer, trial_id)
    assert "等待中的信号" in html and "<strong>材料齐备</strong>" in html
    assert "流程没有在等待" not in html
    response = designer.post(f"/designer/trials/{trial_id}/signals", data={"name": "别的信号"})
    assert "流程当前没有在等待信号「别的信号」" in _page(designer, trial_id)
    response = designer.post(f"/designer/trials/{trial_id}/signals", data={"name": "材料齐备"})
    assert response.status_code == 303
    html = _page(designer, trial_id)
    assert "已广播信号「材料齐备」" in html and "等待中的信号" not in html
    response = designer.post(f"/designer/trials/{trial_id}/signals", data={"name": "材料齐备"})
    assert "这次试运行已经结束" in _page(designer, trial_id)
