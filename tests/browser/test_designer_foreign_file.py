"""A designer brings a Camunda export (``.bpmn20.xml``) whose process is not marked
executable: the modeler keeps the file's name, 校验 names the process and offers 设为可执行,
one click marks it and validates again, and the download keeps the name (issue 19)."""

from __future__ import annotations

import re

import pytest

from .helpers import login, shot
from .test_designer import expect, open_in_modeler

pytestmark = pytest.mark.browser

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  id="defs_leave" targetNamespace="http://camunda.org/examples">
  <process id="leave" name="请假" isExecutable="false">
    <startEvent id="s" name="申请"/>
    <endEvent id="e" name="结束"/>
    <sequenceFlow id="f" sourceRef="s" targetRef="e"/>
  </process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="pl" bpmnElement="leave">
      <bpmndi:BPMNShape id="s_di" bpmnElement="s">
        <dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="e_di" bpmnElement="e">
        <dc:Bounds x="250" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f_di" bpmnElement="f">
        <di:waypoint x="136" y="118"/><di:waypoint x="250" y="118"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>
"""


def _validate(page) -> None:
    with page.expect_response(re.compile(r"/validate$")):
        page.get_by_role("button", name="校验", exact=True).click()


def test_a_process_not_marked_executable_is_marked_with_one_click(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "plain_case.bpmn")
    page.locator("#upload-input").set_input_files(
        files=[
            {"name": "leave.bpmn20.xml", "mimeType": "application/xml", "buffer": EXPORT.encode()}
        ]
    )
    expect(page.locator("#modeler-file")).to_have_text("leave.bpmn20.xml（新文件）")

    _validate(page)
    problem = page.locator("#problems .problem", has_text="流程「请假」(leave) 标记为不可执行")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("设为可执行")
    expect(page.locator("#modeler-status")).not_to_contain_text("失败")
    shot(page, "designer_not_executable")

    with page.expect_response(re.compile(r"/validate$")):
        problem.get_by_role("button", name="设为可执行").click()
    expect(page.locator("#problems .problem", has_text="标记为不可执行")).to_have_count(0)
    saved = page.evaluate("window.ZZDesigner.app.modeler.saveXML({format: true})")["xml"]
    assert 'isExecutable="true"' in saved

    with page.expect_download() as download:
        page.get_by_role("button", name="下载 .bpmn").click()
    assert download.value.suggested_filename == "leave.bpmn20.xml"
