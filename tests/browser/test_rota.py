"""部门进驻与值班 as an admin meets it: station 人社局 轮驻 at the township's center, set who
is on duty each day of a week on one form (no script needed), see it, and a summons for a
case in that township reaches the person on duty that day."""

from __future__ import annotations

from datetime import date

import pytest

from engine.db import db
from processes.demo_directory import ensure_demo_units
from processes.reference import ensure_demo_regions
from processes.stations import liaison_on_duty
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from webapp.accounts.demo import ensure_demo_directory, ensure_demo_users

from .helpers import PHONE, follow, login, nav, shot

pytestmark = pytest.mark.browser

WEEK = {  # the clock's week (Monday 2026-03-02)
    "03-02 周一": "ren.a",
    "03-03 周二": "ren.b",
    "03-04 周三": "ren.a",
    "03-05 周四": "ren.b",
    "03-06 周五": "ren.a",
}


@pytest.fixture
def center(app, web_engine) -> None:
    with app.app_context():
        audit = {"actor": "setup", "record": web_engine.record_operation}
        values = {"name": "大满镇综治中心", "kind": "乡镇综治中心", "region_code": TOWNSHIP}
        save_unit(db.session, code="zhen", values=values, create=True, **audit)
        db.session.commit()


def test_an_admin_sets_a_week_s_rota_and_sees_it(app, pages, add_user, center):
    add_user("root", "管理员", region=None)
    add_user("ren.a", "部门", region=COUNTY, department="labour")
    add_user("ren.b", "部门", region=COUNTY, department="labour")

    admin = pages.open()
    login(admin, "root")
    nav(admin, "系统管理")
    follow(admin.get_by_role("navigation", name="系统管理").get_by_role("link", name="部门进驻"))
    follow(admin.get_by_role("link", name="新增驻点"))
    admin.get_by_label("部门", exact=True).select_option("labour")
    admin.get_by_label("进驻的综治中心").select_option("zhen")
    admin.get_by_label("轮驻").check()
    follow(admin.get_by_role("button", name="保存"))
    assert "已新增驻点：人社局 @ 大满镇综治中心（轮驻）" in admin.locator(".flashes").inner_text()

    follow(admin.get_by_role("link", name="人社局 @ 大满镇综治中心（轮驻） 值班表"))
    assert admin.get_by_role("table").locator("caption").inner_text() == "2026-03-02 至 2026-03-08"
    assert admin.get_by_label("03-07 周六").input_value() == ""
    shot(admin, "rota-1-empty-week")

    for day, username in WEEK.items():
        admin.get_by_label(day).select_option(username)
    follow(admin.get_by_role("button", name="保存本周值班表"))
    assert "5 天有变动" in admin.locator(".flashes").inner_text()
    for day, username in WEEK.items():
        assert admin.get_by_label(day).input_value() == username
    assert admin.get_by_label("03-08 周日").input_value() == ""
    shot(admin, "rota-2-week-set")

    follow(admin.get_by_role("link", name="下一周 ›"))
    assert admin.get_by_label("03-09 周一").input_value() == ""
    follow(admin.get_by_role("link", name="‹ 上一周"))
    assert admin.get_by_label("03-03 周二").input_value() == "ren.b"

    with app.app_context():
        on_duty = [
            liaison_on_duty(
                db.session, department_code="labour", region_code=GRID, day=date(2026, 3, day)
            )
            for day in (2, 3, 7)
        ]
        db.session.remove()
    assert on_duty == ["ren.a", "ren.b", None]

    phone = pages.open(PHONE, is_mobile=True)
    login(phone, "root")
    phone.goto(admin.url)
    assert phone.get_by_label("03-05 周四").input_value() == "ren.b"
    shot(phone, "rota-3-phone")


def test_the_directory_pages_on_the_demo_data(app, pages, add_user, web_engine):
    with app.app_context():
        audit = {"actor": "setup", "record": web_engine.record_operation}
        ensure_demo_regions(db.session, **audit)
        ensure_demo_units(db.session, **audit)
        ensure_demo_users(db.session)
        ensure_demo_directory(db.session, **audit)
        db.session.commit()
    add_user("root", "管理员", region=None)
    admin = pages.open()
    login(admin, "root")
    admin.goto("/admin/units")
    township = admin.locator("tbody", has_text="大满镇综治中心")
    assert "乡镇综治中心" in township.inner_text() and "甘州区综治中心" in township.inner_text()
    shot(admin, "directory-1-units")
    admin.goto("/admin/roster")
    assert admin.locator("tbody tr").count() == 2
    shot(admin, "directory-2-roster")
    follow(admin.get_by_role("link", name="编辑 陈特邀"))
    assert admin.get_by_label("劳动争议纠纷").is_checked()
    shot(admin, "directory-3-roster-entry")
    admin.goto("/admin/stations")
    assert "demo_bumen" in admin.locator("tbody").inner_text()
    shot(admin, "directory-4-stations")
