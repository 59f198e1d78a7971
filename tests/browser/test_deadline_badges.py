"""Deadline badges tell the truth (issue 17 item 1): one person holding every lane walks a
case through its states and reads the 时限 badge where they meet it: 我的待办, the task
page, 案件查询, the case page and 督办台. A resolved case shows 已化解 (not the deadline of
the level that resolved it), a closed one 已办结; after 签收 the case shows the step now
running; the mediator's 签收 (调解员确认接受委派) reads the same on the work list as on
the case page.

The manual clock starts Mon 2 March 2026, 09:00; the village's two working days end Wed 4
March 23:59; a hand-off's 签收 has three working days.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import Actor
from tests.conftest import CST
from tests.processes.handoff_support import roster_entry

from .helpers import follow, login, receive, receive_to_ladder, shot

pytestmark = pytest.mark.browser

ROLES = ("镇综治中心", "村调委会", "县综治中心", "调解员", "督办员")
WED_4_10AM = datetime(2026, 3, 4, 10, 0, tzinfo=CST)
MON_9_10AM = datetime(2026, 3, 9, 10, 0, tzinfo=CST)
RESOLVED = {
    "level_outcome": "化解",
    "level_result": "书面调解协议",
    "agreement_at": "2026-03-03",
    "level_notes": "双方签订书面调解协议，疏通排水沟",
}


def badge(container) -> str:
    return container.locator(".badge[class*='due-']").first.inner_text().strip()


def on_work_list(page, code: str, task: str) -> str:
    page.goto(f"/tasks/?q={code}")
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=task, exact=True))
    assert row.count() == 1, f"我的待办 should list {task} of {code} once"
    return badge(row.locator("td[data-label='时限']"))


def on_task_page(page, code: str, task: str) -> tuple[str, str]:
    """Open the task from the work list: its own badge and the 案件时限."""
    on_work_list(page, code, task)
    follow(page.get_by_role("link", name=task, exact=True))
    meta = page.locator(".task-meta .badge[class*='due-']")
    own = meta.first.inner_text().strip() if meta.count() else ""
    return own, badge(page.locator("dt:text-is('案件时限') + dd"))


def on_case_list(page, code: str) -> str:
    page.goto(f"/cases?q={code}")
    row = page.locator("tbody tr", has_text=code)
    assert row.count() == 1
    return badge(row.locator("td[data-label='时限']"))


def on_case_page(page, code: str) -> list[str]:
    """The case page, opened from 案件查询: 办理时限, and the header's deadline badge when it
    shows one (a resolved or ended case's header has its status tag instead)."""
    page.goto(f"/cases?q={code}")
    follow(page.get_by_role("link", name=code).first)
    header = page.locator(".case-badges .badge[class*='due-']:not(.due-done)")
    shown = [header.first.inner_text().strip()] if header.count() else []
    return [*shown, badge(page.locator("dt:text-is('办理时限') + dd"))]


def on_board(page, code: str) -> str | None:
    page.goto("/supervision")
    row = page.locator("tbody tr", has_text=code)
    return badge(row.locator("td[data-label='时限']")) if row.count() else None


def case_reads(page, code: str) -> set[str]:
    return {on_case_list(page, code), *on_case_page(page, code)}


def complete(engine, instance_id: int, spec_id: str, data: dict, role: str) -> None:
    [task] = [
        t for t in engine.tasks_of(instance_id) if t.spec_id == spec_id and t.status == "ready"
    ]
    engine.complete(task.id, data, actor=Actor.of(f"someone.{role}", [role]))


def test_a_ladder_case_reads_true_from_its_level_to_its_close(page, add_user, web_engine, clock):
    case = receive_to_ladder(web_engine)  # 分流研判 done: the village holds it
    add_user("quan", *ROLES)
    login(page, "quan")

    clock.set(WED_4_10AM)  # the village's last day
    today = "今日 23:59 到期"
    assert on_work_list(page, case.code, "村调委会化解") == today
    assert on_task_page(page, case.code, "村调委会化解") == (today, today)
    assert case_reads(page, case.code) == {today}
    shot(page, "deadline-1-case-on-its-last-day")
    assert on_board(page, case.code) == today

    complete(web_engine, case.instance_id, "village", RESOLVED, "村调委会")
    clock.set(MON_9_10AM)  # past the village's deadline: it was met, nothing runs
    assert case_reads(page, case.code) == {"已化解"}
    shot(page, "deadline-2-resolved-case")
    assert on_task_page(page, case.code, "电话回访") == ("", "已化解")
    assert on_work_list(page, case.code, "电话回访") == "无时限"
    assert on_board(page, case.code) is None

    data = {"evaluation": "满意", "callback_note": "已疏通，当事人满意"}
    complete(web_engine, case.instance_id, "call_back", data, "镇综治中心")
    assert case_reads(page, case.code) == {"已办结"}
    shot(page, "deadline-3-closed-case")
    assert on_board(page, case.code) is None


def test_a_hand_off_after_its_receipt_and_at_the_mediators_receipt(
    page, add_user, web_engine, clock
):
    case = receive(web_engine, channel="诉调")
    add_user("quan", *ROLES)
    login(page, "quan")
    receipt = "剩余 3 个工作日（03-05 23:59 到期）"
    assert on_work_list(page, case.code, "签收") == receipt
    assert case_reads(page, case.code) == {receipt}

    clock.set(WED_4_10AM)
    on_task_page(page, case.code, "签收")
    page.locator("fieldset", has=page.locator("legend", has_text="签收意见")).get_by_label(
        "签收", exact=True
    ).check()
    follow(page.get_by_role("button", name="提交", exact=True))
    assign = "剩余 3 个工作日（03-09 23:59 到期）"
    assert case_reads(page, case.code) == {assign}, "after 签收 the 指派 deadline runs"
    assert on_work_list(page, case.code, "指派调解员") == assign

    entry = str(roster_entry(web_engine, "全调解员", account="quan"))  # the one walking
    data = {"assign_decision": "指派", "mediator_entry": entry}
    complete(web_engine, case.instance_id, "assign_mediator", data, "县综治中心")
    accept = "剩余 3 个工作日（03-09 23:59 到期）"
    assert on_work_list(page, case.code, "调解员确认接受委派") == accept
    shot(page, "deadline-4-mediator-receipt-on-work-list")
    assert on_task_page(page, case.code, "调解员确认接受委派") == (accept, accept)
    assert case_reads(page, case.code) == {accept}
    row = page.locator("tbody tr", has_text="调解员确认接受委派")
    assert badge(row.locator("td[data-label='时限']")) == accept, "the case page's task row"
    shot(page, "deadline-5-mediator-receipt-case-page")
