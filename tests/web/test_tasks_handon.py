"""After a submit the user reads where the case went (webapp/tasks/handon.py): each task
the step made ready, with whom (the unit of the level in the case's area, the department,
the named person) and by when, with a link to the case; what became of a case that was
resolved or ended. The next task of the case opens at once only when it is really theirs."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from engine import Actor
from engine.models import TaskRecord
from tests.conftest import CST
from tests.web.conftest import add_test_user
from tests.web.tasks_support import (
    CENTER,
    COUNTY,
    COUNTY_CENTER,
    TOWNSHIP,
    assess_data,
    client_for,
    only_ready,
    ready,
    receive,
)

VILLAGE_ROLE, DEPT = "村调委会", "部门"
TUESDAY_10AM = datetime(2026, 3, 3, 10, 0, tzinfo=CST)
FOUR = {
    "lead_leader": "wang",
    "responsible_unit": "justice",
    "responsible_person": "zhao",
    "handle_days": "10",
    "departments": ["司法所", "人社局"],
}
"""The 四定 as the pickers submit it (add ``named_people`` first: the accounts it names)."""


def named_people(app) -> None:
    add_test_user(app, "wang", "包案领导", region=COUNTY)
    add_test_user(app, "zhao", "部门", region=COUNTY, department="justice")


def handon(page: str) -> str:
    """The message after a submit, as text."""
    found = re.search(r'<span class="handon">(.*?)</span></p>', page, re.S)
    assert found, "no hand-on message on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def landing(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def at_village(web_engine, clock):
    """A walk-in assessed as an ordinary dispute on Monday: the 村调委会 holds it."""
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    ordinary = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    web_engine.complete(task.id, ordinary, actor=Actor.of("li", [CENTER]))
    clock.set(TUESDAY_10AM)
    return received, only_ready(web_engine, received.instance_id, "village")


def test_a_hand_up_names_the_next_level_its_unit_and_its_deadline(at_village, app):
    received, village = at_village
    cun = client_for(app, "cun", VILLAGE_ROLE, region=TOWNSHIP)

    response = cun.post(
        f"/tasks/{village.id}", data={"level_outcome": "无法化解", "level_notes": "双方分歧较大"}
    )

    assert response.headers["Location"] == "/tasks/"  # the township's task is not theirs
    page = landing(cun, response)
    message = handon(page)
    assert message.startswith("已提交：村调委会化解。 案件 ")
    assert "「镇综治中心化解」已交 镇综治中心（大满镇综治中心），03-05 到期" in message
    assert f'<a href="/cases/{received.case_id}">{received.code}</a>' in page
    assert 'class="task-table"' not in page  # nothing left on their list


def test_a_whistle_dispatch_names_each_summoned_department(web_engine, app):
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    web_engine.complete(
        task.id,
        {"matter_nature": "复杂纠纷", "cross_department": True, "risk_colour": "黄"},
        actor=Actor.of("li", [CENTER]),
    )
    dispatch = only_ready(web_engine, received.instance_id, "dispatch")
    named_people(app)
    county = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)

    message = handon(landing(county, county.post(f"/tasks/{dispatch.id}", data=FOUR)))

    assert message.startswith("已提交：吹哨派单（四定）。")
    if hasattr(TaskRecord, "item"):  # the projection names each summoned department
        assert "「部门报到」已交 部门（司法所），03-03 到期" in message
        assert "「部门报到」已交 部门（人社局），03-03 到期" in message
    else:  # two rows that read the same are said once, with how many
        assert "「部门报到」（共 2 项）已交 部门，03-03 到期" in message


def test_a_liaison_is_never_sent_into_another_departments_report(web_engine, app):
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    web_engine.complete(
        task.id,
        {"matter_nature": "复杂纠纷", "cross_department": True, "risk_colour": "黄"},
        actor=Actor.of("li", [CENTER]),
    )
    dispatch = only_ready(web_engine, received.instance_id, "dispatch")
    web_engine.complete(
        dispatch.id,
        {**FOUR, "handle_days": 10},
        actor=Actor.of("xian", [COUNTY_CENTER]),
    )
    reports = ready(web_engine, received.instance_id, "acknowledge")
    [first] = [t for t in reports if web_engine.candidates(t.id).units == ("labour",)]
    [second] = [t for t in reports if t.id != first.id]
    liaison = client_for(app, "renshe", DEPT, region=COUNTY, department="labour")

    response = liaison.post(f"/tasks/{first.id}", data={"liaison": "人社局联络员"})

    assert response.headers["Location"] == "/tasks/", "not redirected into the other 报到"
    message = handon(landing(liaison, response))
    assert "本次提交没有生成新的待办。案件其余待办：" in message
    assert "「部门报到」仍由 部门" in message and "办理，03-03 到期" in message
    assert second.id in {t.id for t in ready(web_engine, received.instance_id, "acknowledge")}


def test_a_resolution_goes_to_the_callback_and_says_the_case_is_resolved(at_village, app):
    _received, village = at_village
    cun = client_for(app, "cun", VILLAGE_ROLE, region=TOWNSHIP)

    response = cun.post(
        f"/tasks/{village.id}",
        data={"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"},
    )

    message = handon(landing(cun, response))
    assert "「电话回访」已交 镇综治中心（大满镇综治中心），未设办理时限" in message
    assert message.endswith("案件已化解，待回访")


def test_the_next_task_opens_at_once_when_it_is_the_users_own(at_village, app, web_engine):
    received, village = at_village
    web_engine.complete(
        village.id,
        {"level_outcome": "无法化解", "level_notes": "被申请人拒不赔偿"},
        actor=Actor.of("cun", [VILLAGE_ROLE]),
    )
    township = only_ready(web_engine, received.instance_id, "township")
    web_engine.complete(
        township.id,
        {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"},
        actor=Actor.of("zhen", [CENTER]),
    )
    call_back = only_ready(web_engine, received.instance_id, "call_back")
    center = client_for(app, "zhen", CENTER, region=TOWNSHIP)
    center.post(f"/tasks/{call_back.id}/claim")

    response = center.post(
        f"/tasks/{call_back.id}", data={"evaluation": "不满意", "callback_note": "赔偿未到位"}
    )

    redo = only_ready(web_engine, received.instance_id, "redo")
    assert response.headers["Location"] == f"/tasks/{redo.id}"  # settled by the center
    message = handon(landing(center, response))
    assert "「二次督办·重新办理」已交 镇综治中心（大满镇综治中心），03-10 到期" in message
    assert "案件已化解" not in message  # the case was resolved before: not news


def test_a_second_supervision_goes_back_to_the_village_that_settled_it(at_village, app, web_engine):
    received, village = at_village
    web_engine.complete(
        village.id,
        {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"},
        actor=Actor.of("cun", [VILLAGE_ROLE]),
    )
    call_back = only_ready(web_engine, received.instance_id, "call_back")
    center = client_for(app, "zhen", CENTER, region=TOWNSHIP)

    response = center.post(
        f"/tasks/{call_back.id}", data={"evaluation": "不满意", "callback_note": "赔偿未到位"}
    )

    redo = only_ready(web_engine, received.instance_id, "redo_village")
    assert redo.lane == VILLAGE_ROLE
    assert response.headers["Location"] != f"/tasks/{redo.id}"
    message = handon(landing(center, response))
    assert "「二次督办·重新办理」已交 村调委会（大满村调委会），03-10 到期" in message


def test_a_case_that_ends_says_so_with_the_recheck_date(at_village, app, web_engine):
    received, village = at_village
    web_engine.complete(
        village.id,
        {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"},
        actor=Actor.of("cun", [VILLAGE_ROLE]),
    )
    call_back = only_ready(web_engine, received.instance_id, "call_back")
    center = client_for(app, "zhen", CENTER, region=TOWNSHIP)

    response = center.post(
        f"/tasks/{call_back.id}", data={"evaluation": "满意", "callback_note": "双方满意"}
    )

    assert response.headers["Location"] == "/tasks/"
    message = handon(landing(center, response))
    assert re.search(r"案件 \S+ ： 案件已结案；\d{2}-\d{2} 回访复核时间到$", message), message
    assert "已交" not in message


def test_a_case_guided_elsewhere_says_so(web_engine, app):
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    center = client_for(app, "zhen", CENTER, region=TOWNSHIP)

    response = center.post(f"/tasks/{task.id}", data=assess_data("不宜调解"))
    guide = only_ready(web_engine, received.instance_id, "guide")
    assert response.headers["Location"] == f"/tasks/{guide.id}"
    message = handon(landing(center, response))
    assert "「引导至其他途径」已交 镇综治中心（大满镇综治中心）" in message
    response = center.post(
        f"/tasks/{guide.id}", data={"remedy": "诉讼", "guide_reason": "已起诉，法院已立案"}
    )

    message = handon(landing(center, response))
    assert message.endswith("已引导当事人通过其他途径解决，案件办结")
