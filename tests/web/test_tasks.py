"""我的待办 (``/tasks/``): the tasks a user may act on and no others, masked parties,
deadlines marked by the clock, filters, search, sort, pages, claim and unclaim."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engine import Actor
from engine.db import db
from engine.models import Instance, TaskRecord
from processes.models import Case
from tests.web.tasks_support import (
    CENTER,
    COUNTY,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    TOWNSHIP,
    add_other_township,
    client_for,
    only_ready,
    receive,
    set_case,
    set_due,
)
from webapp.tasks import service


@pytest.fixture
def library(web_engine):
    add_other_township(web_engine)
    return web_engine


def rows(page: str) -> list[str]:
    """The work list's rows, each as its text without tags."""
    found = re.findall(r'<tr class="task-row[^"]*">(.*?)</tr>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in found]


def codes(page: str) -> list[str]:
    return re.findall(r'class="case-code">\s*(?:<a [^>]*>)?([0-9-]+)', page)


def test_the_list_shows_the_tasks_offered_in_scope_only(library, login_as, app):
    ours = receive(library)
    theirs = receive(library, region=OTHER_VILLAGE, name="王五")
    claimed = receive(library, name="赵六")
    library.claim(only_ready(library, claimed.instance_id).id, actor=Actor.of("other", [CENTER]))

    page = login_as("li", CENTER, region=TOWNSHIP).get("/tasks/").get_data(as_text=True)

    assert codes(page) == [ours.code]
    assert "共 1 项" in page
    assert theirs.code not in page and claimed.code not in page


def test_a_task_follows_its_case_into_another_township(library, login_as, app):
    moved = receive(library)
    stays = receive(library, name="王五")
    task_id = only_ready(library, moved.instance_id).id
    with library.session_factory() as session:  # the case row moved, as an edit would
        session.get(Case, moved.case_id).region_code = OTHER_VILLAGE
        session.commit()

    ours = login_as("li", CENTER, region=TOWNSHIP).get("/tasks/").get_data(as_text=True)
    theirs = client_for(app, "sha", CENTER, region=OTHER_TOWNSHIP).get("/tasks/")

    assert codes(ours) == [stays.code]
    assert codes(theirs.get_data(as_text=True)) == [moved.code]
    with library.session_factory() as session:  # and a task readied later takes it too
        assert session.get(Instance, moved.instance_id).region_code == OTHER_VILLAGE
        assert session.get(TaskRecord, task_id).region_code == OTHER_VILLAGE


def test_a_county_user_sees_every_township(library, login_as):
    first = receive(library)
    second = receive(library, region=OTHER_VILLAGE)
    page = login_as("xian", CENTER, region=COUNTY).get("/tasks/").get_data(as_text=True)
    assert sorted(codes(page)) == sorted([first.code, second.code])


def test_a_role_without_the_lane_sees_nothing(library, login_as):
    receive(library)
    page = login_as("med", "调解员", region=TOWNSHIP).get("/tasks/").get_data(as_text=True)
    assert rows(page) == [] and "暂无待办任务" in page


def test_roles_outside_the_caseworkers_are_refused(library, login_as):
    assert login_as("aud", "审计").get("/tasks/").status_code == 403


def test_a_row_carries_the_case_and_masks_the_party(library, login_as):
    received = receive(library, name="张三丰", phone="13812345678")
    page = login_as("li", CENTER, region=TOWNSHIP).get("/tasks/").get_data(as_text=True)

    [row] = rows(page)
    assert "分流研判" in row and received.code in row
    assert "邻里纠纷" in row and "张**" in row and "黄色" in row and "未认领" in row
    assert "张三丰" not in page and "13812345678" not in page


def test_deadlines_are_marked_by_the_clock(library, login_as, clock):
    late, near, later, none = (receive(library, name=n) for n in ("甲一", "乙二", "丙三", "丁四"))
    now = clock.now()
    set_due(library, only_ready(library, late.instance_id).id, now - timedelta(days=7))
    set_due(library, only_ready(library, near.instance_id).id, now + timedelta(hours=5))
    set_due(library, only_ready(library, later.instance_id).id, now + timedelta(days=10))

    client = login_as("li", CENTER, region=TOWNSHIP)
    page = client.get("/tasks/").get_data(as_text=True)

    states = re.findall(r'<tr class="task-row due-row-(\w+)">', page)
    assert states == ["overdue", "near", "ok", "none"]  # by due, no deadline last
    assert codes(page) == [late.code, near.code, later.code, none.code]
    assert re.search(r"已超期 \d+ 个工作日", page) and "今日 14:00 到期" in page
    assert "无时限" in page

    clock.advance(timedelta(days=7))  # the "near" one is late now too
    page = client.get("/tasks/").get_data(as_text=True)
    assert re.findall(r'<tr class="task-row due-row-(\w+)">', page)[:2] == ["overdue", "overdue"]


def test_filter_by_deadline_state(library, login_as, clock):
    late, near, later = (receive(library, name=n) for n in ("甲一", "乙二", "丙三"))
    now = clock.now()
    set_due(library, only_ready(library, late.instance_id).id, now - timedelta(hours=2))
    # Monday 09:00: Tuesday evening is the next working day, so still near-due.
    set_due(library, only_ready(library, near.instance_id).id, now + timedelta(hours=32))
    set_due(library, only_ready(library, later.instance_id).id, now + timedelta(days=5))
    client = login_as("li", CENTER, region=TOWNSHIP)

    assert codes(client.get("/tasks/?due=overdue").get_data(as_text=True)) == [late.code]
    assert codes(client.get("/tasks/?due=near").get_data(as_text=True)) == [near.code]


def test_filter_by_risk_colour_and_sort_by_risk(library, login_as):
    yellow = receive(library, risk="黄")
    green = receive(library, risk="绿", phone="13900000001")  # another party: not a repeat
    red = receive(library, risk="绿", phone="13900000002")
    set_case(library, red.case_id, risk_colour="红")
    client = login_as("li", CENTER, region=TOWNSHIP)

    assert codes(client.get("/tasks/?risk=绿").get_data(as_text=True)) == [green.code]
    by_risk = codes(client.get("/tasks/?sort=risk").get_data(as_text=True))
    assert by_risk == [red.code, yellow.code, green.code]


def test_sort_by_received_puts_the_newest_first(library, login_as, clock):
    first = receive(library)
    clock.advance(timedelta(hours=1))
    second = receive(library)
    page = login_as("li", CENTER, region=TOWNSHIP).get("/tasks/?sort=received")
    assert codes(page.get_data(as_text=True)) == [second.code, first.code]


def test_a_task_readied_later_keeps_its_case_newest_first(library, login_as, clock):
    """The order is the case's received time, not when its task became ready: the newer
    case's next step (the county's 吹哨派单) still comes before the older case's."""
    older = receive(library)
    clock.advance(timedelta(hours=1))
    newer = receive(library)
    clock.advance(timedelta(hours=1))
    assess = only_ready(library, newer.instance_id, "assess")
    library.complete(
        assess.id, {**ASSESS, "matter_nature": "复杂纠纷"}, actor=Actor.of("c", [CENTER])
    )
    dispatch = only_ready(library, newer.instance_id, "dispatch")

    client = login_as("xian", CENTER, "县综治中心", region=COUNTY)
    page = client.get("/tasks/?sort=received").get_data(as_text=True)

    assert codes(page) == [newer.code, older.code]
    with library.session_factory() as session:  # what the list orders by, not by chance
        case = session.get(Case, newer.case_id)
        assert session.get(TaskRecord, dispatch.id).received_at == case.received_at


def test_search_by_code_name_or_phone_shows_masked_results(library, login_as):
    zhang = receive(library, name="张三丰", phone="13812345678")
    wang = receive(library, name="王五", phone="13900001111")
    client = login_as("li", CENTER, region=TOWNSHIP)

    def found(q: str) -> list[str]:
        return codes(client.get("/tasks/", query_string={"q": q}).get_data(as_text=True))

    assert found(wang.code) == [wang.code]
    assert found(zhang.code[-13:]) == [zhang.code]  # a part of the code
    assert found("张三丰") == [zhang.code]
    assert found("13900001111") == [wang.code]
    assert found("张**") == [] and found("1390000") == []  # full name or number only
    page = client.get("/tasks/", query_string={"q": "13812345678"}).get_data(as_text=True)
    assert "张**" in page and "张三丰" not in page.replace('value="13812345678"', "")


def test_mine_only_and_claim_then_unclaim(library, login_as, app):
    first = receive(library)
    second = receive(library)
    task = only_ready(library, first.instance_id)
    client = login_as("li", CENTER, region=TOWNSHIP)

    response = client.post(f"/tasks/{task.id}/claim", data={"next": "/tasks/?sort=risk"})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks/?sort=risk"
    page = client.get("/tasks/?mine=1").get_data(as_text=True)
    assert "已认领：分流研判" in page
    assert codes(page) == [first.code] and "测试li" in page and "退回" in page
    assert sorted(codes(client.get("/tasks/").get_data(as_text=True))) == sorted(
        [first.code, second.code]
    )
    wang = client_for(app, "wang", CENTER, region=TOWNSHIP)
    assert codes(wang.get("/tasks/").get_data(as_text=True)) == [second.code]

    assert wang.post(f"/tasks/{task.id}/unclaim").status_code == 302
    assert "退回未成功" in wang.get("/tasks/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TaskRecord, task.id).assignee == "li"


def test_unclaim_opens_the_task_again(library, login_as):
    received = receive(library)
    task = only_ready(library, received.instance_id)
    client = login_as("li", CENTER, region=TOWNSHIP)
    client.post(f"/tasks/{task.id}/claim")

    page = client.post(f"/tasks/{task.id}/unclaim", follow_redirects=True).get_data(as_text=True)
    assert "已退回：分流研判" in page and "未认领" in page
    assert codes(client.get("/tasks/?mine=1").get_data(as_text=True)) == []


def test_claiming_a_task_someone_else_just_claimed_says_so(library, login_as):
    received = receive(library)
    task = only_ready(library, received.instance_id)
    client = login_as("li", CENTER, region=TOWNSHIP)
    library.claim(task.id, actor=Actor.of("wang", [CENTER]))

    response = client.post(f"/tasks/{task.id}/claim", follow_redirects=True)
    assert response.status_code == 200
    assert "认领未成功" in response.get_data(as_text=True)


def test_claim_outside_the_scope_is_not_found(library, login_as):
    received = receive(library, region=OTHER_VILLAGE)
    task = only_ready(library, received.instance_id)
    client = login_as("li", CENTER, region=TOWNSHIP)
    assert client.post(f"/tasks/{task.id}/claim").status_code == 404
    assert client.post("/tasks/no-such-task/claim").status_code == 404


def test_pages(library, login_as, monkeypatch):
    received = [receive(library, name=f"人{i}") for i in range(5)]
    monkeypatch.setattr(service, "PER_PAGE", 2)
    client = login_as("li", CENTER, region=TOWNSHIP)

    first = client.get("/tasks/").get_data(as_text=True)
    third = client.get("/tasks/?page=3").get_data(as_text=True)
    assert len(codes(first)) == 2 and "第 1 页 / 共 3 页" in first and 'rel="next"' in first
    assert len(codes(third)) == 1 and 'rel="next"' not in third and 'rel="prev"' in third
    seen = [*codes(first), *codes(client.get("/tasks/?page=2").get_data(as_text=True))]
    assert sorted([*seen, *codes(third)]) == sorted(r.code for r in received)
    assert "这一页没有任务了" in client.get("/tasks/?page=9").get_data(as_text=True)


def test_page_links_keep_the_filters(library, login_as, monkeypatch):
    for i in range(3):
        receive(library, name=f"人{i}", risk="绿", phone=f"1390000000{i}")
    monkeypatch.setattr(service, "PER_PAGE", 2)
    page = login_as("li", CENTER, region=TOWNSHIP).get("/tasks/?risk=绿&sort=received")
    links = re.findall(r'href="([^"]*)" rel="next"', page.get_data(as_text=True))
    assert links and "risk=%E7%BB%BF" in links[0] and "sort=received" in links[0]


def test_the_home_page_counts_the_same_tasks(library, login_as):
    receive(library)
    receive(library, region=OTHER_VILLAGE)
    page = login_as("li", CENTER, region=TOWNSHIP).get("/").get_data(as_text=True)
    assert re.search(r'class="stat-number">1<', page)


def _whistled(library, departments: list[str]):
    """A case the county center blew the whistle on, summoning ``departments``."""
    received = receive(library)
    clerk, county = Actor.of("c", [CENTER]), Actor.of("x", ["县综治中心"])
    assess = only_ready(library, received.instance_id, "assess")
    library.complete(assess.id, {**ASSESS, "matter_nature": "复杂纠纷"}, actor=clerk)
    dispatch = only_ready(library, received.instance_id, "dispatch")
    four = {
        "lead_leader": "王副县长",
        "responsible_unit": "县信访局",
        "responsible_person": "赵科长",
    }
    library.complete(
        dispatch.id, {**four, "handle_days": 10, "departments": departments}, actor=county
    )
    return received


ASSESS = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}


def test_a_department_liaison_sees_the_cases_their_department_is_part_of(library, app):
    whistled = _whistled(library, ["公安派出所"])
    legal = receive(library, name="钱七")
    assess = only_ready(library, legal.instance_id, "assess")
    library.complete(
        assess.id, {**ASSESS, "matter_nature": "法律问题"}, actor=Actor.of("c", [CENTER])
    )

    police = client_for(app, "police", "部门", region=COUNTY, department="police")
    court = client_for(app, "court", "部门", region=COUNTY, department="court")
    anyone = client_for(app, "dept", "部门", region=COUNTY)

    both = sorted([whistled.code, legal.code])
    assert sorted(codes(police.get("/tasks/").get_data(as_text=True))) == both
    assert codes(court.get("/tasks/").get_data(as_text=True)) == [legal.code]
    # the 报到 is offered to the summoned department's unit only (no liaison on duty)
    assert codes(anyone.get("/tasks/").get_data(as_text=True)) == [legal.code]
    acknowledge = only_ready(library, whistled.instance_id, "acknowledge")
    assert court.get(f"/tasks/{acknowledge.id}").status_code in (403, 404)
    assert police.get(f"/tasks/{acknowledge.id}").status_code == 200
