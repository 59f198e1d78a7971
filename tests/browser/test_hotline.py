"""What people do with the new endings, in the browser: the township center answers a 12345
work order it cannot solve in time (explanation, plan and date, each required field named
when missing), and a village mediator records that a party refuses mediation (the case is
guided elsewhere, not handed up)."""

from __future__ import annotations

import re

import pytest

from processes.models import Case

from .helpers import follow, login, nav, receive, receive_to_ladder, shot

pytestmark = pytest.mark.browser


def choices(page, legend: str):
    """A radio-button group of the task form, by its legend."""
    return page.locator("fieldset", has=page.locator("legend", has_text=legend))


def open_task(page, code: str, task_name: str) -> None:
    nav(page, "我的待办")
    row = page.locator("tbody tr", has_text=code).filter(has_text=task_name)
    assert row.count() == 1, f"the work list should show {task_name} of {code}"
    follow(row.get_by_role("link", name=re.compile("^办理")))
    assert page.get_by_role("heading", name=task_name).is_visible()


def error_of(page, label: str) -> str:
    field = page.get_by_label(label)
    described_by = (field.get_attribute("aria-describedby") or "").split()
    [error_id] = [part for part in described_by if part.startswith("err-")]
    return page.locator(f"#{error_id}").inner_text().strip()


def test_the_center_explains_a_work_order_it_cannot_solve_in_time(
    page, guard, add_user, web_engine
):
    add_user("chuang", "镇综治中心")
    received = receive(web_engine, channel="12345")
    login(page, "chuang")
    open_task(page, received.code, "答复12345工单")
    assert page.get_by_text("于 2026-03-09 前答复12345工单").is_visible()

    choices(page, "答复类型").get_by_label("解释说明").check()
    page.get_by_label("答复内容").fill("涉及宅基地界址，需测量后调解，5个工作日内无法办结")
    guard.expect_status(422)
    follow(page.get_by_role("button", name="提交", exact=True))
    assert error_of(page, "解决方案") == "必填"
    assert error_of(page, "预计办结日期") == "必填"
    shot(page, "hotline-01-reply-needs-plan")

    page.get_by_label("解决方案").fill("国土所测量界址后，镇综治中心组织双方调解")
    page.get_by_label("预计办结日期").fill("2026-03-20")
    follow(page.get_by_role("button", name="提交", exact=True))
    assert page.get_by_text("已提交：答复12345工单").is_visible()


def test_a_village_mediator_records_that_a_party_refuses_mediation(page, add_user, web_engine):
    add_user("cuntiao", "村调委会")
    received = receive_to_ladder(web_engine)  # a walk-in: the ladder starts at 村调委会
    login(page, "cuntiao")
    open_task(page, received.code, "村调委会化解")

    choices(page, "本级化解结果").get_by_label("当事人拒绝调解").check()
    page.get_by_label("拒绝调解的理由").fill("被申请人明确表示不接受调解，要求直接起诉")
    choices(page, "已告知的其他救济途径").get_by_label("诉讼").check()
    page.get_by_label("办理情况").fill("上门调解一次，被申请人拒绝")
    shot(page, "hotline-02-refusal-filled")
    follow(page.get_by_role("button", name="提交", exact=True))
    assert page.get_by_text("已提交：村调委会化解").is_visible()

    with web_engine.session_factory() as session:
        case = session.get(Case, received.case_id)
        assert (case.status, case.remedy, case.level) == ("已引导", "诉讼", "村调委会")
