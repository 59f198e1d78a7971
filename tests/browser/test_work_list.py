"""我的待办 as a caseworker reads it: the filters offer what the domain has."""

from __future__ import annotations

import pytest

from tests.processes.conftest import TOWNSHIP
from webapp.tasks import service

from .helpers import follow, login, nav, receive

pytestmark = pytest.mark.browser


def test_the_risk_filter_offers_the_three_colours(page, add_user):
    """三色预警 is 红, 黄, 绿: no 橙色 to pick (issue 17, item 6)."""
    add_user("zhen", "镇综治中心")
    login(page, "zhen")
    nav(page, "我的待办")
    options = page.get_by_label("风险等级").locator("option").all_inner_texts()
    assert [o.strip() for o in options] == ["全部", "红色", "黄色", "绿色"]


def test_next_and_previous_pages_keep_the_sort_and_walk_back(
    page, add_user, web_engine, monkeypatch
):
    """下一页 reads on from the last task shown (its key in the link) and 上一页 walks back,
    keeping the order picked in the filters; the count and page number follow. (The cases
    share one received time: the order falls to the task's id, and still no task repeats.)"""
    monkeypatch.setattr(service, "PER_PAGE", 2)
    codes = [receive(web_engine, parties=[_party(n)]).code for n in range(5)]
    add_user("zhen", "镇综治中心", region=TOWNSHIP)
    login(page, "zhen")
    nav(page, "我的待办")
    page.get_by_label("排序").select_option("received")
    follow(page.get_by_role("button", name="筛选"))

    seen = [_listed(page)]
    pager = page.get_by_role("navigation", name="分页")
    while pager.get_by_role("link", name="下一页").count():
        follow(pager.get_by_role("link", name="下一页"))
        seen.append(_listed(page))
    assert "第 3 页 / 共 3 页" in pager.inner_text() and "共 5 项" in page.inner_text("#task-count")
    follow(pager.get_by_role("link", name="上一页"))
    follow(pager.get_by_role("link", name="上一页"))

    walked = [code for listed in seen for code in listed]
    assert [len(listed) for listed in seen] == [2, 2, 1] and sorted(walked) == sorted(codes)
    assert _listed(page) == seen[0] and "第 1 页 / 共 3 页" in pager.inner_text()
    assert page.get_by_label("排序").input_value() == "received"


def _party(n: int) -> dict:
    return {"role": "申请人", "name": f"当事人{n}", "phone": f"1390000000{n}"}


def _listed(page) -> list[str]:
    return [c.strip() for c in page.locator("td.case-code").all_inner_texts()]
