"""Every list table holds at 1366×768 and on a phone (390×844) with long values in every
column: a case code, a date, a badge or a figure never wraps inside; no cell's content
runs over another cell; a short value (up to 6 characters: 村调委会, 邻里纠纷) stays on one
line; on a desktop no table scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.db import db

from .helpers import DESKTOP, PHONE, assert_fits_width, login, screenshot_dir
from .layout_seed import seed_long_values

pytestmark = pytest.mark.browser

ROLES = ("村调委会", "镇综治中心", "县综治中心", "督办员", "审计", "管理员", "包案领导")
PAGES = (
    ("/tasks/", "我的待办"),
    ("/cases", "案件查询"),
    ("/supervision", "督办台"),
    ("/audit", "审计"),
    ("/leader", "我包案的案件"),
    ("/admin/users", "用户"),
    ("/admin/units", "单位"),
    ("/admin/roster", "调解员名册"),
    ("/admin/stations", "部门进驻"),
    ("/admin/reference/region", "区划"),
    ("/admin/reference/dispute_type", "纠纷类型"),
    ("/admin/reference/department", "部门"),
    ("/admin/rules", "时限规则"),
    ("/admin/calendar", "节假日"),
    ("/reports/", "领导驾驶舱"),
    ("/reports/snapshots", "报表列表"),
)

CHECK_TABLES = (Path(__file__).parent / "table_layout.js").read_text(encoding="utf-8")
"""The page-side check: see its header."""


def layout_problems(page, path: str, title: str, width_name: str) -> list[str]:
    """What is wrong with the tables of ``path``, one line per table, column and kind of
    problem (the first cell's text as the example). On a phone a table may scroll
    sideways inside its own container; on a desktop it may not."""
    page.goto(path)
    result = page.evaluate(CHECK_TABLES)
    found: dict[tuple[str, str, str], str] = {}
    for p in result["problems"]:
        if p["kind"] == "scrolls" and width_name == "phone":
            continue
        key = (p["table"], p["column"], p["kind"].split(" onto ")[0])
        found.setdefault(
            key,
            f"{title} ({path}) at {width_name}: {p['table']} column {p['column']!r} "
            f"{p['kind']} {p['detail']}: {p['text']!r}",
        )
    found = list(found.values())
    if result["tables"] == 0:
        found.append(f"{title} ({path}) at {width_name}: no table shown (seed missing?)")
    slug = path.strip("/").replace("/", "-") or "home"
    path_png = screenshot_dir() / f"layout-{width_name}-{slug}.png"
    path_png.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path_png), full_page=True)
    try:
        assert_fits_width(page, f"{title} ({path}) at {width_name}")
    except AssertionError as exc:
        found.append(str(exc))
    return found


@pytest.fixture
def long_values(app, web_engine, clock, add_user) -> list[str]:
    add_user("layout", *ROLES)
    with app.app_context():
        codes = seed_long_values(web_engine, db.session, clock, holder="layout")
        db.session.remove()
    return codes


@pytest.mark.parametrize(
    ("width_name", "viewport", "mobile"),
    [("1366", DESKTOP, False), ("phone", PHONE, True)],
)
def test_list_tables_hold_with_long_values(pages, long_values, width_name, viewport, mobile):
    options = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if mobile else {}
    page = pages.open(viewport, **options)
    login(page, "layout")
    case_path = None
    problems: list[str] = []
    for path, title in PAGES:
        problems += layout_problems(page, path, title, width_name)
        if path == "/cases":
            link = page.locator("a.case-code", has_text=long_values[0])
            case_path = link.get_attribute("href")
    assert case_path, "the overdue case is listed on 案件查询"
    problems += layout_problems(page, case_path, "案件页", width_name)
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems[:60])
