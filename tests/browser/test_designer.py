"""The process designer in the browser modeler: every shipped diagram opens without import
warnings; a timer changed to something broken is outlined with its message on 校验, then
fixed and deployed, after which new cases run on the new version while a case started
before stays on the old one; a diagram saved by the modeler deploys unchanged by the CLI."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import lxml.etree
import pytest
from sqlalchemy import select

from engine.models import ProcessDefinition, TimerRecord
from tests.conftest import BPMN_DIR, FORMS_DIR
from webapp.cli import cli

from .helpers import login, receive_to_ladder, shot

pytestmark = pytest.mark.browser

SHIPPED = sorted(path.name for path in BPMN_DIR.glob("*.bpmn"))


def expect(target):
    """Playwright's auto-waiting assertions (imported late: without playwright the
    fixtures skip or fail the test with the reason)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def open_in_modeler(page, name: str, query: str = "") -> None:
    page.goto(f"/designer/files/{name}/edit{query}")
    page.locator('.modeler-page[data-state="ready"]').wait_for()


def import_warnings(page) -> list[str]:
    return page.evaluate("window.ZZDesigner.app.importWarnings")


def test_every_shipped_diagram_opens_in_the_modeler_without_import_warnings(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    warnings = {}
    for name in SHIPPED:
        open_in_modeler(page, name)
        assert page.locator("svg g.djs-element[data-element-id]").count() > 5, name
        warnings[name] = import_warnings(page)
        if name == "whistle.bpmn":
            shot(page, "designer-01-whistle-opened")
    assert warnings == {name: [] for name in SHIPPED}


def timer_due(engine, instance_id: int, spec_id: str):
    with engine.session_factory() as session:
        return session.scalars(
            select(TimerRecord.due_at).where(
                TimerRecord.instance_id == instance_id, TimerRecord.spec_id == spec_id
            )
        ).one()


def select_element(page, element_id: str) -> None:
    page.locator(f'svg g.djs-shape[data-element-id="{element_id}"]').click()
    page.locator("#props-title", has_text="属性：").wait_for()


def set_timer(page, kind: str, expression: str) -> None:
    panel = page.locator("#props-panel")
    panel.get_by_label("定时器类型").select_option(kind)
    expect(panel.get_by_label("定时器类型")).to_have_value(kind)
    panel.get_by_label("表达式", exact=True).fill(expression)
    panel.get_by_label("表达式", exact=True).press("Tab")


def validate(page) -> str:
    """Click 校验 and return the summary the answer produced."""
    with page.expect_response(re.compile(r"/validate$")):
        page.get_by_role("button", name="校验", exact=True).click()
    summary = page.locator("#problems .problems-summary")
    summary.wait_for()
    return summary.inner_text()


def test_a_designer_breaks_a_timer_sees_it_outlined_fixes_it_and_deploys(
    page, guard, add_user, web_engine, clock
):
    old = receive_to_ladder(web_engine)
    old_version = web_engine.instance(old.instance_id).version_id
    old_lapse = timer_due(web_engine, old.instance_id, "village_lapse")
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "ladder.bpmn")

    select_element(page, "village_lapse")
    assert page.locator("#props-title").inner_text() == "属性：村调委会超期"
    set_timer(page, "timeDuration", "P3D")
    assert validate(page).startswith("发现 1 个错误")
    lapse = page.locator('svg g.djs-element[data-element-id="village_lapse"]')
    expect(lapse).to_have_class(re.compile(r"\bzz-problem\b"))
    badge = page.locator('.djs-overlays[data-container-id="village_lapse"] .zz-problem-badge')
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("缺少引号")
    problem = page.locator("#problems .problem", has_text="village_lapse")
    expect(problem).to_contain_text('ISO 8601 时间要写成字符串 "P3D"')
    shot(page, "designer-02-timer-outlined")

    guard.expect_status(422)  # the rejected deploy's answer
    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("村调委会时限改为 3 天")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    expect(page.locator("#modeler-status")).to_contain_text("部署被拒绝")
    expect(page.locator("#problems .problems-summary")).to_contain_text("当前版本保持不变")
    assert web_engine.latest_version_id() == old_version, "a rejected deploy stores nothing"

    problem.get_by_role("button").click()
    expect(page.locator("#props-title")).to_have_text("属性：村调委会超期")
    set_timer(page, "timeDuration", '"P3D"')
    assert validate(page) == "校验通过，没有发现问题。"
    expect(lapse).not_to_have_class(re.compile(r"\bzz-problem\b"))

    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("村调委会超期改为固定 3 天")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    result = page.locator("#deploy-result")
    expect(result).to_contain_text("已部署为版本 #")
    new_version = web_engine.latest_version_id()
    assert new_version != old_version
    expect(result).to_contain_text(f"已部署为版本 #{new_version}")
    shot(page, "designer-03-deployed")

    new = receive_to_ladder(web_engine)
    assert web_engine.instance(new.instance_id).version_id == new_version
    assert web_engine.instance(old.instance_id).version_id == old_version
    assert timer_due(web_engine, new.instance_id, "village_lapse") == clock.now() + timedelta(
        days=3
    )
    assert (
        timer_due(web_engine, old.instance_id, "village_lapse")
        == old_lapse
        != clock.now() + timedelta(days=3)
    )


def rename_in_panel(page, element_id: str, name: str) -> None:
    select_element(page, element_id)
    field = page.locator("#props-panel").get_by_label("名称", exact=True)
    field.fill(name)
    field.press("Tab")
    expect(page.locator(f'svg g.djs-element[data-element-id="{element_id}"]')).to_contain_text(name)


def test_the_draft_is_saved_offered_back_and_leaving_with_changes_asks_first(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    open_in_modeler(page, "plain_case.bpmn")
    rename_in_panel(page, "handle", "办理并记录")
    expect(page.locator("#draft-state")).to_contain_text("草稿已自动保存于")

    page.reload()
    page.locator('.modeler-page[data-state="ready"]').wait_for()
    assert asked == ["beforeunload"], "leaving with unsaved changes asks first"
    banner = page.get_by_role("region", name="未部署的草稿")
    expect(banner).to_contain_text("此文件有未部署的草稿（plain_case.bpmn")
    shot(page, "designer-04-draft-offered")
    handle = page.locator('svg g.djs-element[data-element-id="handle"]')
    expect(handle).not_to_contain_text("办理并记录")
    banner.get_by_role("button", name="恢复草稿").click()
    expect(handle).to_contain_text("办理并记录")
    expect(banner).to_be_hidden()

    page.reload()
    page.locator('.modeler-page[data-state="ready"]').wait_for()
    banner.get_by_role("button", name="放弃草稿").click()
    expect(banner).to_be_hidden()
    page.reload()
    page.locator('.modeler-page[data-state="ready"]').wait_for()
    expect(banner).to_be_hidden()
    expect(handle).not_to_contain_text("办理并记录")


def copied_process(name: str = "plain_case.bpmn") -> bytes:
    """A diagram "made elsewhere": the plain case under another process id."""
    xml = (BPMN_DIR / name).read_text(encoding="utf-8")
    return xml.replace('plain_case"', 'plain_copy"').encode()  # ids, not the form paths


def test_an_uploaded_diagram_with_a_new_name_is_validated_deployed_and_downloaded(
    page, add_user, web_engine
):
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "plain_case.bpmn")
    page.locator("#upload-input").set_input_files(
        files=[
            {"name": "plain_copy.bpmn", "mimeType": "application/xml", "buffer": copied_process()}
        ]
    )
    expect(page.locator("#modeler-file")).to_have_text("plain_copy.bpmn（新文件）")
    expect(page.locator("#modeler-status")).to_contain_text("plain_copy.bpmn 是新文件")
    assert import_warnings(page) == []
    assert validate(page) == "校验通过，没有发现问题。"

    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("新增一般案件的副本")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    expect(page.locator("#deploy-result")).to_contain_text("已部署为版本 #")
    version = web_engine.latest_version_id()
    names = {f.name for f in web_engine.version_files(version)}
    assert {"plain_copy.bpmn", "plain_case.bpmn", "ladder.bpmn"} <= names

    with page.expect_download() as download:
        page.get_by_role("button", name="下载 .bpmn").click()
    assert download.value.suggested_filename == "plain_copy.bpmn"
    saved = page.evaluate("window.ZZDesigner.app.modeler.saveXML({format: true})")["xml"]
    assert download.value.path().read_text(encoding="utf-8") == saved
    assert 'id="plain_copy"' in saved


def test_diagrams_saved_by_the_modeler_deploy_unchanged_by_the_cli_as_the_same_processes(
    app, page, add_user, web_engine, tmp_path
):
    add_user("designer", "流程设计")
    login(page, "designer")
    shipped = web_engine.latest_version_id()
    folder = tmp_path / "saved"
    folder.mkdir()
    changed = 0
    for name in SHIPPED:
        open_in_modeler(page, name)
        saved = page.evaluate("window.ZZDesigner.app.modeler.saveXML({format: true})")["xml"]
        (folder / name).write_text(saved, encoding="utf-8")
        changed += saved.encode() != (BPMN_DIR / name).read_bytes()
    (folder / "triage.dmn").write_bytes((BPMN_DIR / "triage.dmn").read_bytes())
    assert changed, "the modeler writes its own layout of the XML"

    result = app.test_cli_runner().invoke(
        cli, ["deploy", str(folder), "--forms", str(FORMS_DIR), "--note", "由浏览器建模器保存"]
    )
    assert result.exit_code == 0, result.output
    deployed = web_engine.latest_version_id()
    assert deployed != shipped
    assert f"已部署新版本 {deployed}" in result.output
    for name in SHIPPED:
        assert stored_file(web_engine, deployed, name) == (folder / name).read_bytes()
    assert process_specs(web_engine, deployed) == process_specs(web_engine, shipped)


def stored_file(engine, version_id: int, name: str) -> bytes:
    [found] = [f for f in engine.version_files(version_id) if f.name == name]
    return found.content


def process_specs(engine, version_id: int) -> dict[str, dict]:
    """Each executable process of a version with its parsed spec (as the engine stores it)."""
    with engine.session_factory() as session:
        rows = session.execute(
            select(ProcessDefinition.process_id, ProcessDefinition.spec_json).where(
                ProcessDefinition.version_id == version_id
            )
        )
        return {process_id: json.loads(spec) for process_id, spec in rows}


SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def pick(page, element_id: str) -> None:
    """Select an element as a click on it would (small or thin ones are hard to hit)."""
    page.evaluate(
        "id => { const m = window.ZZDesigner.app.modeler;"
        " m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )
    page.locator("#props-panel .props-section").first.wait_for()


def settle(page) -> None:
    """Let the panel redraw after an edit (it does so right after the change event)."""
    page.wait_for_timeout(100)


def change(page, label: str, value: str) -> None:
    field = page.locator("#props-panel").get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")
    settle(page)


def saved_xml(page) -> str:
    return page.evaluate("window.ZZDesigner.app.modeler.saveXML({format: true})")["xml"]


def element(root, element_id: str):
    [found] = root.xpath(f'//*[@id="{element_id}"]')
    return found


def edit_whistle_in_the_panel(page) -> int:
    """Edit what the engine reads on several kinds of element; returns how many edits."""
    panel = page.locator("#props-panel")
    pick(page, "dispatch")
    expect(panel).to_contain_text("泳道：县综治中心")
    expect(panel).to_contain_text("角色「县综治中心」的用户可以办理此泳道中的任务。")
    panel.get_by_label("表单").select_option("whistle/feedback.schema.json")
    settle(page)
    change(page, "办理说明", "请于 {{ ack_due }} 前派单")
    pick(page, "acknowledge")
    expect(panel).to_contain_text("泳道：部门（随所在的「部门报到（逐个部门）」）")
    change(page, "候选单位（candidateUnits）", "department_units[department]")
    shot(page, "designer-06-panel-people")
    change(page, "办理人（assignee）", 'get_data("liaison")')
    change(page, "办理人（assignee）", "")
    pick(page, "summon")
    expect(panel.get_by_label("服务操作")).to_have_value("summons.create")
    change(page, "结果变量", "ack_deadline")
    expect(panel).to_contain_text(
        "接受的参数：departments（被召集的部门名称列表）、due（报到时限（ISO 时间））"
    )
    due = panel.get_by_role("group", name="参数 due").get_by_label("值（表达式）")
    due.fill("hours(48)")
    due.press("Tab")
    settle(page)
    panel.get_by_label("新参数名").fill("note")
    panel.get_by_role("button", name="添加参数").click()
    settle(page)
    note = panel.get_by_role("group", name="参数 note")
    expect(note.get_by_label("值（表达式）")).to_have_value("")
    assert 'id="note" type="str" value=""' in saved_xml(page)
    note.get_by_role("button", name="删除参数").click()
    settle(page)
    expect(note).to_have_count(0)
    pick(page, "acknowledge_all")
    change(page, "集合变量", "summoned")
    panel.get_by_label("逐个执行（不勾选则同时执行）").check()
    settle(page)
    pick(page, "f_outcome_resolved")
    change(page, "条件表达式", 'mediation_outcome in ("化解", "部分化解")')
    pick(page, "gw_outcome")
    panel.get_by_label("默认连线", exact=True).select_option("")
    settle(page)
    pick(page, "set_resolved")
    change(page, "脚本（Python）", 'whistle_result = "已化解"')
    panel.get_by_text("前置/后置脚本").click()
    change(page, "前置脚本", "resolved_at = now_iso()")
    pick(page, "Lane_supervisor")
    expect(panel).to_contain_text("角色「督办员」的用户可以办理此泳道中的任务。")
    return 15


def test_the_panel_writes_what_the_engine_reads_and_undo_takes_it_back(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "whistle.bpmn")
    original = saved_xml(page)
    edits = edit_whistle_in_the_panel(page)
    shot(page, "designer-05-panel-script")

    root = lxml.etree.fromstring(saved_xml(page).encode())
    dispatch = element(root, "dispatch")
    assert dispatch.find(f".//{SPIFF}property").get("value") == "whistle/feedback.schema.json"
    people = {
        p.get("name"): p.get("value")
        for p in element(root, "acknowledge").iterfind(f".//{SPIFF}property")
    }
    assert people == {
        "formJsonSchemaFilename": "whistle/acknowledge.schema.json",
        "candidateUnits": "department_units[department]",
    }, "the assignee set and cleared again leaves no property behind"
    assert dispatch.find(f".//{SPIFF}instructionsForEndUser").text == "请于 {{ ack_due }} 前派单"
    operator = element(root, "summon").find(f".//{SPIFF}serviceTaskOperator")
    assert operator.get("id") == "summons.create"
    assert operator.get("resultVariable") == "ack_deadline"
    due = operator.find(f".//{SPIFF}parameter[@id='due']")
    assert (due.get("type"), due.get("value")) == ("str", "hours(48)")
    loop = element(root, "acknowledge_all").find(f"{BPMN}multiInstanceLoopCharacteristics")
    assert loop.get("isSequential") == "true"
    assert loop.find(f"{BPMN}loopDataInputRef").text == "summoned"
    flow = element(root, "f_outcome_resolved").find(f"{BPMN}conditionExpression")
    assert flow.text == 'mediation_outcome in ("化解", "部分化解")'
    assert element(root, "gw_outcome").get("default") is None
    resolved = element(root, "set_resolved")
    assert resolved.find(f"{BPMN}script").text == 'whistle_result = "已化解"'
    assert resolved.find(f".//{SPIFF}preScript").text == "resolved_at = now_iso()"

    undo = page.get_by_role("button", name="撤销")
    for _ in range(edits):
        undo.click()
    assert saved_xml(page) == original, "every edit is one step of undo"
    page.get_by_role("button", name="重做").click()
    assert "whistle/feedback.schema.json" in saved_xml(page).split('id="dispatch"')[1][:800]


def test_try_it_runs_the_draft_in_the_editor_not_the_stored_version(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "plain_case.bpmn")
    first_task = page.evaluate(
        "window.ZZDesigner.app.modeler.get('elementRegistry')"
        ".filter(e => e.type === 'bpmn:UserTask').map(e => e.id)[0]"
    )
    rename_in_panel(page, first_task, "草稿里改过名的任务")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="试运行").click()
    trial = opened.value
    trial.wait_for_load_state()
    expect(trial.locator("main")).to_contain_text("草稿里改过名的任务")
    assert "/designer/trials/" in trial.url
    shot(trial, "designer-06-trial-of-draft")
    trial.close()
