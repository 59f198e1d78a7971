"""A designer brings a diagram whose lanes are someone else's people (Manager, Mediator,
Supervisor): validation opens the 泳道映射 dialog, a role is chosen per lane, the draft then
validates clean, deploys with the map, and its trial runs to the end with one button."""

from __future__ import annotations

import re

import pytest

from tests.conftest import BPMN_DIR

from .helpers import login, shot

pytestmark = pytest.mark.browser

FOREIGN_LANES = {"镇综治中心": "Manager", "调解员": "Mediator", "督办员": "Supervisor"}


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def foreign_copy() -> bytes:
    """The plain case under another process id, its lanes named as another engine's would be."""
    xml = (BPMN_DIR / "plain_case.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('plain_case"', 'plain_foreign"')
    for role, lane in FOREIGN_LANES.items():
        xml = re.sub(rf'(<bpmn:lane id="[^"]+" name="){role}(">)', rf"\g<1>{lane}\g<2>", xml)
    return xml.encode()


def test_foreign_lanes_are_mapped_in_a_dialog_then_deployed(page, add_user, web_engine):
    add_user("designer", "流程设计")
    login(page, "designer")
    page.goto("/designer/files/plain_case.bpmn/edit")
    page.locator('.modeler-page[data-state="ready"]').wait_for()
    page.locator("#upload-input").set_input_files(
        files=[
            {"name": "plain_foreign.bpmn", "mimeType": "application/xml", "buffer": foreign_copy()}
        ]
    )
    expect(page.locator("#modeler-file")).to_have_text("plain_foreign.bpmn（新文件）")

    with page.expect_response(re.compile(r"/validate$")):
        page.get_by_role("button", name="校验", exact=True).click()
    dialog = page.locator("#lane-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("泳道「Manager」")
    shot(page, "designer-lanes-01-dialog")

    for role, lane in FOREIGN_LANES.items():
        dialog.get_by_label(f"泳道「{lane}」").select_option(role)
    with page.expect_response(re.compile(r"/validate$")):
        dialog.get_by_role("button", name="确定并重新校验").click()
    expect(page.locator("#modeler-status")).to_have_text("校验通过。")
    expect(page.get_by_role("button", name="泳道映射…")).to_be_visible()

    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("外来流程图，泳道映射为本系统角色")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    expect(page.locator("#deploy-result")).to_contain_text("已部署为版本 #")
    version = web_engine.latest_version_id()
    assert web_engine.lane_map(version) == {lane: role for role, lane in FOREIGN_LANES.items()}
    shot(page, "designer-lanes-02-deployed")

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="试运行").click()
    trial = opened.value
    trial.wait_for_load_state()
    expect(trial.locator("main")).to_contain_text("试运行：")
    trial.get_by_role("button", name="自动运行到结束").click()
    trial.wait_for_load_state()
    flash = trial.locator(".flash, [role=alert], [role=status]").filter(has_text="自动运行")
    expect(flash.first).to_contain_text("自动运行完成：走了 4 步，流程「一般案件办理」已运行到结束")
    expect(trial.locator(".trial-task-list")).to_have_count(0)
    shot(trial, "designer-lanes-03-autorun")
