"""Comparing two versions: the files and elements added, removed and changed, each with the
engine's Chinese description, and the diagrams marked (new: added/changed, old: removed)."""

from __future__ import annotations

import json

import pytest

from processes.roles import Role

from .designer_helpers import DESIGNER, deploy_edit, find, page, renamed_and_annotated, text_of


@pytest.fixture
def versions(web_engine) -> tuple[int, int]:
    first = web_engine.latest_version_id()
    second = deploy_edit(web_engine, "case_main.bpmn", renamed_and_annotated).version_id
    return first, second


def changes(doc) -> list[str]:
    """Each listed element: its badge, what it is, and what changed (without the buttons)."""
    return [
        " ".join(text_of(part) for part in li.xpath("./span | ./ul"))
        for li in find(doc, "li", "dz-element")
    ]


def diagram_tabs(doc, section_id: str) -> list[dict]:
    [viewer] = find(doc.get_element_by_id(section_id).getparent(), "div", "dz-diagram")
    return json.loads(viewer.get("data-files"))


def test_changes_are_listed_with_what_changed(web_engine, login_as, versions):
    first, second = versions
    response = login_as("wang", DESIGNER).get(f"/designer/diff?old={first}&new={second}")
    assert response.status_code == 200
    doc = page(response)
    assert f"比较版本 #{first} → #{second}" in text_of(find(doc, "h1")[0])
    summary = text_of(doc.get_element_by_id("changes-title").getparent())
    assert "1 个文件：新增 0，删除 0，修改 1" in summary
    items = changes(doc)
    assert "修改 用户任务「分流研判（新）」 assess 名称：分流研判 → 分流研判（新）" in items
    assert "新增 注释 note_added" in items
    [locate] = doc.xpath('//button[@data-locate="assess"]')
    assert (locate.get("data-viewer"), text_of(locate)) == ("diagram-new", "在新图上定位")


def test_the_new_diagram_marks_added_and_changed_the_old_one_removed(
    web_engine, login_as, versions
):
    first, second = versions
    client = login_as("wang", DESIGNER)
    doc = page(client.get(f"/designer/diff?old={first}&new={second}"))
    [new_tab] = diagram_tabs(doc, "new-diagram-title")
    assert new_tab["name"] == "case_main.bpmn"
    assert new_tab["url"] == f"/designer/versions/{second}/files/case_main.bpmn"
    assert new_tab["markers"] == {"dz-added": ["note_added"], "dz-changed": ["assess"]}
    [old_tab] = diagram_tabs(doc, "old-diagram-title")
    assert old_tab["url"] == f"/designer/versions/{first}/files/case_main.bpmn"
    assert old_tab["markers"] == {"dz-removed": []}

    backwards = page(client.get(f"/designer/diff?old={second}&new={first}"))
    [old_tab] = diagram_tabs(backwards, "old-diagram-title")
    assert old_tab["markers"] == {"dz-removed": ["note_added"]}
    assert "删除 注释 note_added" in changes(backwards)
    [locate] = backwards.xpath('//button[@data-locate="note_added"]')
    assert (locate.get("data-viewer"), text_of(locate)) == ("diagram-old", "在旧图上定位")


def test_a_changed_form_lists_its_fields(web_engine, login_as):
    first = web_engine.latest_version_id()

    def with_field(text: str) -> str:
        schema = json.loads(text)
        schema["properties"]["contact_note"] = {"type": "string", "title": "联系情况备注"}
        return json.dumps(schema, ensure_ascii=False, indent=2)

    second = deploy_edit(web_engine, "case_main/assess.schema.json", with_field).version_id
    doc = page(login_as("wang", DESIGNER).get(f"/designer/diff?old={first}&new={second}"))
    [article] = find(doc, "article", "dz-diff-file")
    assert "修改 case_main/assess.schema.json 表单" in text_of(article)
    assert "联系情况备注" in text_of(article)
    assert not doc.xpath('//*[@id="new-diagram-title"]'), "no diagram when only a form changed"


def test_the_same_version_twice_has_no_changes(web_engine, login_as):
    version_id = web_engine.latest_version_id()
    response = login_as("wang", DESIGNER).get(f"/designer/diff?old={version_id}&new={version_id}")
    assert "两个版本的文件完全相同" in text_of(page(response))


def test_bad_or_unknown_versions(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    version_id = web_engine.latest_version_id()
    assert client.get("/designer/diff").status_code == 400
    assert client.get(f"/designer/diff?old=x&new={version_id}").status_code == 400
    assert client.get(f"/designer/diff?old=999&new={version_id}").status_code == 404


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CENTER, Role.AUDITOR])
def test_only_process_designers_compare(web_engine, login_as, versions, role):
    first, second = versions
    client = login_as("other", role.value)
    assert client.get(f"/designer/diff?old={first}&new={second}").status_code == 403


def test_removed_files_are_listed(web_engine, login_as):
    first = web_engine.latest_version_id()
    kept = [
        f
        for f in web_engine.version_files(first)
        if f.name != "plain_case.bpmn" and not f.name.startswith("plain_case/")
    ]
    second = web_engine.deploy_set(kept, actor="designer.wang", note="去掉示例流程").version_id
    client = login_as("wang", DESIGNER)
    doc = page(client.get(f"/designer/diff?old={first}&new={second}"))
    files = [text_of(h) for h in find(doc, "article//h3")]
    assert "删除文件 plain_case.bpmn 流程图" in files
    assert "删除文件 plain_case/intake.schema.json 表单" in files
    backwards = page(client.get(f"/designer/diff?old={second}&new={first}"))
    assert "新增文件 plain_case.bpmn 流程图" in [text_of(h) for h in find(backwards, "article//h3")]
