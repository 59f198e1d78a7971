"""The process library (/designer/) and a version's page: every process with its versions,
who deployed them and why, how many cases run on each, and the links to view, edit,
download and compare; only process designers get in."""

from __future__ import annotations

import json

import pytest

from processes.roles import Role

from .designer_helpers import DESIGNER, deploy_edit, find, page, receive, text_of


def rename_assess(xml: str) -> str:
    return xml.replace('name="分流研判"', 'name="分流研判（新）"')


def process_rows(response, process_id: str) -> list[str]:
    article = page(response).get_element_by_id(f"process-{process_id}")
    return [text_of(row) for row in find(article, "tbody/tr")]


def test_every_process_of_the_library_is_listed_with_its_version(web_engine, login_as):
    version_id = web_engine.latest_version_id()
    response = login_as("wang", DESIGNER).get("/designer/")
    assert response.status_code == 200
    doc = page(response)
    names = [text_of(h) for a in find(doc, "article", "dz-process") for h in find(a, "h3")]
    for expected in (
        "受理分流 case_main",
        "四级七天 ladder",
        "中心吹哨、部门报到 whistle",
        "回访 callback",
    ):
        assert expected in names
    [row] = process_rows(response, "ladder")
    summary = next(v for v in web_engine.versions() if v.id == version_id)
    assert row.startswith(f"#{version_id} 最新 tester")
    assert summary.content_hash[:8] in row
    assert "scenario" in row, "the deploy note is shown"
    assert "查看流程图" in row and "下载" in row


def test_counts_show_running_cases_on_the_version_they_started_on(web_engine, login_as):
    first = web_engine.latest_version_id()
    receive(web_engine), receive(web_engine)
    second = deploy_edit(web_engine, "case_main.bpmn", rename_assess).version_id
    receive(web_engine)

    response = login_as("wang", DESIGNER).get("/designer/")
    newest, older = process_rows(response, "case_main")
    assert newest.startswith(f"#{second} 最新")
    assert " 1 1 " in newest, "one case runs on the new version"
    assert older.startswith(f"#{first} ")
    assert " 2 2 " in older, "the two older cases stay on the first version"
    assert f"与 #{first} 比较" in newest
    assert "流程图未改动" not in newest
    ladder_newest, _ = process_rows(response, "ladder")
    assert "流程图未改动 测试修改" in ladder_newest, "the deploy changed another file"
    assert "比较" not in ladder_newest

    doc = page(response)
    link = doc.xpath(f'//a[text()="与 #{first} 比较"]')[0].get("href")
    assert link.startswith(f"/designer/diff?old={first}&new={second}")


def test_the_library_lists_the_decision_tables_and_forms_with_editors(web_engine, login_as):
    doc = page(login_as("wang", DESIGNER).get("/designer/"))
    decisions = text_of(doc.get_element_by_id("decisions-title").getparent())
    assert "triage.dmn" in decisions
    forms = doc.get_element_by_id("forms-title").getparent()
    assert "whistle/dispatch.schema.json" in text_of(forms)
    hrefs = [a.get("href") for a in find(forms, "a")]
    assert "/designer/forms/whistle/dispatch.schema.json/edit" in hrefs
    dmn_links = [
        a.get("href") for a in find(doc.get_element_by_id("decisions-title").getparent(), "a")
    ]
    assert "/designer/dmn/triage.dmn/edit" in dmn_links


def test_version_page_shows_files_processes_counts_and_diagrams(web_engine, login_as):
    version_id = web_engine.latest_version_id()
    receive(web_engine)
    response = login_as("wang", DESIGNER).get(f"/designer/versions/{version_id}")
    assert response.status_code == 200
    doc = page(response)
    facts = text_of(find(doc, "dl", "dz-facts")[0])
    assert "tester" in facts and "scenario" in facts
    assert "1 件运行中，累计 1 件" in facts
    processes = text_of(doc.get_element_by_id("processes-title").getparent())
    assert "受理分流 case_main case_main.bpmn 1 1" in processes
    files = text_of(doc.get_element_by_id("files-title").getparent())
    for name in ("case_main.bpmn", "triage.dmn", "case_main/assess.schema.json"):
        assert name in files
    [viewer] = find(doc, "div", "dz-diagram")
    tabs = json.loads(viewer.get("data-files"))
    assert {tab["name"] for tab in tabs} >= {"case_main.bpmn", "ladder.bpmn", "whistle.bpmn"}
    assert all(tab["url"].startswith(f"/designer/versions/{version_id}/files/") for tab in tabs)


def test_version_page_selects_the_diagram_asked_for(web_engine, login_as):
    version_id = web_engine.latest_version_id()
    response = login_as("wang", DESIGNER).get(f"/designer/versions/{version_id}?file=ladder.bpmn")
    [viewer] = find(page(response), "div", "dz-diagram")
    assert viewer.get("data-selected") == "ladder.bpmn"


def test_an_older_version_offers_no_editing_and_points_to_the_latest(web_engine, login_as):
    first = web_engine.latest_version_id()
    second = deploy_edit(web_engine, "case_main.bpmn", rename_assess).version_id
    doc = page(login_as("wang", DESIGNER).get(f"/designer/versions/{first}"))
    assert doc.xpath(f'//a[text()="查看最新版本 #{second}"]')
    files = doc.get_element_by_id("files-title").getparent()
    assert not [a for a in find(files, "a") if a.text == "编辑"]


def test_an_unknown_version_is_not_found(web_engine, login_as):
    assert login_as("wang", DESIGNER).get("/designer/versions/999").status_code == 404


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CENTER, Role.AUDITOR, Role.ADMIN])
def test_only_process_designers_open_the_library(web_engine, login_as, role):
    client = login_as("other", role.value)
    version_id = web_engine.latest_version_id()
    assert client.get("/designer/").status_code == 403
    assert client.get(f"/designer/versions/{version_id}").status_code == 403


def test_the_menu_offers_the_library_to_designers(web_engine, login_as):
    doc = page(login_as("wang", DESIGNER).get("/designer/"))
    nav = find(doc, "nav//a")
    assert [a.get("href") for a in nav if text_of(a) == "流程设计"] == ["/designer/"]


def test_an_empty_library_says_how_to_deploy(app, login_as):
    client = login_as("wang", DESIGNER)
    response = client.get("/designer/")
    assert response.status_code == 200
    assert "尚未部署任何流程" in text_of(page(response))
    assert client.get("/designer/migrate").status_code == 404
    assert client.get("/designer/dmn/triage.dmn/edit").status_code == 404


def test_each_process_of_the_library_can_be_tried_in_the_sandbox(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    article = page(client.get("/designer/")).get_element_by_id("process-plain_case")
    [form] = find(article, "form", "dz-trial")
    assert form.get("action") == "/designer/trials"
    fields = {i.get("name"): i.get("value") for i in form.iter("input")}
    assert fields["process_id"] == "plain_case"
    assert fields["version_id"] == str(web_engine.latest_version_id())

    response = client.post("/designer/trials", data=fields)
    assert response.status_code == 303
    trial = client.get(response.headers["Location"])
    assert "试运行：一般案件办理" in trial.get_data(as_text=True)
