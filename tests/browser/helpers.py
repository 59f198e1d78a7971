"""What a browser test does as a person would: log in through the form, take screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tests.conftest import ROOT
from tests.web.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def screenshot_dir() -> Path:
    """``ZONGZHI_SCREENSHOT_DIR``, else ``<repo>/artifacts/screenshots`` (git-ignored)."""
    configured = os.environ.get("ZONGZHI_SCREENSHOT_DIR")
    return Path(configured) if configured else ROOT / "artifacts" / "screenshots"


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG of what the user sees as ``<name>.png``."""
    path = screenshot_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    assert "/login" not in page.url, f"login as {username} failed: still on {page.url}"
