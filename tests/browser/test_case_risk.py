"""调整风险等级 on the case page, as the county center does it: raise a case to 红 without
naming a 包案领导 (the message stands at that field, the reason is kept), name one, and see
the change on the case's timeline and as the red badge in the case list."""

from __future__ import annotations

import re

import pytest

from .helpers import follow, login, receive, shot

pytestmark = pytest.mark.browser

REASON = "一方扬言报复，存在民转刑风险"


def risk_form(page):
    return page.locator("#risk-form")


def risk_card(page) -> str:
    """The 风险等级 card's text without layout whitespace."""
    card = page.locator("section", has=page.locator("#risk-title"))
    return re.sub(r"\s+", "", card.inner_text())


def test_the_county_center_raises_a_case_to_red_and_sees_it_everywhere(
    page, guard, add_user, web_engine
):
    received = receive(web_engine)
    add_user("xian", "县综治中心")
    login(page, "xian")
    page.goto(f"/cases/{received.case_id}")
    assert "当前：黄色" in risk_card(page)

    form = risk_form(page)
    form.get_by_label("红色").check()
    form.get_by_label("调整理由").fill(REASON)
    guard.expect_status(422)
    follow(form.get_by_role("button", name="保存调整"))
    leader = page.get_by_label("包案领导")
    assert leader.get_attribute("aria-invalid") == "true"
    error = page.locator("#err-leader")
    assert error.is_visible() and "调为红色须同时指定包案领导" in error.inner_text()
    assert page.get_by_label("调整理由").input_value() == REASON, "the reason is kept"
    assert risk_form(page).get_by_label("红色").is_checked()
    shot(page, "30-case-risk-refused")

    leader.fill("王某某（副县长）")
    follow(risk_form(page).get_by_role("button", name="保存调整"))
    assert page.get_by_text("已将风险等级由黄色调整为红色").is_visible()
    assert "当前：红色包案领导：王某某（副县长）" in risk_card(page)
    entry = page.locator("ol.timeline li.tl-case_risk_changed")
    assert entry.count() == 1
    text = entry.inner_text()
    assert "调整风险等级" in text and "测试xian" in text and REASON in text
    assert re.search(r"原\s*黄", text) and re.search(r"现\s*红", text)
    entry.scroll_into_view_if_needed()
    shot(page, "31-case-risk-on-timeline")

    page.goto("/cases")
    row = page.locator("tbody tr", has_text=received.code)
    assert row.locator(".badge.risk-red").inner_text() == "红色"
    shot(page, "32-case-list-red-badge")
