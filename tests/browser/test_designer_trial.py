"""试运行 in the browser, as a process designer does it: start a trial of the shipped 受理分流,
complete its first task's form, fast-forward the 法律服务 deadline, and read the diagram's
marks and the step log; then delete the trial."""

from __future__ import annotations

import pytest

from .helpers import follow, login, shot

pytestmark = pytest.mark.browser


def choices(page, legend: str):
    """A radio-button group of the task form, by its legend."""
    return page.locator("fieldset", has=page.locator("legend", has_text=legend))


def marked(page, element_id: str) -> str:
    shape = page.locator(f'svg g.djs-element[data-element-id="{element_id}"]')
    shape.wait_for()
    return shape.get_attribute("class") or ""


def start_case_main(page) -> None:
    page.goto("/designer/trials")
    assert page.get_by_role("heading", name="试运行", exact=True).is_visible()
    page.get_by_label("流程（版本").select_option("case_main")
    follow(page.get_by_role("button", name="开始试运行"))
    assert page.get_by_role("heading", name="试运行：受理分流").is_visible()
    assert page.get_by_role("note").first.inner_text().startswith("沙箱")
    assert page.get_by_role("heading", name="办理「分流研判」").is_visible()


def complete_assess_as_legal(page) -> None:
    choices(page, "事项性质").get_by_label("法律问题").check()
    choices(page, "是否涉及多个部门").get_by_label("否").check()
    choices(page, "风险等级").get_by_label("黄").check()
    follow(page.get_by_role("button", name="提交并推进"))
    assert page.get_by_text("已完成任务「分流研判」").is_visible()
    log = page.locator("ol.trial-log")
    assert log.get_by_text("网关「分流去向？」走向：法律服务").is_visible()
    assert page.get_by_role("heading", name="办理「法律服务」").is_visible()


def fast_forward_the_legal_deadline(page) -> None:
    timer = page.locator(".trial-timers li", has_text="法律服务超期")
    assert "附在「法律服务」上" in timer.inner_text()
    clock_before = page.locator(".trial-clock").inner_text()
    follow(timer.get_by_role("button", name="快进"))
    assert page.locator(".trial-clock").inner_text() > clock_before, "the trial's clock moved"
    last = page.locator("li.trial-step").last
    assert last.get_by_text("快进：定时器「法律服务超期」到期").is_visible()
    issued = last.locator("li.trial-line", has_text="开具督办提示单")
    assert "调用 supervision.issue（未真正执行）" in issued.inner_text()
    assert "法律服务承办单位" in issued.inner_text(), "with its evaluated parameters"
    tasks = page.locator(".trial-task-list")
    assert tasks.get_by_text("督办催办").is_visible() and tasks.get_by_text("法律服务").is_visible()


def test_a_designer_tries_case_main_through_a_form_and_a_timer(page, add_user):
    add_user("sheji", "流程设计")
    login(page, "sheji")
    start_case_main(page)
    page.locator(".diagram-status", has_text="正在显示").wait_for()
    assert "trail-current" in marked(page, "assess")
    shot(page, "30-trial-started")

    complete_assess_as_legal(page)
    fast_forward_the_legal_deadline(page)

    page.locator(".diagram-status", has_text="正在显示").wait_for()
    assert "trail-completed" in marked(page, "assess")
    assert "trail-current" in marked(page, "legal_service")
    assert "trail-flow" in marked(page, "f_route_legal"), "the flow taken is marked"
    assert "trail-completed" in marked(page, "legal_overdue"), "the fired timer"
    assert page.get_by_role("tab", name="督办").count() == 1, "the called process has its tab"
    shot(page, "31-trial-after-timer")

    follow(page.get_by_role("link", name="试运行", exact=True))
    row = page.locator("table.trial-table tbody tr")
    assert row.count() == 1 and "受理分流" in row.inner_text() and "3" in row.inner_text()
    shot(page, "32-trials-list")

    follow(row.get_by_role("link"))
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page.get_by_role("button", name="删除"))
    assert page.get_by_text("已删除试运行").is_visible()
    assert page.locator("table.trial-table").count() == 0, "no trials left"
