"""No internal name reaches a person (issue 17 item 3): cases driven through the shipped
diagrams (四级七天 with a lapsed slice, 回访 not satisfied, 中心吹哨, 三调) and then every
page people read about them (the replay, the audit search, the case page with every step,
each open task's page) show process variables, element ids, event types and library file
names only in Chinese; ids appear for auditors only inside an explicit 「技术信息」 section."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from engine import Actor, Engine
from processes.intake import Received, receive_case
from tests.conftest import CST
from tests.web.tasks_support import client_for, matter, ready
from webapp.audit.exports import COLUMNS

from .visible_text import internal_names, visible_text

CENTER, COUNTY_CENTER = "镇综治中心", "县综治中心"
CLERK = Actor.of("window.clerk", [CENTER])


def _do(engine: Engine, instance_id: int, spec_id: str, data: dict, role: str) -> None:
    [task] = ready(engine, instance_id, spec_id)
    engine.complete(task.id, data, actor=Actor.of("zhao.li", [role]))


def _assessed(engine: Engine, nature: str, *, cross: bool = False, **changes) -> Received:
    received = receive_case(engine, matter(**changes), actor=CLERK)
    form = {"matter_nature": nature, "cross_department": cross, "risk_colour": "黄"}
    _do(engine, received.instance_id, "assess", {**form, "risk_reason": "邻里积怨"}, CENTER)
    return received


def _ladder_to_callback(engine: Engine, clock) -> Received:
    """四级七天 from the village: its slice lapses, the township center resolves it, the
    citizen is not satisfied: a 二次督办 waits."""
    case = _assessed(engine, "一般纠纷")
    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=CST))
    engine.fire_due_timers()
    resolved = {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"}
    _do(engine, case.instance_id, "township", resolved, CENTER)
    unhappy = {"evaluation": "不满意", "callback_note": "赔偿未到位"}
    _do(engine, case.instance_id, "call_back", unhappy, CENTER)
    return case


def _whistle(engine: Engine) -> Received:
    case = _assessed(engine, "复杂纠纷", cross=True)
    four = {
        "lead_leader": "王副县长",
        "responsible_unit": "司法所",
        "responsible_person": "李调解",
        "handle_days": 10,
        "departments": ["公安派出所"],
    }
    _do(engine, case.instance_id, "dispatch", four, COUNTY_CENTER)
    return case


def _handoff(engine: Engine) -> Received:
    case = receive_case(engine, matter(channel="诉调"), actor=CLERK)
    _do(engine, case.instance_id, "receive", {"receipt_decision": "签收"}, COUNTY_CENTER)
    return case


@pytest.fixture
def cases(web_engine, clock) -> list[Received]:
    fresh = receive_case(web_engine, matter(phone="13900001111"), actor=CLERK)  # 分流研判 waits
    return [
        _ladder_to_callback(web_engine, clock),
        _whistle(web_engine),
        _handoff(web_engine),
        fresh,
    ]


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _leaks(pages: dict[str, str]) -> str:
    """One line per page that shows an internal name, naming each (empty: none)."""
    lines = []
    for url, html in pages.items():
        names = internal_names(html)
        if names:
            lines.append(f"{url}: " + " | ".join(names))
    return "\n".join(lines)


def test_the_replay_and_the_audit_search_read_in_chinese(app, web_engine, cases):
    auditor = client_for(app, "shen", "审计")
    pages = {"/audit": _page(auditor, "/audit")}
    for case in cases:
        for url in (f"/audit/cases/{case.case_id}/replay", f"/audit?case={case.code}"):
            pages[url] = _page(auditor, url)

    assert not (leaks := _leaks(pages)), leaks
    replay = visible_text(pages[f"/audit/cases/{cases[0].case_id}/replay"])
    assert "系统步骤" in replay and "时限到达「村调委会超期」" in replay
    assert "分流理由 窗口来访的一般纠纷" in replay and "当前办理层级 村调委会" in replay
    assert "满意程度 不满意" in replay, "a form's variable under its field's title"
    handoff = pages[f"/audit/cases/{cases[2].case_id}/replay"]
    technical = " ".join(re.findall(r'<details class="tech-info".*?</details>', handoff, re.S))
    assert "rule_prefix" in technical and "court" in technical, "ids for auditors, apart"
    assert "gw_leader_done" in technical and "case_main" in technical


def test_the_export_names_its_columns_in_chinese(app, web_engine, cases):
    auditor = client_for(app, "shen", "审计")
    body = auditor.get("/audit/export.csv").get_data().decode("utf-8-sig")
    [names] = [line for line in body.splitlines() if line.startswith("# 列名对照")]
    assert all(f"{column} " in names for column in COLUMNS)
    assert "event_type 事件类型" in names and "spec_name 元素名称" in names


def test_the_case_page_and_every_open_task_read_in_chinese(app, web_engine, cases):
    county = client_for(app, "xian", COUNTY_CENTER)
    pages = {}
    for case in cases:
        url = f"/cases/{case.case_id}?steps=all"
        pages[url] = _page(county, url)
        for task in ready(web_engine, case.instance_id):
            pages[f"/tasks/{task.id}"] = _page(county, f"/tasks/{task.id}")

    assert len(pages) == 8
    assert not (leaks := _leaks(pages)), leaks
    assert not any('class="tech-info"' in html for html in pages.values()), "auditors' only"
    timeline = visible_text(pages[f"/cases/{cases[0].case_id}?steps=all"])
    assert "分流理由 窗口来访的一般纠纷" in timeline and "回访评价 不满意" in timeline


def test_the_check_finds_what_it_looks_for():
    html = (
        "<p>分流去向由 triage.dmn 决定</p><p>route_reason：x</p>"
        '<details class="tech-info"><summary>技术信息</summary>gw_route</details>'
        '<script>{"gw_route": 1}</script><a href="/x?a_b=1">案件</a>'
    )
    assert [name.split(" ")[0] for name in internal_names(html)] == ["triage.dmn", "route_reason"]
