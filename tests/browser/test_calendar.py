"""节假日 as people meet it: on 31 December 2026 a case's village slice ends in January
2027, a year nobody has imported: the work list and the case page say 暂定, the admin
sees the banner, imports the year's notice (preview first), and the mark is gone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import CST

from .helpers import follow, login, nav, receive_to_ladder, shot

pytestmark = pytest.mark.browser

NEW_YEARS_EVE = datetime(2026, 12, 31, 9, 0, tzinfo=CST)
SAMPLE_2027 = Path(__file__).parents[1] / "fixtures" / "calendar" / "2027-sample.json"


def test_a_provisional_deadline_shows_until_the_year_is_imported(
    pages, add_user, web_engine, clock
):
    clock.set(NEW_YEARS_EVE)
    received = receive_to_ladder(web_engine)
    [task] = [t for t in web_engine.tasks_of(received.instance_id) if t.status == "ready"]
    add_user("cun", task.lane)
    add_user("root", "管理员", region=None)

    worker = pages.open()
    login(worker, "cun")
    nav(worker, "我的待办")
    row = worker.locator("tbody tr", has_text=received.code)
    assert row.locator(".provisional-tag").inner_text() == "暂定"
    shot(worker, "calendar-1-worklist-provisional")

    admin = pages.open()
    login(admin, "root")
    notice = admin.locator("#calendar-notice")
    assert "2027 年的放假和调休安排尚未导入" in notice.inner_text()
    follow(notice.get_by_role("link", name="去导入"))
    admin.goto("/admin/calendar?year=2027")
    assert admin.locator("#coverage-warning").is_visible()
    admin.get_by_label("放假安排文件（.json）").set_input_files(str(SAMPLE_2027))
    follow(admin.get_by_role("button", name="预览导入"))
    assert "2027-02-11（星期四）" in admin.locator("#day-changes").inner_text()
    shot(admin, "calendar-2-import-preview")
    follow(admin.get_by_role("button", name="确认导入"))
    assert "已导入 2027 年放假安排" in admin.locator(".flashes").inner_text()
    assert admin.locator("#calendar-notice").count() == 0
    assert admin.locator('td[data-day="2027-02-20"]').get_attribute("class") == "cal-makeup"
    shot(admin, "calendar-3-year-imported")

    worker.reload()
    row = worker.locator("tbody tr", has_text=received.code)
    assert row.count() == 1 and row.locator(".provisional-tag").count() == 0
    follow(row.get_by_role("link").first)
    assert worker.locator(".provisional-tag").count() == 0
    shot(worker, "calendar-4-case-after-import")
