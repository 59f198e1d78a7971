"""Tasks given to a named person, in the browser: the mediator the diagram named finds 包调处
on their list; a 督办员 opens it from the case page, reassigns it to another mediator with
a reason (no script needed); that mediator finds it first on their list and the first one
gets 404 on its URL; each liaison sees only their own department's 报到."""

from __future__ import annotations

import pytest

from tests.web.assigned_support import acknowledgements, start_assigned_case
from tests.web.tasks_support import only_ready

from .helpers import follow, login, shot

pytestmark = pytest.mark.browser


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_a_supervisor_reassigns_a_named_persons_task_and_only_the_new_holder_has_it(
    pages, guard, add_user, web_engine
):
    started = start_assigned_case(web_engine, departments=(), mediator="med1")
    task = only_ready(web_engine, started.instance_id, "mediate")
    for name in ("med1", "med2"):
        add_user(name, "调解员")
    add_user("du", "督办员")

    supervisor = pages.open()
    login(supervisor, "du")
    supervisor.goto(f"/cases/{started.case_id}")
    follow(supervisor.get_by_role("link", name="责任人包调处"))
    expect(supervisor.get_by_role("note")).to_contain_text("以督办身份打开")
    supervisor.get_by_label("改派给（调解员）").select_option("med2")
    supervisor.get_by_label("改派原因（必填）").fill("med1 出差，改由 med2 办理")
    shot(supervisor, "assignment-01-reassign")
    follow(supervisor.get_by_role("button", name="改派", exact=True))
    expect(supervisor.locator(".flash, [role=status], .alert").first).to_contain_text("已改派")

    mediator = pages.open()
    login(mediator, "med2")
    mediator.goto("/tasks/")
    expect(mediator.locator("a.task-link").first).to_have_text("责任人包调处")
    follow(mediator.locator("a.task-link").first)
    expect(mediator.locator("#task-title")).to_have_text("责任人包调处")
    shot(mediator, "assignment-02-new-holder")

    first = pages.open()
    login(first, "med1")
    first.goto("/tasks/")
    expect(first.locator("a.task-link")).to_have_count(0)
    guard.expect_status(404)
    response = first.goto(f"/tasks/{task.id}")
    assert response.status == 404


def test_each_liaison_sees_only_their_departments_report_and_sets_a_stand_in(
    page, add_user, web_engine
):
    started = start_assigned_case(web_engine, departments=("人社局", "住建局"))
    acks = acknowledgements(web_engine, started.instance_id)
    add_user("ren", "部门", department="labour")
    add_user("ren2", "部门", department="labour")
    login(page, "ren")
    page.goto("/tasks/")
    expect(page.locator("tr.task-row")).to_have_count(1)
    expect(page.locator("tr.task-row").first).to_contain_text("部门报到（人社局）")
    shot(page, "assignment-03-liaison-list")
    assert acks["人社局"].id in page.locator("a.task-link").first.get_attribute("href")

    follow(page.get_by_role("link", name="外出时设置代办人"))
    page.get_by_label("代办人", exact=True).select_option("ren2")
    page.get_by_label("结束日期").fill("2026-03-06")
    follow(page.get_by_role("button", name="保存"))
    expect(page.locator("#current-title + p")).to_contain_text("测试ren2（ren2）")
    shot(page, "assignment-04-stand-in")
