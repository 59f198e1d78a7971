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


def receive_to_ladder(engine: Engine) -> Received:
    """A walk-in assessed as an ordinary dispute: it waits at 村调委会化解 (ladder
    ``village``: a walk-in starts the ladder at the village)."""
    received = receive(engine)
    [assess] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    engine.complete(assess.id, data, actor=CLERK)
    return received


def without_village_task(xml: str) -> str:
    """ladder.bpmn whose 村调委会化解 task has a new id: a case waiting there cannot migrate."""
    return xml.replace('"village"', '"village_v2"').replace(">village<", ">village_v2<")


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


NOTE = (
    '  <bpmn:textAnnotation id="note_added"><bpmn:text>新增说明</bpmn:text></bpmn:textAnnotation>\n'
)
NOTE_SHAPE = (
    '      <bpmndi:BPMNShape id="note_added_di" bpmnElement="note_added">\n'
    '        <dc:Bounds x="680" y="-80" width="120" height="40" />\n'
    "      </bpmndi:BPMNShape>\n"
)


def renamed_and_annotated(xml: str) -> str:
    """分流研判 renamed, and a text annotation (with its shape) added."""
    xml = xml.replace('name="分流研判"', 'name="分流研判（新）"')
    xml = xml.replace("</bpmn:process>", NOTE + "  </bpmn:process>", 1)
    return xml.replace("</bpmndi:BPMNPlane>", NOTE_SHAPE + "    </bpmndi:BPMNPlane>", 1)


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
