"""What a browser test does as a person would: log in through the form, take screenshots."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import Actor, Engine
from processes.intake import Received, receive_case
from tests.conftest import ROOT
from tests.processes.conftest import GRID
from tests.web.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def screenshot_dir() -> Path:
    """``ZONGZHI_SCREENSHOT_DIR``, else ``<repo>/artifacts/screenshots`` (git-ignored)."""
    configured = os.environ.get("ZONGZHI_SCREENSHOT_DIR")
    return Path(configured) if configured else ROOT / "artifacts" / "screenshots"


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG of what the user sees as ``<name>.png``, after checking the
    page fits the window's width (no sideways scrolling at 1366 px or on a phone)."""
    path = screenshot_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert_fits_width(page, name)
    return path


def assert_fits_width(page: Page, name: str = "") -> None:
    width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= viewport, f"{name or page.url} is {width}px wide in a {viewport}px window"


def follow(target: Locator) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded (checks
    made right after a bare ``click()`` could still see the old page)."""
    with target.page.expect_navigation():
        target.click()


def nav(page: Page, label: str) -> None:
    """Open a section from the main menu."""
    follow(page.get_by_role("navigation", name="主导航").get_by_role("link", name=label))


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    follow(page.get_by_role("button", name="登录", exact=True))
    assert "/login" not in page.url, f"login as {username} failed: still on {page.url}"


WALK_IN_SUMMARY = "两户因院墙渗水发生争执，要求对方修缮"


def register_walk_in(page: Page, *, name: str = "王五", phone: str = "13912345678") -> str:
    """Fill 受理登记 as the window clerk does; returns the new case's code."""
    nav(page, "受理登记")
    page.get_by_label("纠纷类型", exact=False).first.select_option("02")
    page.get_by_label("纠纷简要情况").fill(WALK_IN_SUMMARY)
    page.get_by_label("发生地（区划）").select_option(GRID)
    page.get_by_label("黄色").check()
    page.locator("#party-0-name").fill(name)
    page.locator("#party-0-phone").fill(phone)
    shot(page, "04-intake-filled")
    follow(page.locator("#submit-intake"))
    flash = page.locator(".flash").first.inner_text()
    match = re.search(r"案件编号\s*(\S+)", flash)
    assert match, f"no case code in the confirmation: {flash!r}"
    return match.group(1)


CLERK = Actor.of("window.clerk", ["镇综治中心"])
PHONE_NUMBER = "13812345678"


def receive(engine: Engine, **fields: Any) -> Received:
    """A walk-in matter registered through the domain (not the browser)."""
    matter = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "邻里之间因排水沟堵塞发生争执",
        "region_code": GRID,
        "risk_colour": "黄",
        "parties": [{"role": "申请人", "name": "张三", "phone": PHONE_NUMBER}],
        **fields,
    }
    return receive_case(engine, matter, actor=CLERK)


def receive_to_ladder(engine: Engine) -> Received:
    """A walk-in assessed as an ordinary dispute: it climbs the 四级七天 ladder."""
    received = receive(engine)
    [assess] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    engine.complete(assess.id, data, actor=CLERK)
    return received


def let_time_pass(engine: Engine, clock, until: datetime) -> None:
    """Move the clock a few hours at a time, firing what falls due, as the scheduler would."""
    while clock.now() < until:
        clock.set(min(until, clock.now() + timedelta(hours=6)))
        while engine.fire_due_timers():
            pass
