"""What the designer page tests share: a logged-in designer, deploying an edited set as
the browser would, cases to count, and reading a page as text."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html

from engine import Actor, DeployResult, Engine
from processes.intake import Received, receive_case
from processes.roles import Role
from tests.processes.conftest import GRID
from webapp.designer.drafts import deploy_files

DESIGNER = Role.PROCESS_DESIGNER.value
CLERK = Actor.of("window.clerk", [Role.TOWNSHIP_CENTER.value])
MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
    "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
}


def receive(engine: Engine) -> Received:
    """A walk-in case: its instance waits at 分流研判 on the latest version."""
    return receive_case(engine, dict(MATTER), actor=CLERK)


def file_text(engine: Engine, name: str, version_id: int | None = None) -> str:
    version_id = version_id or engine.latest_version_id()
    [found] = [f for f in engine.version_files(version_id) if f.name == name]
    return found.content.decode()


def deploy_edit(
    engine: Engine, name: str, edit: Callable[[str], str], *, note: str = "测试修改"
) -> DeployResult:
    """Deploy the latest set with ``name`` changed by ``edit`` (as an editor page would)."""
    changed = edit(file_text(engine, name))
    result = deploy_files(engine, {name: changed.encode()}, actor="designer.wang", note=note)
    assert result.created, "the edit should make a new version"
    return result


def page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def text_of(element) -> str:
    """An element's visible text with whitespace runs collapsed."""
    return " ".join(element.text_content().split())


def find(element, tag: str = "*", css_class: str | None = None) -> list:
    """Descendants by tag and (optionally) one class, like ``tag.class`` in CSS."""
    if css_class is None:
        return element.xpath(f".//{tag}")
    return element.xpath(
        f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {css_class} ")]'
    )
