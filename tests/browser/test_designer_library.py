"""The process designer in the browser, outside the modeler: the library with a case on an
older version, a version's diagram, a diff marked on the diagrams, the form editor whose
preview follows each edit and which deploys, the decision table (dmn-js) opened without
import warnings, a rule edited and deployed, and a case migrated to a newer version."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.designer_helpers import (
    deploy_edit,
    file_text,
    receive,
    receive_to_ladder,
    renamed_and_annotated,
    without_village_task,
)

from .helpers import follow, login, nav, shot

pytestmark = pytest.mark.browser

DESIGNER = "流程设计"
FORM_KEY = "case_main/assess.schema.json"


def element(page, element_id: str, within: str = "body"):
    return page.locator(f'{within} svg g.djs-element[data-element-id="{element_id}"]').first


def test_library_version_diagram_and_diff(page, add_user, web_engine):
    first = web_engine.latest_version_id()
    receive(web_engine)
    second = deploy_edit(
        web_engine, "case_main.bpmn", renamed_and_annotated, note="分流研判改名"
    ).version_id
    add_user("sheji", DESIGNER)
    login(page, "sheji")

    nav(page, "流程设计")
    assert page.get_by_role("heading", name="流程设计", exact=True).is_visible()
    rows = page.locator("#process-case_main tbody tr")
    assert rows.count() == 2
    assert re.search(rf"#{second}\s+最新", rows.nth(0).inner_text())
    assert "分流研判改名" in rows.nth(0).inner_text()
    older = rows.nth(1).locator("td")
    assert [older.nth(4).inner_text(), older.nth(5).inner_text()] == ["1", "1"], (
        "the case runs on the version it started on"
    )
    shot(page, "designer-lib-01-library")

    follow(rows.nth(1).get_by_role("link", name="查看流程图"))
    assert page.url.endswith(f"/designer/versions/{first}?file=case_main.bpmn#diagram-title")
    page.locator(".dz-diagram-status", has_text="正在显示：case_main.bpmn").wait_for()
    element(page, "assess").wait_for()
    assert page.locator(".dz-diagram").get_attribute("data-warnings") == "0"
    shot(page, "designer-lib-02-version")

    page.go_back()
    follow(rows.nth(0).get_by_role("link", name=f"与 #{first} 比较"))
    assert page.get_by_role("heading", name=f"比较版本 #{first} → #{second}").is_visible()
    assert page.locator("li.dz-element", has_text="名称：分流研判 → 分流研判（新）").is_visible()
    new = "section:has(#new-diagram-title)"
    page.locator(f"{new} .dz-diagram-status", has_text="正在显示").wait_for()
    assert "dz-changed" in element(page, "assess", new).get_attribute("class")
    assert "dz-added" in element(page, "note_added", new).get_attribute("class")
    old = "section:has(#old-diagram-title)"
    page.locator(f"{old} .dz-diagram-status", has_text="正在显示").wait_for()
    assert element(page, "note_added", old).count() == 0, "the old version has no note"
    fitted = element(page, "assess", new).bounding_box()["width"]
    page.get_by_role("button", name="在新图上定位").first.click()
    page.wait_for_function(
        "w => document.querySelector('#diagram-new g[data-element-id=\"assess\"]')"
        ".getBoundingClientRect().width > w * 1.5",
        arg=fitted,
    )
    shot(page, "designer-lib-03-diff")


def test_form_editor_preview_follows_each_edit_and_deploys(page, add_user, web_engine):
    before = web_engine.latest_version_id()
    add_user("sheji", DESIGNER)
    login(page, "sheji")
    page.goto(f"/designer/forms/{FORM_KEY}/edit")
    preview = page.locator("#form-preview")
    assert preview.get_by_role("radiogroup", name=re.compile("事项性质")).is_visible()
    shot(page, "designer-lib-04-form-editor")

    text = page.locator("#schema-text")
    schema = json.loads(text.input_value())
    schema["properties"]["contact_note"] = {"type": "string", "title": "联系情况备注"}
    schema["properties"]["matter_nature"]["title"] = "事项性质（新）"
    edited = json.dumps(schema, ensure_ascii=False, indent=2)
    text.fill(edited)
    preview.get_by_label("联系情况备注").wait_for()
    assert preview.get_by_role("radiogroup", name=re.compile("事项性质（新）")).is_visible()
    shot(page, "designer-lib-05-form-preview-updated")

    broken = edited.replace('"title": "联系情况备注"', '"title": "联系情况备注",', 1)
    text.fill(broken)
    issue = page.locator("#form-issues li.dz-problem")
    issue.wait_for()
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if '"联系情况备注",' in t) + 1
    assert f"第 {line} 行" in issue.inner_text(), issue.inner_text()
    assert preview.get_by_text("修正上面的错误后").is_visible()
    issue.get_by_role("button").click()
    selected = page.evaluate(
        "() => { const t = document.getElementById('schema-text');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected.strip() == "}", "the cursor is on the line the error names"
    assert page.locator(".dz-gutter").inner_text().split()[-1] == str(len(broken.splitlines()))
    shot(page, "designer-lib-06-form-error")

    text.fill(edited)
    preview.get_by_label("联系情况备注").wait_for()
    page.get_by_label("修改说明").fill("分流研判增加联系情况备注")
    follow(page.get_by_role("button", name="部署为新版本"))
    after = web_engine.latest_version_id()
    assert after != before
    assert page.url.endswith(f"/designer/versions/{after}")
    assert page.get_by_text(f"已部署新版本 #{after}").is_visible()
    assert json.loads(file_text(web_engine, FORM_KEY, after)) == schema


def test_decision_table_opens_without_warnings_and_an_edited_rule_deploys(
    page, add_user, web_engine
):
    before = web_engine.latest_version_id()
    add_user("sheji", DESIGNER)
    login(page, "sheji")
    page.goto("/designer/dmn/triage.dmn/edit")
    canvas = page.locator("#dmn-canvas[data-ready='true']")
    canvas.wait_for()
    assert canvas.get_attribute("data-warnings") == "0", page.locator("#dmn-status").inner_text()
    assert page.get_by_text("受理分流规则").first.is_visible()
    shot(page, "designer-lib-07-dmn")

    reason = "不属于人民调解范围，引导至仲裁、行政裁决、行政复议或诉讼"
    cell = page.locator("td.output-cell", has_text=reason).first
    cell.click()
    editable = cell.locator("[contenteditable='true']").first
    editable.press("End")
    editable.press("ArrowLeft")  # inside the closing quote: the cell is a Python string
    editable.type("（已核实）")
    page.locator("#dmn-status").click()  # leave the cell
    page.get_by_label("修改说明").fill("分流理由补充“已核实”")
    follow(page.get_by_role("button", name="部署为新版本"))
    after = web_engine.latest_version_id()
    assert after != before, page.locator("main").inner_text()
    assert page.get_by_text(f"已部署新版本 #{after}").is_visible()
    assert reason + "（已核实）" in file_text(web_engine, "triage.dmn", after)
    shot(page, "designer-lib-08-dmn-deployed")


def test_migrate_a_case_from_the_new_version_page(page, add_user, web_engine):
    movable, stuck = receive(web_engine), receive_to_ladder(web_engine)
    second = deploy_edit(web_engine, "ladder.bpmn", without_village_task).version_id
    add_user("sheji", DESIGNER)
    login(page, "sheji")
    page.goto(f"/designer/versions/{second}")
    follow(page.get_by_role("link", name="查看并迁移到本版本"))
    assert page.get_by_role("heading", name=f"迁移案件到版本 #{second}").is_visible()
    stuck_row = page.locator("tbody tr", has_text=stuck.code)
    assert "不能迁移" in stuck_row.inner_text()
    assert stuck_row.get_by_role("checkbox").is_disabled()
    page.locator("tbody tr", has_text=movable.code).get_by_role("checkbox").check()
    page.get_by_label("迁移原因").fill("按新规定调整村调委会环节")
    shot(page, "designer-lib-09-migrate")
    follow(page.get_by_role("button", name=f"迁移所选案件到版本 #{second}"))
    assert page.get_by_role("heading", name="迁移结果：成功 1 件，未迁移 0 件").is_visible()
    assert page.locator("tbody tr", has_text=movable.code).count() == 0
    assert web_engine.instance(movable.instance_id).version_id == second
    shot(page, "designer-lib-10-migrated")
