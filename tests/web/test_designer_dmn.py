"""The decision-table editor: the page carries triage.dmn and the vendored dmn-js (nothing
from outside); the posted XML is checked as a deploy checks it; a deployed rule change
routes new cases, never an unsafe or broken table, never without a note."""

from __future__ import annotations

import re

import pytest

from processes.roles import Role

from .designer_helpers import DESIGNER, file_text, find, page, receive_to_ladder, text_of

EDIT = "/designer/dmn/triage.dmn/edit"
WINDOW_RULE = '<outputEntry id="OE_8_2"><text>"村调委会"</text></outputEntry>'


def from_the_grid(xml: str) -> str:
    """Walk-ins start the ladder at the grid worker instead of the village committee."""
    assert WINDOW_RULE in xml
    return xml.replace(WINDOW_RULE, WINDOW_RULE.replace("村调委会", "网格员"))


def test_the_page_carries_the_table_and_the_vendored_editor(web_engine, login_as):
    response = login_as("wang", DESIGNER).get(EDIT)
    assert response.status_code == 200
    doc = page(response)
    [source] = doc.xpath('//textarea[@id="dmn-source"]')
    assert source.text_content() == file_text(web_engine, "triage.dmn")
    scripts = [s.get("src") for s in doc.xpath("//script[@src]")]
    assert "/static/vendor/dmn-js/dmn-modeler.production.min.js" in scripts
    links = [link.get("href") for link in doc.xpath("//link[@rel='stylesheet']")]
    assert "/static/vendor/dmn-js/assets/dmn-js-decision-table.css" in links
    assert all(not re.match(r"https?://", url) for url in scripts + links)


def test_the_unchanged_table_passes_the_check(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    xml = file_text(web_engine, "triage.dmn")
    response = client.post(EDIT, data={"xml": xml, "action": "validate"})
    assert response.status_code == 200
    assert "检查通过" in text_of(page(response))


def test_a_deployed_rule_change_routes_new_cases_only(web_engine, login_as):
    before = web_engine.latest_version_id()
    old_case = receive_to_ladder(web_engine)
    client = login_as("wang", DESIGNER)
    xml = from_the_grid(file_text(web_engine, "triage.dmn"))
    response = client.post(
        EDIT, data={"xml": xml, "note": "窗口来访从网格员起", "action": "deploy"}
    )
    after = web_engine.latest_version_id()
    assert after != before
    assert response.status_code == 302 and response.location == f"/designer/versions/{after}"
    assert file_text(web_engine, "triage.dmn", after) == xml

    new_case = receive_to_ladder(web_engine)

    def waiting(received):
        return [t.spec_id for t in web_engine.tasks_of(received.instance_id) if t.status == "ready"]

    assert waiting(new_case) == ["grid"], "the new rule routes the new case"
    assert waiting(old_case) == ["village"], "the old case stays on its version"


def test_a_broken_expression_is_named_and_never_deploys(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    xml = file_text(web_engine, "triage.dmn").replace(
        WINDOW_RULE, WINDOW_RULE.replace('"村调委会"', '"村调委会')
    )
    response = client.post(EDIT, data={"xml": xml, "note": "改坏了", "action": "deploy"})
    assert response.status_code == 422
    assert web_engine.latest_version_id() == before
    [problem] = find(page(response), "li", "dz-problem")
    assert "triage.dmn" in text_of(problem) and "OE_8_2" in text_of(problem)
    [kept] = page(response).xpath('//textarea[@id="dmn-source"]')
    assert kept.text_content() == xml, "the edit is kept for fixing"


def test_unsafe_xml_is_refused(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
        + file_text(web_engine, "triage.dmn").split("?>", 1)[1]
    )
    response = client.post(EDIT, data={"xml": xml, "note": "x", "action": "deploy"})
    assert response.status_code == 422
    assert "DOCTYPE" in text_of(page(response))
    assert web_engine.latest_version_id() == before


def test_a_deploy_needs_a_note(web_engine, login_as):
    before = web_engine.latest_version_id()
    client = login_as("wang", DESIGNER)
    xml = from_the_grid(file_text(web_engine, "triage.dmn"))
    response = client.post(EDIT, data={"xml": xml, "note": "", "action": "deploy"})
    assert response.status_code == 422
    assert "请填写修改说明" in text_of(page(response))
    assert web_engine.latest_version_id() == before


def test_only_dmn_files_of_the_latest_version_open(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    assert client.get("/designer/dmn/nope.dmn/edit").status_code == 404
    assert client.get("/designer/dmn/case_main.bpmn/edit").status_code == 404


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CENTER, Role.AUDITOR])
def test_only_process_designers_edit_decision_tables(web_engine, login_as, role):
    before = web_engine.latest_version_id()
    client = login_as("other", role.value)
    assert client.get(EDIT).status_code == 403
    xml = from_the_grid(file_text(web_engine, "triage.dmn"))
    response = client.post(EDIT, data={"xml": xml, "note": "x", "action": "deploy"})
    assert response.status_code == 403
    assert web_engine.latest_version_id() == before
