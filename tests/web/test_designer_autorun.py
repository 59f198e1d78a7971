"""自动运行到结束 on the trial page: a Camunda diagram deployed with a lane map runs by
itself to its end; a process that cannot finish says where it stopped and why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import SourceFile

DESIGNER = "流程设计"
FOREIGN = Path(__file__).parents[1] / "engine" / "fixtures" / "foreign"
LANES = {"Manager": "镇综治中心", "Clerk": "调解员"}


@pytest.fixture
def designer(web_engine, login_as):
    return login_as("designer.wang", DESIGNER)


def _deploy_order(web_engine) -> int:
    files = [
        SourceFile("camunda_order.bpmn", "bpmn", (FOREIGN / "camunda_order.bpmn").read_bytes()),
        SourceFile("discount.dmn", "dmn", (FOREIGN / "discount.dmn").read_bytes()),
    ]
    return web_engine.deploy_set(files, actor="t", note="camunda", lane_map=LANES).version_id


def _start(client, version_id, process_id, start_data="{}") -> int:
    data = {"version_id": version_id, "process_id": process_id, "start_data": start_data}
    response = client.post("/designer/trials", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.location.rsplit("/", 1)[-1])


def _autorun(client, trial_id) -> str:
    response = client.post(f"/designer/trials/{trial_id}/autorun", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_foreign_diagram_runs_to_the_end_with_one_button(designer, web_engine):
    version_id = _deploy_order(web_engine)
    trial_id = _start(designer, version_id, "order", '{"amount": 300, "rejected": false}')
    page = designer.get(f"/designer/trials/{trial_id}").get_data(as_text=True)
    assert "自动运行到结束" in page and "镇综治中心" in page  # the mapped role of Manager
    html = _autorun(designer, trial_id)
    assert "自动运行完成：走了 2 步，流程「Order」已运行到结束。" in html
    assert "流程已走到结束" in html and "自动运行到结束</button>" not in html


def test_a_variable_no_one_set_is_supplied_and_shown(designer, web_engine):
    version_id = _deploy_order(web_engine)
    trial_id = _start(designer, version_id, "order", '{"amount": 300}')  # no "rejected"
    html = _autorun(designer, trial_id)
    assert "自动运行完成" in html, html[:3000]
    assert "自动补充了流程未设置的变量并从头重新运行：rejected=" in html


def test_a_run_that_cannot_finish_names_the_element(designer, web_engine):
    version_id = _deploy_order(web_engine)
    trial_id = _start(designer, version_id, "order", '{"amount": "很多", "rejected": false}')
    html = _autorun(designer, trial_id)
    found = re.search(r"自动运行在 (\d+) 步后停下：([^<]*)", html)
    assert found, html[:3000]
    assert found.group(1) == "1"
    assert "在 discount 处失败" in found.group(2), found.group(2)
    assert "决策表第 1 行的规则出错" in found.group(2) and "Rule failed" not in found.group(2)


def test_another_designers_trial_cannot_be_run(designer, web_engine, login_as):
    trial_id = _start(designer, _deploy_order(web_engine), "order")
    designer.post("/logout")
    other = login_as("designer.li", DESIGNER)
    assert other.post(f"/designer/trials/{trial_id}/autorun").status_code == 404
