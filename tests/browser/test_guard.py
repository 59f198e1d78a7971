"""The harness itself: pages may not reach outside this machine or log errors unnoticed,
and a missing browser fails a CI run instead of passing it silently."""

from __future__ import annotations

import pytest

from .conftest import missing_browser, unavailable

pytestmark = pytest.mark.browser


def test_outside_requests_are_blocked_and_recorded_as_are_script_errors(page, guard):
    page.goto("/login")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "http://example.com/tracker.png";
            document.body.append(img);
            setTimeout(() => { throw new Error("boom"); }, 0);
            console.error("something broke");
        }"""
    )
    page.wait_for_timeout(300)
    problems = guard.problems()
    # the site's Content-Security-Policy refuses the image before it is requested; either
    # way (a refusal logged, or a request to a non-local host) the page fails its test
    assert any("http://example.com/tracker.png" in problem for problem in problems)
    assert any(p.startswith("console error: something broke") for p in problems)
    assert "uncaught page error: boom" in problems
    guard.outside_requests.clear(), guard.console_errors.clear(), guard.page_errors.clear()


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch):
    reason = missing_browser("/nonexistent/chromium")
    assert reason == "/nonexistent/chromium is missing: apt-get install chromium fonts-noto-cjk"

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="browser tests cannot run"):
        unavailable(reason)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="need Chromium"):
        unavailable(reason)
