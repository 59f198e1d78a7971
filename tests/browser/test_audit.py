"""审计, as an auditor does it: find a case in the execution history, replay it step by step
(the diagram's mark moves, the data changes), verify its hash chain and the whole chain,
then, after a row is changed behind the system's back, see the verify name that row."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import CST
from tests.web.audit_support import assessed_case, event_seq, tamper

from .helpers import follow, let_time_pass, login, nav, shot

pytestmark = pytest.mark.browser

THURSDAY_9AM = datetime(2026, 3, 5, 9, 0, tzinfo=CST)
"""The village's slice of the ladder has run out by then: timers fired, the case moved up."""


def find_case(page, code: str) -> None:
    nav(page, "审计")
    page.get_by_label("案件编号").fill(code)
    follow(page.get_by_role("button", name="查询", exact=True))
    rows = page.locator("tbody tr")
    assert rows.count() > 20
    assert rows.locator('td[data-label="案件"]', has_text=code).count() == rows.count()
    assert "张三丰" not in page.content(), "personal data is masked in the results"
    shot(page, "30-audit-search")
    follow(rows.first.get_by_role("link", name=code))
    assert re.search(r"/audit/cases/\d+/replay$", page.url)


def current(page):
    return page.locator(".replay-step.is-current")


def marked_element(page) -> str:
    mark = page.locator("svg g.djs-element.replay-here")
    mark.wait_for()
    return mark.get_attribute("data-element-id")


def step_forward_to(page, words: str, *, limit: int = 60) -> None:
    for _ in range(limit):
        if words in current(page).locator(".step-head").inner_text():
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"no step with {words}")


def replay_the_case(page) -> None:
    page.locator(".replay-diagram-name", has_text="受理分流").wait_for()
    assert "第 1 / " in page.locator(".replay-position").inner_text()
    page.get_by_role("button", name="下一步").click()
    assert "第 2 / " in page.locator(".replay-position").inner_text()
    assert marked_element(page) == "start"
    before = current(page).locator(".step-state").inner_text()
    assert "事项性质" not in before

    page.locator(".diagram-canvas").click(position={"x": 5, "y": 5})
    step_forward_to(page, "完成任务「分流研判」")
    assert marked_element(page) == "assess", "the mark moved to 分流研判"
    register = page.locator('svg g.djs-element[data-element-id="register"]')
    assert "trail-completed" in register.get_attribute("class"), "done steps stay marked"
    after = current(page).locator(".step-state")
    assert after.is_visible(), "the current step shows the data after it"
    assert "事项性质" in after.inner_text() and "一般纠纷" in after.inner_text()
    assert "张**情绪激动" in current(page).inner_text() and "张三丰" not in page.content()
    shot(page, "31-audit-replay-assess")

    step_forward_to(page, "时限到达")
    page.locator(".replay-diagram-name", has_text="四级七天").wait_for()
    assert marked_element(page) != "assess"
    view = page.locator(".replay-diagram svg g.viewport")
    before_zoom = view.get_attribute("transform")
    page.get_by_role("button", name="缩小").click()
    assert view.get_attribute("transform") != before_zoom, "the zoom buttons work"
    shot(page, "32-audit-replay-ladder")


def test_an_auditor_replays_a_case_verifies_it_and_sees_a_tampered_row(
    page, add_user, web_engine, clock
):
    case = assessed_case(web_engine)
    let_time_pass(web_engine, clock, THURSDAY_9AM)
    add_user("shen", "审计", region=None)
    login(page, "shen")

    find_case(page, case.code)
    replay_the_case(page)

    follow(page.get_by_role("button", name="校验哈希链"))
    assert "哈希链完整" in page.locator(".verdict").inner_text()
    assert f"案件 {case.code}" in page.locator(".verdict").inner_text()

    follow(page.get_by_role("link", name="执行历史审计"))
    page.get_by_role("button", name="校验整条哈希链").click()
    page.locator(".verdict-ok").wait_for()
    assert re.search(r"共校验 \d+ 条记录", page.locator(".verdict").inner_text())

    seq = event_seq(web_engine, case.instance_id, "task_completed", "assess")
    tamper(web_engine, seq, matter_nature="简单诉求")
    page.get_by_role("button", name="校验整条哈希链").click()
    verdict = page.locator(".verdict-bad")
    verdict.wait_for()
    said = verdict.inner_text()
    assert f"在第 {seq} 条记录处不符" in said
    assert "记录内容与其哈希不符（记录被修改）" in said
    assert case.code in said and "分流研判" in said
    shot(page, "33-audit-chain-broken")

    follow(verdict.get_by_role("link", name=case.code))
    follow(page.get_by_role("button", name="校验哈希链"))
    assert f"在第 {seq} 条记录处不符" in page.locator(".verdict-bad").inner_text()
