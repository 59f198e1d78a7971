"""Hostile diagrams through the web: a looping script behind the intake and a looping
instructions template each fail within seconds with a Chinese message naming the element,
nothing is stored, and the site stays up."""

from __future__ import annotations

import time
from itertools import pairwise

from sqlalchemy import func, select

from engine import Actor
from processes.intake import CASE_PROCESS
from processes.models import Case
from tests.engine.diagrams import HEAD, write
from tests.processes.conftest import GRID, TOWNSHIP
from tests.web.test_intake_window import _form


def _process(pid: str, *nodes: str, ids: list[str]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    lane = f'<bpmn:lane id="l1" name="镇综治中心">{refs}</bpmn:lane>'
    lane = f'<bpmn:laneSet id="ls">{lane}</bpmn:laneSet>'
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(pairwise(ids))
    )
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">{lane}'
        + '<bpmn:startEvent id="start"/>'
        + "".join(nodes)
        + '<bpmn:endEvent id="end"/>'
        + flows
        + "</bpmn:process></bpmn:definitions>"
    )


def test_a_looping_script_behind_the_intake_fails_the_registration_in_seconds(
    web_engine, login_as, client, tmp_path
):
    looping = (
        '<bpmn:scriptTask id="precheck" name="登记前检查">'
        "<bpmn:script>while True:\n    pass</bpmn:script></bpmn:scriptTask>"
        '<bpmn:userTask id="handle" name="办理"/>'
    )
    diagram = _process(CASE_PROCESS, looping, ids=["start", "precheck", "handle", "end"])
    web_engine.deploy([write(tmp_path, "case_main.bpmn", diagram)], actor="designer")
    clerk = login_as("wang", "镇综治中心", region=TOWNSHIP)
    started = time.monotonic()
    response = clerk.post("/intake/new", data=_form())
    assert time.monotonic() - started < 15
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "流程执行出错" in page
    assert "脚本任务“登记前检查”（precheck）超出运行步数上限 1,000,000 步，已回滚" in page
    with web_engine.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert client.get("/healthz").status_code == 200


def test_a_looping_instructions_template_shows_a_sentence_not_a_hang(
    web_engine, login_as, tmp_path
):
    template = (
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
    )
    task = (
        '<bpmn:userTask id="read" name="阅读说明"><bpmn:extensionElements>'
        f"<spiffworkflow:instructionsForEndUser>{template}</spiffworkflow:instructionsForEndUser>"
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    diagram = _process("reading", task, ids=["start", "read", "end"])
    web_engine.deploy([write(tmp_path, "reading.bpmn", diagram)], actor="designer")
    client = login_as("wang", "镇综治中心", region=TOWNSHIP)
    clerk = Actor.of("wang", ["镇综治中心"])
    instance = web_engine.start("reading", actor=clerk)
    with web_engine.session_factory() as session:
        session.add(
            Case(
                code="GZ-2026-READ1",
                channel="窗口",
                dispute_type="邻里",
                summary="办理说明测试",
                region_code=GRID,
                risk_colour="绿",
                instance_id=instance,
                received_at=web_engine.clock.now(),
                received_by="wang",
            )
        )
        session.commit()
    [task_view] = web_engine.ready_tasks(clerk)
    started = time.monotonic()
    response = client.get(f"/tasks/{task_view.id}")
    assert time.monotonic() - started < 15
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "本任务的办理说明超出运行步数上限 1,000,000 步，未能显示" in page
