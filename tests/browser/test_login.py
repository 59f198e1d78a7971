"""Logging in as a person does: a wrong password is named, the right one lets in, the
keyboard alone suffices, and the skip link jumps past the menu."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD

from .helpers import follow, shot

pytestmark = pytest.mark.browser


def focused_id(page, expected: str | None = None) -> str:
    """The focused element's id; with ``expected``, after waiting (up to the page's
    timeout) for the browser to move the focus there (autofocus lands after load)."""
    if expected is not None:
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id", arg=expected
        )
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_wrong_password_is_named_then_the_right_one_lets_in(page, add_user):
    add_user("wang", "镇综治中心")
    page.goto("/")
    assert "/login" in page.url, "a page behind login sends an anonymous visitor to the login"
    shot(page, "01-login")

    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill("not-the-password")
    follow(page.get_by_role("button", name="登录", exact=True))

    error = page.get_by_role("alert")
    assert error.inner_text() == "用户名或密码错误。"
    assert page.get_by_label("用户名").input_value() == "wang", "the user name is kept"
    assert page.get_by_label("密码").input_value() == "", "the password is not echoed back"
    shot(page, "02-login-wrong-password")

    page.get_by_label("密码").fill(PASSWORD)
    follow(page.get_by_role("button", name="登录", exact=True))
    assert "/login" not in page.url
    assert page.get_by_role("heading", name="首页").is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()


def test_the_keyboard_alone_logs_in_and_the_skip_link_jumps_to_the_content(page, add_user):
    add_user("zhao", "网格员")
    page.goto("/login")
    assert focused_id(page, "username") == "username", "the user name field has the focus"
    page.keyboard.type("zhao")
    page.keyboard.press("Tab")
    assert focused_id(page) == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="首页").is_visible()
    shot(page, "03-home")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    assert skip.evaluate("link => link === document.activeElement"), "first Tab: the skip link"
    assert skip.is_visible(), "the focused skip link is shown"
    page.keyboard.press("Enter")
    assert focused_id(page) == "main", "the skip link moves the focus to the main content"
