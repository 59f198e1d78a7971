"""On a phone (390×844): a citizen looks a case up with its code and the last four digits
of the phone number; a caseworker reads the work list. Nothing scrolls sideways."""

from __future__ import annotations

import pytest

from .helpers import PHONE_NUMBER, follow, login, receive, receive_to_ladder, shot

pytestmark = pytest.mark.browser


def test_a_citizen_looks_up_progress_with_code_and_phone_tail(phone, web_engine):
    received = receive(web_engine)
    phone.goto("/chaxun")
    assert phone.get_by_role("heading", name="案件进度查询").is_visible()
    shot(phone, "12-lookup-phone")

    phone.get_by_label("案件编号").fill(received.code)
    phone.get_by_label("手机号码后 4 位").fill(PHONE_NUMBER[-4:])
    follow(phone.get_by_role("button", name="查询"))
    assert phone.get_by_role("heading", name="案件办理进度").is_visible()
    assert received.code in phone.locator(".facts").inner_text()
    content = phone.content()
    assert "张三" not in content and PHONE_NUMBER not in content, "no personal data shown"
    shot(phone, "13-lookup-phone-result")

    follow(phone.get_by_role("link", name="查询其他案件"))
    phone.get_by_label("案件编号").fill(received.code)
    phone.get_by_label("手机号码后 4 位").fill("0000")
    follow(phone.get_by_role("button", name="查询"))
    message = phone.get_by_role("alert").inner_text()
    assert message.startswith("未查到相符的案件。"), message
    assert "手机号码" in message and "不正确" not in message, "neutral: not which part was wrong"
    shot(phone, "14-lookup-phone-not-found")


def test_a_village_mediator_reads_the_work_list_on_a_phone(phone, add_user, web_engine):
    received = receive_to_ladder(web_engine)
    add_user("cuntiao", "村调委会")
    login(phone, "cuntiao")
    phone.goto("/tasks/")
    row = phone.locator("tbody tr", has_text=received.code)
    assert row.count() == 1
    assert row.get_by_role("link", name="村调委会化解").first.is_visible()
    shot(phone, "15-work-list-phone")
    follow(row.get_by_role("link", name="村调委会化解").first)
    assert phone.get_by_role("heading", name="村调委会化解").is_visible()
    shot(phone, "16-task-form-phone")
