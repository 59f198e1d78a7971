"""中心吹哨 names people, in the browser: a 县综治中心 user fixes the 四定 picking the 责任人
from a searchable list; that person finds 包调处 first on their list and completes it;
another liaison of the same role never sees it and gets 404 on its URL."""

from __future__ import annotations

import pytest

from engine import Actor
from tests.web.tasks_support import only_ready, receive

from .helpers import follow, login, shot

pytestmark = pytest.mark.browser

CENTER, COUNTY_CENTER, DEPT, LEADER = "镇综治中心", "县综治中心", "部门", "包案领导"
ASSESS = {"matter_nature": "复杂纠纷", "cross_department": True, "risk_colour": "黄"}


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_the_center_picks_the_responsible_person_who_alone_gets_the_mediation(
    pages, guard, add_user, web_engine, app
):
    from engine.db import db
    from webapp.accounts.models import User

    received = receive(web_engine)
    assess = only_ready(web_engine, received.instance_id, "assess")
    web_engine.complete(assess.id, ASSESS, actor=Actor.of("c", [CENTER]))
    dispatch = only_ready(web_engine, received.instance_id, "dispatch")
    add_user("xian", COUNTY_CENTER)
    add_user("wang", LEADER)
    add_user("zhang", DEPT, department="labour")
    add_user("liu", DEPT, department="labour")
    with app.app_context():
        for username, name in (("zhang", "张人社"), ("liu", "刘人社"), ("wang", "王副县长")):
            db.session.query(User).filter_by(username=username).update({"display_name": name})
        db.session.commit()

    center = pages.open()
    login(center, "xian")
    center.goto(f"/tasks/{dispatch.id}")
    center.get_by_label("定牵头领导").select_option("wang")
    center.locator("#f-responsible_unit").select_option("labour")
    search = center.locator("#f-responsible_person-search")
    search.fill("张人社")
    expect(center.locator("#f-responsible_person")).to_have_value("zhang")  # one match: chosen
    expect(center.locator("#f-responsible_person option", has_text="刘人社")).to_be_hidden()
    center.get_by_label("人社局").check()
    shot(center, "whistle-named-01-picker")
    follow(center.get_by_role("button", name="提交"))
    expect(center.locator(".flash, [role=status], .alert").first).to_contain_text("已提交")

    acknowledge = only_ready(web_engine, received.instance_id, "acknowledge")
    web_engine.complete(
        acknowledge.id, {"liaison": "人社局联络员"}, actor=Actor.of("zhang", [DEPT], ["labour"])
    )
    mediate = only_ready(web_engine, received.instance_id, "mediate")
    other = pages.open()
    login(other, "liu")
    other.goto("/tasks/")
    expect(other.locator("a.task-link", has_text="责任人包调处")).to_have_count(0)
    guard.expect_status(404)
    response = other.goto(f"/tasks/{mediate.id}")
    assert response.status == 404

    person = pages.open()
    login(person, "zhang")
    person.goto("/tasks/")
    # his two tasks of the round, at the top of his list: 包调处, and the extension request
    links = person.locator("a.task-link")
    expect(links).to_have_count(2)
    assert sorted(links.all_inner_texts()) == sorted(["责任人包调处", "申请延长办结时限"])
    follow(links.filter(has_text="责任人包调处"))
    expect(person.locator("#task-title")).to_have_text("责任人包调处")
    expect(person.locator("main")).to_contain_text("责任人 张人社（人社局）负责调处")
    person.get_by_role("radio", name="化解", exact=True).check()
    person.get_by_label("调处情况").fill("三方联合调解，双方签订协议")
    shot(person, "whistle-named-02-person")
    follow(person.get_by_role("button", name="提交"))
    expect(person.locator(".flash, [role=status], .alert").first).to_contain_text("已提交")
