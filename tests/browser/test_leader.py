"""A 包案领导 opens 我包案的案件 from the menu: their overdue whistle case first, marked,
the page fitting a desktop and a phone."""

from __future__ import annotations

from datetime import datetime

from tests.browser.helpers import PHONE, login, nav, shot
from tests.conftest import CST
from tests.web.test_leader_overdue import rows, whistled


def test_a_leader_finds_their_overdue_case_first(page, add_user, web_engine, clock):
    late = whistled(web_engine, lead_leader="bao")
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=CST))
    in_time = whistled(web_engine, lead_leader="bao")
    clock.set(datetime(2026, 3, 17, 9, 0, tzinfo=CST))
    while web_engine.fire_due_timers():
        pass
    add_user("bao", "包案领导")

    login(page, "bao")
    nav(page, "我包案的案件")

    assert page.get_by_role("heading", name="我包案的案件").is_visible()
    listed = [code for code, _ in rows(page.content())]
    assert listed == [late.code, in_time.code]
    first = page.locator("tr.row-overdue")
    assert first.count() == 1 and "已超期 1 个工作日" in first.inner_text()
    shot(page, "leader-cases")
    page.set_viewport_size(PHONE)
    shot(page, "leader-cases-phone")
