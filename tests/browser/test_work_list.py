"""我的待办 as a caseworker reads it: the filters offer what the domain has."""

from __future__ import annotations

import pytest

from .helpers import login, nav

pytestmark = pytest.mark.browser


def test_the_risk_filter_offers_the_three_colours(page, add_user):
    """三色预警 is 红, 黄, 绿: no 橙色 to pick (issue 17, item 6)."""
    add_user("zhen", "镇综治中心")
    login(page, "zhen")
    nav(page, "我的待办")
    options = page.get_by_label("风险等级").locator("option").all_inner_texts()
    assert [o.strip() for o in options] == ["全部", "红色", "黄色", "绿色"]
