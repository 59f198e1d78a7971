"""The form editor: a form's JSON Schema with a live preview rendered as caseworkers see it,
errors named by line and field, and a deploy that makes a new version (never for a broken
schema, never without a note)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import HistoryEvent
from processes.roles import Role

from .designer_helpers import DESIGNER, file_text, find, page, text_of

KEY = "case_main/assess.schema.json"
EDIT = f"/designer/forms/{KEY}/edit"


def with_extra_field(text: str) -> str:
    schema = json.loads(text)
    schema["properties"]["contact_note"] = {"type": "string", "title": "联系情况备注"}
    return json.dumps(schema, ensure_ascii=False, indent=2)


def test_the_editor_shows_the_schema_and_the_form_as_caseworkers_see_it(web_engine, login_as):
    response = login_as("wang", DESIGNER).get(EDIT)
    assert response.status_code == 200
    doc = page(response)
    [text] = doc.xpath('//textarea[@name="text"]')
    assert json.loads(text.text_content()) == json.loads(file_text(web_engine, KEY))
    preview = text_of(doc.get_element_by_id("form-preview"))
    for label in ("分流研判", "事项性质", "是否涉及多个部门", "风险等级（三色预警）", "为必填项"):
        assert label in preview
    assert doc.xpath('//div[@id="form-preview"]//input[@type="radio"][@name="matter_nature"]')


def test_preview_renders_an_edited_schema(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    text = with_extra_field(file_text(web_engine, KEY))
    response = client.post("/designer/forms/preview", data={"text": text})
    assert response.status_code == 200
    doc = page(response)
    [field] = doc.xpath('//input[@name="contact_note"]')
    assert field.get("id") == "f-contact_note"
    assert "联系情况备注" in text_of(doc)
    assert "JSON 与 JSON Schema 格式正确" in text_of(doc)


def test_broken_json_is_named_by_its_line(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    lines = file_text(web_engine, KEY).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if '"title": "事项性质"' in text)
    lines[line - 1] = lines[line - 1].rstrip(",")  # drop the comma after the title
    response = client.post("/designer/forms/preview", data={"text": "\n".join(lines)})
    doc = page(response)
    [issue] = find(doc, "li", "dz-problem")
    assert text_of(issue).startswith("错误"), text_of(issue)
    assert f"第 {line + 1} 行" in text_of(issue), "the parser stops on the next line"
    assert "缺少逗号" in text_of(issue)
    [jump] = find(issue, "button", "dz-line-link")
    assert jump.get("data-line") == str(line + 1)
    assert "修正上面的错误后" in text_of(doc), "no preview of a text that does not parse"


def test_a_schema_error_names_its_line_and_field(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    text = file_text(web_engine, KEY).replace('"type": "boolean"', '"type": "bool"', 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"type": "bool"' in t)
    doc = page(client.post("/designer/forms/preview", data={"text": text}))
    [issue] = find(doc, "li", "dz-problem")
    described = text_of(issue)
    assert f"第 {line} 行" in described
    assert "properties/cross_department/type" in described
    assert '"bool"' in described


def test_deploying_an_edited_form_makes_a_new_version(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    text = with_extra_field(file_text(web_engine, KEY))
    response = client.post(
        EDIT, data={"text": text, "note": "分流研判增加联系情况备注", "action": "deploy"}
    )
    after = web_engine.latest_version_id()
    assert after != before
    assert response.status_code == 302
    assert response.location == f"/designer/versions/{after}"
    assert json.loads(file_text(web_engine, KEY, after))["properties"]["contact_note"]
    assert file_text(web_engine, "case_main.bpmn", after) == file_text(
        web_engine, "case_main.bpmn", before
    ), "the other files are the latest version's"
    with web_engine.session_factory() as session:
        event = session.scalars(select(HistoryEvent).where(HistoryEvent.version_id == after)).one()
    assert (event.event_type, event.actor) == ("version_deployed", "wang")
    assert event.data["note"] == "分流研判增加联系情况备注"
    shown = text_of(page(client.get(response.location)))
    assert f"已部署新版本 #{after}" in shown


def test_a_broken_schema_never_deploys(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    text = file_text(web_engine, KEY).replace('"type": "object"', '"type": "objekt"', 1)
    response = client.post(EDIT, data={"text": text, "note": "试试", "action": "deploy"})
    assert response.status_code == 422
    assert web_engine.latest_version_id() == before
    issues = text_of(page(response).get_element_by_id("form-issues"))
    assert "第 5 行" in issues and '"objekt"' in issues


def test_a_deploy_needs_a_note(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    text = with_extra_field(file_text(web_engine, KEY))
    response = client.post(EDIT, data={"text": text, "note": " ", "action": "deploy"})
    assert response.status_code == 422
    assert web_engine.latest_version_id() == before
    doc = page(response)
    assert "请填写修改说明" in text_of(doc.get_element_by_id("note-error"))
    [kept] = doc.xpath('//textarea[@name="text"]')
    assert "contact_note" in kept.text_content(), "the edit is kept"


def test_checking_reports_the_whole_set(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    text = with_extra_field(file_text(web_engine, KEY))
    response = client.post(EDIT, data={"text": text, "action": "validate"})
    assert response.status_code == 200
    assert "检查通过" in text_of(page(response))
    assert web_engine.latest_version_id() is not None


def test_an_unknown_form_is_not_found(web_engine, login_as):
    assert (
        login_as("wang", DESIGNER).get("/designer/forms/nope/x.schema.json/edit").status_code == 404
    )


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CENTER, Role.AUDITOR])
def test_only_process_designers_edit_forms(web_engine, login_as, role):
    client = login_as("other", role.value)
    assert client.get(EDIT).status_code == 403
    assert client.post("/designer/forms/preview", data={"text": "{}"}).status_code == 403
    before = web_engine.latest_version_id()
    text = with_extra_field(file_text(web_engine, KEY))
    assert (
        client.post(EDIT, data={"text": text, "note": "x", "action": "deploy"}).status_code == 403
    )
    assert web_engine.latest_version_id() == before
