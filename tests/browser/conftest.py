"""Browser fixtures: the test app served on a local port, Debian's Chromium driven by
Playwright, pages that fail their test on any outside request or script error.

Tests seed through Python (the same database the server reads) and act through the
browser. Chromium and the ``playwright`` package are needed: without them the tests fail
under ``CI=true`` and are skipped, with the reason, elsewhere. Browsers are never
downloaded (no ``playwright install``): ``apt-get install chromium fonts-noto-cjk``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from engine.db import db
from tests.processes.conftest import COUNTY
from tests.web.conftest import add_test_user
from tests.web.conftest import figures as figures  # the fixtures, re-exported
from tests.web.conftest import web_engine as web_engine
from webapp.limits import limiter

from .helpers import DESKTOP, PHONE, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def missing_browser(chromium: str = CHROMIUM) -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    if not os.access(chromium, os.X_OK):
        return f"{chromium} is missing: apt-get install chromium fonts-noto-cjk"
    return None


def unavailable(reason: str) -> None:
    """Fail under CI (a missing browser must never pass silently); skip elsewhere."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests need Chromium and playwright: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, one for the whole run."""
    reason = missing_browser()
    if reason:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    url: str


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    """The session's test app served on 127.0.0.1 (a free port) from a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def site(app, live_server, web_engine) -> Iterator[LiveServer]:
    """The live server for one test: the app's engine on the manual clock with the whole
    library deployed and the demo regions; rate-limit counters start from zero."""
    with app.app_context():
        limiter.reset()
    yield live_server
    with app.app_context():
        db.session.remove()


@pytest.fixture
def add_user(app) -> Callable[..., str]:
    """``add_user("li", "镇综治中心", region=COUNTY)``: a user who can log in with ``PASSWORD``."""

    def add(username: str, *roles: str, region: str | None = COUNTY, department=None) -> str:
        return add_test_user(app, username, *roles, region=region, department=department)

    return add


@dataclass
class PageGuard:
    """Collects what must not happen on a page: requests leaving this machine, console
    errors, uncaught script errors. ``expect_status(403)`` allows the console line a
    browser writes for a page answered with that status."""

    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def expect_status(self, status: int) -> None:
        self.expected_statuses.add(status)

    def route(self, route: Route, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
            return
        self.outside_requests.append(request.url)
        route.abort()

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error" or self._expected(message.text):
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _expected(self, text: str) -> bool:
        return any(f"status of {status}" in text for status in self.expected_statuses)

    def problems(self) -> list[str]:
        return (
            [f"request to a non-local host: {url}" for url in self.outside_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"uncaught page error: {text}" for text in self.page_errors]
        )


@dataclass
class Pages:
    """Opens guarded pages on the live server; each in its own context (own cookies)."""

    browser: Any
    base_url: str
    guard: PageGuard = field(default_factory=PageGuard)
    contexts: list[Any] = field(default_factory=list)

    def open(self, viewport: dict[str, int] = DESKTOP, **options: Any) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, viewport=viewport, locale="zh-CN", **options
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        context.route("**/*", self.guard.route)
        page = context.new_page()
        page.on("console", self.guard.console)
        page.on("pageerror", lambda error: self.guard.page_errors.append(str(error)))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def pages(request, browser, site) -> Iterator[Pages]:
    """``pages.open()`` a desktop page, ``pages.open(PHONE, is_mobile=True)`` a phone;
    the test fails if any of them requested an outside host or logged an error. A failed
    test leaves a screenshot of each page it had open: ``FAILED-<test>-<n>.png``."""
    opened = Pages(browser=browser, base_url=site.url)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for number, context in enumerate(opened.contexts):
            for page in context.pages:
                shot(page, f"FAILED-{request.node.name}-{number}")
    opened.close()
    problems = opened.guard.problems()
    if problems:
        pytest.fail("the page misbehaved:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def guard(pages) -> PageGuard:
    return pages.guard


@pytest.fixture
def page(pages) -> Page:
    """A 1366×768 desktop page."""
    return pages.open(DESKTOP)


@pytest.fixture
def phone(pages) -> Page:
    """A 390×844 phone page (mobile, touch)."""
    return pages.open(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
