"""The case page (一案一码): code and QR code, masked parties and the logged reveal, the
timeline, current tasks, the diagram's data, region scope; printable 督办 documents."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from engine import Actor
from engine.models import HistoryEvent
from processes.intake import receive_case
from processes.models import Region, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from webapp.cases.qr import qr_svg

CLERK = Actor.of("window.clerk", ["镇综治中心"])
OTHER_TOWNSHIP = "620702102"
MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
    "parties": [
        {
            "role": "申请人",
            "name": "张三丰",
            "phone": "13812345678",
            "id_number": "620702199001011234",
        },
        {"role": "被申请人", "name": "李四"},
    ],
}


@pytest.fixture
def other_township(web_engine):
    with web_engine.session_factory() as session:
        session.add(
            Region(
                code=OTHER_TOWNSHIP, name="梁家墩镇", level="镇", parent_code=COUNTY, active=True
            )
        )
        session.commit()
    return OTHER_TOWNSHIP


def receive(engine, **changes):
    return receive_case(engine, {**MATTER, **changes}, actor=CLERK)


def ready_task(engine, instance_id: int, spec_id: str):
    [task] = [
        t for t in engine.tasks_of(instance_id) if t.status == "ready" and t.spec_id == spec_id
    ]
    return task


def assess(engine, instance_id: int, nature: str = "一般纠纷", *, user: str = "li") -> None:
    task = ready_task(engine, instance_id, "assess")
    engine.complete(
        task.id,
        {"matter_nature": nature, "cross_department": False, "risk_colour": "黄"},
        actor=Actor.of(user, ["镇综治中心"]),
    )


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_case_page_shows_code_qr_and_masked_parties(web_engine, login_as):
    case = receive(web_engine, summary="张三丰称邻居家院墙漏水，电话13812345678")
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    html = page_text(client.get(f"/cases/{case.case_id}"))

    assert case.code in html
    lookup = f"http://localhost/chaxun?code={case.code}"  # the citizen lookup, code filled in
    assert str(qr_svg(lookup, title=f"案件编号 {case.code}")) in html
    assert "张**" in html and "138****5678" in html and "6207**********1234" in html
    assert "张**称邻居家院墙漏水，电话138****5678" in html  # the summary too
    assert "张三丰" not in html and "13812345678" not in html
    assert "620702199001011234" not in html
    assert "大满镇" in html and "分流研判" in html  # region path and the current task


def test_reveal_shows_parties_in_full_and_is_logged(web_engine, login_as, app):
    case = receive(web_engine)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    assert "显示完整信息" in page_text(client.get(f"/cases/{case.case_id}"))

    response = client.post(f"/cases/{case.case_id}/parties")

    html = page_text(response)
    assert response.status_code == 200
    assert "张三丰" in html and "13812345678" in html and "620702199001011234" in html
    with web_engine.session_factory() as session:
        [event] = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "personal_data_viewed")
        ).all()
    assert event.actor == "li"
    assert (event.data["case_id"], event.data["user"]) == (case.case_id, "li")
    assert event.instance_id == case.instance_id
    timeline = page_text(client.get(f"/cases/{case.case_id}"))
    assert "查看当事人完整信息" in timeline and "测试li" in timeline


def test_only_personal_data_roles_may_reveal(web_engine, login_as):
    case = receive(web_engine)
    client = login_as("shen", "审计")

    html = page_text(client.get(f"/cases/{case.case_id}"))
    assert "显示完整信息" not in html and "张**" in html

    assert client.post(f"/cases/{case.case_id}/parties").status_code == 403
    with web_engine.session_factory() as session:
        logged = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "personal_data_viewed")
        ).all()
    assert logged == []


def test_timeline_lists_events_in_order_with_who_and_form_titles(web_engine, login_as):
    case = receive(web_engine)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    assess(web_engine, case.instance_id)

    html = page_text(client.get(f"/cases/{case.case_id}"))
    timeline = html[html.index('id="timeline-title"') :]

    steps = [
        "流程启动",
        "登记赋码",
        "生成待办「分流研判」",
        "完成任务「分流研判」",
        "确定分流去向",
        "生成待办「村调委会化解」",
    ]
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions)
    completed = timeline[timeline.index("完成任务「分流研判」") - 400 :]
    assert "测试li" in completed[:600]
    assert "事项性质" in completed and "一般纠纷" in completed
    assert "是否涉及多个部门" in completed
    assert "系统步骤" not in timeline  # automatic steps are hidden by default …

    everything = page_text(client.get(f"/cases/{case.case_id}?steps=all"))
    assert "系统步骤「登记赋码」" in everything  # … and shown on request


def test_current_tasks_are_listed_with_lane(web_engine, login_as):
    case = receive(web_engine)
    assess(web_engine, case.instance_id)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    html = page_text(client.get(f"/cases/{case.case_id}"))
    tasks = html[html.index('id="tasks-title"') : html.index('id="diagram-title"')]
    assert "村调委会化解" in tasks and "村调委会" in tasks and "待认领" in tasks
    village = ready_task(web_engine, case.instance_id, "village")
    assert f'href="/tasks/{village.id}"' in tasks


def test_a_case_outside_the_region_is_not_found(web_engine, login_as, other_township):
    case = receive(web_engine)
    client = login_as("wang", "镇综治中心", region=other_township)

    for path in (
        f"/cases/{case.case_id}",
        f"/cases/{case.case_id}/diagram.json",
        f"/cases/{case.case_id}/documents/1",
        "/cases/999999",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/cases/{case.case_id}/parties").status_code == 404


def test_diagram_json_marks_the_processes_that_ran(web_engine, login_as):
    case = receive(web_engine)
    assess(web_engine, case.instance_id)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    payload = client.get(f"/cases/{case.case_id}/diagram.json").get_json()

    processes = {p["id"]: p for p in payload["processes"]}
    assert [p["id"] for p in payload["processes"]] == ["case_main", "ladder"]
    main, ladder = processes["case_main"], processes["ladder"]
    assert "assess" in main["completed"] and main["current"] == ["call_ladder"]
    assert main["flows"] and '<bpmn:process id="case_main"' in main["xml"]
    assert "village" in ladder["current"] and ladder["name"] == "四级七天"
    html = page_text(client.get(f"/cases/{case.case_id}"))
    assert "四级七天" in html and "村调委会化解" in html  # the steps as text, without JS


def test_the_page_loads_the_vendored_viewer(web_engine, login_as, client):
    case = receive(web_engine)
    login_as("li", "镇综治中心", region=TOWNSHIP)

    html = page_text(client.get(f"/cases/{case.case_id}"))

    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in html
    assert "http://" not in html.split("<body", 1)[1].replace("http://www.w3.org", "")


def _overdue_legal_case(engine, clock):
    case = receive(engine)
    assess(engine, case.instance_id, "法律问题")
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=CST))  # legal.handle: 5 working days
    engine.fire_due_timers()
    return case


def test_supervision_notice_is_a_printable_document(web_engine, login_as, clock):
    case = _overdue_legal_case(web_engine, clock)
    with web_engine.session_factory() as session:
        [notice] = session.scalars(
            select(SupervisionRecord).where(SupervisionRecord.case_id == case.case_id)
        ).all()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    page = page_text(client.get(f"/cases/{case.case_id}"))
    link = f"/cases/{case.case_id}/documents/{notice.id}"
    assert link in page and "督办提示单" in page

    html = page_text(client.get(link))
    assert "督办提示单" in html and case.code in html
    assert f"综治督〔2026〕{notice.id:04d}号" in html
    assert "大满镇综治中心" in html and "超期未化解" in html and "法律服务承办单位" in html
    assert "data-print" in html and "打印" in html
    assert "系统（时限到达自动处理）" in html  # issued by the timer, not a person
    assert notice.content and notice.content[:10] in html


def test_a_document_of_another_case_is_not_found(web_engine, login_as, clock):
    case = _overdue_legal_case(web_engine, clock)
    other = receive(web_engine)
    with web_engine.session_factory() as session:
        notice_id = session.scalars(select(SupervisionRecord.id)).one()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    assert client.get(f"/cases/{case.case_id}/documents/{notice_id}").status_code == 200
    assert client.get(f"/cases/{other.case_id}/documents/{notice_id}").status_code == 404


def test_an_assignment_sheet_from_a_dissatisfied_callback_is_printable(web_engine, login_as):
    case = receive(web_engine)
    assess(web_engine, case.instance_id, "简单诉求")
    center = Actor.of("li", ["镇综治中心"])
    on_spot = ready_task(web_engine, case.instance_id, "on_spot")
    web_engine.complete(on_spot.id, {"on_spot_note": "当场协调疏通排水沟"}, actor=center)
    call = ready_task(web_engine, case.instance_id, "call_back")
    web_engine.complete(
        call.id, {"evaluation": "不满意", "callback_note": "排水沟仍未疏通"}, actor=center
    )
    with web_engine.session_factory() as session:
        [sheet] = session.scalars(
            select(SupervisionRecord).where(SupervisionRecord.kind == "工作任务交办单")
        ).all()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    html = page_text(client.get(f"/cases/{case.case_id}/documents/{sheet.id}"))

    assert "工作任务交办单" in html and f"综治交〔2026〕{sheet.id:04d}号" in html
    assert "交办内容" in html and "回访不满意" in html and "测试li" in html
    page = page_text(client.get(f"/cases/{case.case_id}"))
    assert "第 1 次回访" in page and "不满意" in page  # the callback record, briefly
