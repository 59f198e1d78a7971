"""督办: once the clock passes a case's seven working days, the supervisor finds it on the
board as overdue and records a phone chase with one click."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import CST

from .helpers import follow, let_time_pass, login, nav, receive_to_ladder, shot

pytestmark = pytest.mark.browser

THU_12_9AM = datetime(2026, 3, 12, 9, 0, tzinfo=CST)


def test_an_overdue_case_shows_on_the_board_and_is_chased_by_phone(
    page, add_user, web_engine, clock
):
    received = receive_to_ladder(web_engine)
    add_user("duban", "督办员")
    login(page, "duban")
    nav(page, "督办")
    assert page.locator("tr", has_text=received.code).count() == 0, "not late yet"

    let_time_pass(web_engine, clock, THU_12_9AM)
    page.reload()
    row = page.locator("tbody tr", has_text=received.code)
    assert row.count() == 1
    assert "超期" in row.locator("td").nth(1).inner_text()
    assert "未催办" in row.inner_text()
    shot(page, "17-supervision-overdue")

    follow(row.get_by_role("button", name=f"电话催办 {received.code}"))
    row = page.locator("tbody tr", has_text=received.code)
    assert "未催办" not in row.inner_text()
    assert "共 1 次" in row.inner_text()
    shot(page, "18-supervision-chased")
