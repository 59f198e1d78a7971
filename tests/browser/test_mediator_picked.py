"""指派调解员 in the browser: a 县综治中心 user picks the mediator from the roster of the
case's area; that mediator logs in and finds 调解员确认接受委派 first on their list, while
another mediator of the same 调委会 never sees it."""

from __future__ import annotations

import pytest

from engine import Actor
from tests.processes.conftest import TOWNSHIP
from tests.web.tasks_support import only_ready, receive
from tests.web.test_tasks_mediator import seed_roster

from .helpers import follow, login, shot

pytestmark = pytest.mark.browser

COUNTY_CENTER, MEDIATOR = "县综治中心", "调解员"


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_the_center_picks_the_mediator_who_then_finds_the_task_first(
    pages, guard, add_user, web_engine, app
):
    from engine.db import db
    from webapp.accounts.models import User

    seed_roster(web_engine)
    add_user("xian", COUNTY_CENTER)
    for username, name in (("wang.tj", "王调解"), ("zhao.tj", "赵邻里")):
        add_user(username, MEDIATOR, region=TOWNSHIP)
        with app.app_context():
            db.session.query(User).filter_by(username=username).update(
                {"display_name": name, "unit_code": "TJ01"}
            )
            db.session.commit()
    received = receive(web_engine, channel="诉调")
    receipt = only_ready(web_engine, received.instance_id, "receive")
    web_engine.complete(
        receipt.id, {"receipt_decision": "签收"}, actor=Actor.of("c", [COUNTY_CENTER])
    )
    assign = only_ready(web_engine, received.instance_id, "assign_mediator")

    center = pages.open()
    login(center, "xian")
    center.goto(f"/tasks/{assign.id}")
    center.get_by_role("radio", name="指派", exact=True).check()
    picker = center.locator("#f-mediator_entry")
    expect(picker.locator("option").nth(1)).to_have_text(
        "赵邻里（人民调解员，大满镇人民调解委员会）"
    )
    expect(picker.locator("option", has_text="孙沙井")).to_have_count(0)
    picker.select_option(label="王调解（人民调解员，大满镇人民调解委员会）")
    shot(center, "mediator-01-roster-picker")
    follow(center.get_by_role("button", name="提交"))
    expect(center.locator(".flash, [role=status], .alert").first).to_contain_text("已提交")

    other = pages.open()
    login(other, "zhao.tj")
    other.goto("/tasks/")
    expect(other.locator("a.task-link", has_text="调解员确认接受委派")).to_have_count(0)

    mediator = pages.open()
    login(mediator, "wang.tj")
    mediator.goto("/tasks/")
    first = mediator.locator("a.task-link").first
    expect(first).to_have_text("调解员确认接受委派")
    follow(first)
    expect(mediator.locator("#task-title")).to_have_text("调解员确认接受委派")
    expect(mediator.locator("main")).to_contain_text("案件已指派给您（王调解）")
    expect(mediator.locator("main")).to_contain_text("王调解（人民调解员，大满镇人民调解委员会）")
    shot(mediator, "mediator-02-accept-task")
    mediator.get_by_role("radio", name="接受委派", exact=True).check()
    follow(mediator.get_by_role("button", name="提交"))
    expect(mediator.locator(".flash, [role=status], .alert").first).to_contain_text("已提交")
    assert only_ready(web_engine, received.instance_id, "contact_party").assignee == "wang.tj"
