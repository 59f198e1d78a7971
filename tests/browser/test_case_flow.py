"""A case from the window to its next step, as the township caseworker does it: register a
walk-in at 受理登记, land on its 受理回执, go on to the case page, find its task in 我的待办,
submit the form once with a required field left empty (the message stands at that field,
the rest is kept), then complete it, and see the step on the case's timeline and diagram."""

from __future__ import annotations

import re

import pytest

from .helpers import follow, login, nav, register_walk_in, shot

pytestmark = pytest.mark.browser

RISK_NOTE = "双方情绪尚稳定，暂无激化迹象"


def open_task_from_work_list(page, code: str) -> None:
    nav(page, "我的待办")
    row = page.locator("tbody tr", has_text=code)
    assert row.count() == 1, f"the work list should show one task of {code}"
    assert "王*" in row.inner_text(), "the party's name is masked in the list"
    shot(page, "06-work-list")
    follow(row.get_by_role("link", name=re.compile("^办理")))
    assert page.get_by_role("heading", name="分流研判").is_visible()


def choices(page, legend: str):
    """A radio-button group of the task form, by its legend."""
    return page.locator("fieldset", has=page.locator("legend", has_text=legend))


def submit_without_the_nature(page, guard) -> None:
    choices(page, "是否涉及多个部门").get_by_label("否").check()
    choices(page, "风险等级").get_by_label("黄").check()
    page.get_by_label("风险研判说明").fill(RISK_NOTE)
    guard.expect_status(422)
    follow(page.get_by_role("button", name="提交", exact=True))


def assert_error_at_the_nature_field(page) -> None:
    summary = page.get_by_role("alert").inner_text().strip()
    assert summary.startswith("表单有 1 处需要修改"), summary
    nature = choices(page, "事项性质")
    described_by = (nature.get_attribute("aria-describedby") or "").split()
    error_ids = [part for part in described_by if part.startswith("err-")]
    assert len(error_ids) == 1, "the field names its error message"
    error = nature.locator(f"#{error_ids[0]}")
    assert error.is_visible(), "the message sits inside the field's own box"
    assert error.inner_text().strip() == "必填"
    marked = [
        nature.get_attribute("aria-invalid"),
        nature.get_by_label("简单诉求").get_attribute("aria-invalid"),
    ]
    assert "true" in marked, "the field is marked invalid for assistive technology"
    assert page.get_by_label("风险研判说明").input_value() == RISK_NOTE, "other input is kept"
    assert choices(page, "是否涉及多个部门").get_by_label("否").is_checked()
    assert choices(page, "风险等级").get_by_label("黄").is_checked()


def assert_step_on_case_page(page, code: str) -> None:
    follow(page.get_by_role("link", name=code).first)
    assert re.search(r"/cases/\d+$", page.url)
    timeline = page.locator("ol.timeline")
    assert timeline.locator("li", has_text="分流研判").count() >= 1, "the step is on the timeline"
    assert timeline.locator("li", has_text="测试chuang").count() >= 1, "with who did it"
    page.locator(".diagram-status", has_text="正在显示").wait_for()
    done = page.locator('svg g.djs-element[data-element-id="assess"]')
    done.wait_for()
    assert "trail-completed" in done.get_attribute("class"), "分流研判 is marked completed"
    assert_current_step_is_readable(page)
    shot(page, "08-case-after-assess")


def assert_current_step_is_readable(page) -> None:
    """A long process opens on its current step, centred, at a zoom its labels can be read
    (a task, 100 units wide, at least 85 px), not shrunk to fit the whole width."""
    current = page.locator("svg g.djs-element.trail-current").first
    canvas = page.locator(".diagram-canvas").bounding_box()
    step = current.bounding_box()
    assert step["width"] >= 85, f"the current step is drawn {step['width']:.0f}px wide"
    middle = step["x"] + step["width"] / 2
    assert canvas["x"] <= step["x"] and step["x"] + step["width"] <= canvas["x"] + canvas["width"]
    assert abs(middle - (canvas["x"] + canvas["width"] / 2)) < canvas["width"] / 4, "centred"


def test_register_a_walk_in_then_complete_its_task_from_the_work_list(page, guard, add_user):
    add_user("chuang", "镇综治中心")
    login(page, "chuang")

    code = register_walk_in(page)
    assert re.search(r"/intake/\d+/receipt$", page.url), f"lands on the receipt: {page.url}"
    follow(page.get_by_role("link", name="查看案件"))
    assert re.search(r"/cases/\d+$", page.url), f"the receipt leads to the case page: {page.url}"
    assert page.get_by_role("heading", name=re.compile(code)).count() >= 1
    shot(page, "05-case-registered")

    open_task_from_work_list(page, code)
    submit_without_the_nature(page, guard)
    assert_error_at_the_nature_field(page)
    shot(page, "07-task-form-error")

    choices(page, "事项性质").get_by_label("一般纠纷").check()
    follow(page.get_by_role("button", name="提交", exact=True))
    assert page.get_by_text("已提交：分流研判").is_visible()

    page.goto("/tasks/")
    page.get_by_label("搜索").fill(code)
    follow(page.get_by_role("button", name="筛选"))
    assert page.locator("tbody tr", has_text="分流研判").count() == 0, "the task left the list"
    page.goto(f"/cases?q={code}")
    assert_step_on_case_page(page, code)
