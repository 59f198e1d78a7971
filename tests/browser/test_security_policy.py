"""The Content-Security-Policy holds on the pages that run the most script: the
dashboard's charts with their tooltips, and the policy itself refuses an injected script
and an injected style sheet (the browser logs each refusal, which fails a page)."""

from __future__ import annotations

import pytest

from tests.processes.conftest import COUNTY

from .helpers import login, nav

pytestmark = pytest.mark.browser


def test_the_dashboard_tooltips_draw_under_the_policy(pages, add_user, figures):
    add_user("xianzx", "县综治中心", region=COUNTY)
    page = pages.open()
    login(page, "xianzx")
    response = page.goto("/reports/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector('[data-chart="risk"][data-rendered="true"]')
    for name in ("trend", "type", "risk"):
        chart = page.locator(f'[data-chart="{name}"]')
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
    nav(page, "我的待办")


def test_an_injected_script_and_style_sheet_are_refused(pages, add_user, guard):
    add_user("xianzx", "县综治中心", region=COUNTY)
    page = pages.open()
    login(page, "xianzx")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
            const style = document.createElement('style');
            style.textContent = 'body { background: rgb(255, 0, 0) }';
            document.head.append(style);
        }"""
    )
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != (
        "rgb(255, 0, 0)"
    )
    refusals = [text for text in guard.console_errors if "Content Security Policy" in text]
    assert len(refusals) == 2, guard.console_errors
    guard.console_errors.clear()  # the refusals this test provoked are the expected ones
