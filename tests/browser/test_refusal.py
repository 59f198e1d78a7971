"""Pages refuse the roles they are not for with a Chinese 403 page, and the menu offers
each role only its own pages."""

from __future__ import annotations

import pytest

from .helpers import follow, login, nav, receive, shot

pytestmark = pytest.mark.browser


def menu(page) -> list[str]:
    return page.get_by_role("navigation", name="主导航").get_by_role("link").all_inner_texts()


def test_a_grid_worker_is_refused_the_admin_and_supervision_pages(page, guard, add_user):
    add_user("wangge", "网格员")
    login(page, "wangge")
    assert menu(page) == ["首页", "我的待办", "受理登记", "案件查询", "排查台账"]

    guard.expect_status(403)
    for path in ("/admin/", "/supervision"):
        page.goto(path)
        assert page.get_by_role("heading", name="无权访问").is_visible(), path
        assert page.get_by_text("您的角色或辖区不能查看或办理此项内容").is_visible()
        assert page.get_by_text("错误代码 403").is_visible()
    shot(page, "09-refused-403")
    follow(page.get_by_role("link", name="返回首页"))
    assert page.get_by_role("heading", name="首页").is_visible()


def test_the_admin_reaches_the_admin_page_and_an_auditor_the_case_list(pages, add_user, web_engine):
    add_user("guanli", "管理员")
    add_user("shenji", "审计")
    received = receive(web_engine)

    admin = pages.open()
    login(admin, "guanli")
    assert "系统管理" in menu(admin) and "我的待办" not in menu(admin)
    nav(admin, "系统管理")
    assert admin.get_by_role("heading", level=1).inner_text().strip() != "无权访问"
    shot(admin, "10-admin")

    auditor = pages.open()
    login(auditor, "shenji")
    assert menu(auditor) == ["首页", "案件查询", "审计"]
    nav(auditor, "案件查询")
    assert auditor.locator("tbody tr", has_text=received.code).count() == 1
    assert "张三" not in auditor.content(), "party names are masked in the list"
    shot(auditor, "11-case-list")


def test_the_report_menu_shows_to_leaders_and_centers_only(pages, add_user):
    add_user("xianzx", "县综治中心")
    add_user("zhenld", "镇党委政府")
    add_user("wangge2", "网格员")

    county = pages.open()
    login(county, "xianzx")
    assert menu(county) == [
        "首页",
        "我的待办",
        "受理登记",
        "案件查询",
        "督办",
        "统计报表",
        "排查台账",
    ]
    nav(county, "统计报表")
    assert county.get_by_role("heading", name="领导驾驶舱").is_visible()

    leader = pages.open()
    login(leader, "zhenld")
    assert menu(leader) == ["首页", "我的待办", "案件查询", "统计报表", "排查台账"]

    grid = pages.open()
    login(grid, "wangge2")
    assert "统计报表" not in menu(grid)
    pages.guard.expect_status(403)
    grid.goto("/reports/")
    assert grid.get_by_role("heading", name="无权访问").is_visible()
