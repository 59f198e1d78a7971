"""案件回放: every event of a case in order, placed on the diagram of the version it ran on,
with the step's data and the process data after it, masked; read from the history rows and
the versions' XML, never from the instance's state."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape

from sqlalchemy import update

from engine.models import Instance
from tests.conftest import BPMN_DIR, FORMS_DIR

from .audit_support import ID_NUMBER, NAME, PHONE, assessed_case, login_auditor, receive


def replay_page(client, case_id: int) -> tuple[list[str], dict]:
    """The steps as the list shows them (text), and the data the page's script draws."""
    response = client.get(f"/audit/cases/{case_id}/replay")
    assert response.status_code == 200, response.status_code
    html = unescape(response.get_data(as_text=True))
    assert NAME not in html and PHONE not in html and ID_NUMBER not in html
    items = re.findall(r'<li class="replay-step"[^>]*>(.*?)</li>', html, re.S)
    steps = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]
    payload = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', html)
    return steps, json.loads(payload.group(1))


def test_each_step_with_its_data_and_the_data_after_it(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)

    steps, payload = replay_page(client, case.case_id)

    assert steps[0].startswith("1 流程启动 2026-03-02 09:00:00 · window.clerk")
    assert "纠纷类型 邻里纠纷" in steps[0], "codes read as their names"
    assert any(" 系统步骤「是否红色高风险？」 2026-03-02 09:00:00" in s for s in steps), "a gateway"
    [joining] = [s for s in steps if "元素标识 gw_assessed" in s]
    assert " 系统步骤 2026-03-02 09:00:00" in joining, "an unnamed one: its id only under 技术信息"
    assert "技术信息 事件类型 task_completed" in joining
    assert len(steps) == len(payload["steps"]) > 20
    [assess] = [s for s in steps if "完成任务「分流研判」" in s]
    mine, after = assess.split("此步之后的流程数据")
    assert "li · 镇综治中心 · 受理分流" in mine
    assert "事项性质 一般纠纷" in mine and "风险研判说明 张**情绪激动，电话138****5678" in mine
    assert "事项性质 一般纠纷" in after and "来源渠道 窗口" in after, "start data and the form"
    before = steps[steps.index(assess) - 1].split("此步之后的流程数据")[1]
    assert "来源渠道 窗口" in before and "事项性质" not in before
    assert any("登记赋码" in s and "案件编号" in s for s in steps)


def test_steps_are_placed_on_the_process_they_ran_in(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)

    steps, payload = replay_page(client, case.case_id)

    main, ladder = (f"{web_engine.latest_version_id()}:{p}" for p in ("case_main", "ladder"))
    assert list(payload["diagrams"]) == [main, ladder]
    placed = [(s["diagram"], s["element"]) for s in payload["steps"] if s["element"]]
    assert (main, "start") in placed and (ladder, "start") in placed
    assert placed.index((main, "gw_route")) < placed.index((ladder, "start"))
    for diagram, element in placed:
        assert f'id="{element}"' in payload["diagrams"][diagram]["xml"]
    kinds = {(s["element"], s["kind"]) for s in payload["steps"]}
    assert {("assess", "open"), ("assess", "completed"), ("village", "open")} <= kinds
    [village] = [s for s in steps if "生成待办「村调委会化解」" in s]
    assert "村调委会 · 四级七天" in village


def test_the_replay_reads_history_not_the_instance_state(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)
    steps, payload = replay_page(client, case.case_id)
    with web_engine.session_factory() as session:
        session.execute(update(Instance).where(Instance.id == case.instance_id).values(state="{}"))
        session.commit()

    assert replay_page(client, case.case_id) == (steps, payload)


def test_a_case_replays_on_its_own_version_after_a_new_deploy(web_engine, login_as, tmp_path):
    old = assessed_case(web_engine)
    first = web_engine.latest_version_id()
    library = shutil.copytree(BPMN_DIR, tmp_path / "bpmn")
    main = library / "case_main.bpmn"
    main.write_text(
        main.read_text(encoding="utf-8").replace('name="分流研判"', 'name="分流研判（新）"'),
        encoding="utf-8",
    )
    web_engine.deploy([library], actor="tester", note="改名", forms_dirs=[FORMS_DIR])
    new = receive(web_engine)
    second = web_engine.latest_version_id()
    client = login_auditor(login_as)

    _, old_payload = replay_page(client, old.case_id)
    new_steps, new_payload = replay_page(client, new.case_id)

    assert second != first and next(iter(old_payload["diagrams"])) == f"{first}:case_main"
    assert "分流研判（新）" not in old_payload["diagrams"][f"{first}:case_main"]["xml"]
    assert list(new_payload["diagrams"]) == [f"{second}:case_main"]
    assert "分流研判（新）" in new_payload["diagrams"][f"{second}:case_main"]["xml"]
    assert any("生成待办「分流研判（新）」" in s for s in new_steps)


def test_without_a_script_every_step_is_listed(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)

    html = client.get(f"/audit/cases/{case.case_id}/replay").get_data(as_text=True)

    assert '<div class="replay-controls" role="group" aria-label="回放控制" hidden>' in html
    assert '<div class="replay-diagram" hidden>' in html
    assert html.count('<li class="replay-step"') == len(replay_page(client, case.case_id)[0])
