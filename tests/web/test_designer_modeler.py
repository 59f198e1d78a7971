"""The modeler's routes: open a version's diagram, validate and deploy an edited copy (the
same checks as ``zongzhi deploy``), download stored files; designers only."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from engine import EventType
from engine.models import HistoryEvent, ProcessVersion
from processes.roles import Role

DESIGNER = Role.PROCESS_DESIGNER.value
VILLAGE_LAPSE = re.compile(
    r'(<bpmn:boundaryEvent id="village_lapse".*?<bpmn:timerEventDefinition[^>]*>\s*)'
    r"<bpmn:timeDate[^>]*>[^<]*</bpmn:timeDate>",
    re.S,
)


def stored(engine, name: str, version_id: int | None = None) -> bytes:
    version_id = version_id or engine.latest_version_id()
    [found] = [f for f in engine.version_files(version_id) if f.name == name]
    return found.content


def ladder_with_lapse(engine, expression: str) -> str:
    """ladder.bpmn with the village level's lapse timer set to a duration ``expression``."""
    timer = f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDuration>'
    xml, count = VILLAGE_LAPSE.subn(
        lambda m: m.group(1) + timer, stored(engine, "ladder.bpmn").decode()
    )
    assert count == 1
    return xml


def with_dangling_flow(engine) -> str:
    xml = stored(engine, "ladder.bpmn").decode()
    flow = '<bpmn:sequenceFlow id="f_dangling" sourceRef="gw_start_level" targetRef="nowhere" />'
    return xml.replace("</bpmn:process>", f"  {flow}\n  </bpmn:process>", 1)


def versions(engine) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessVersion))


def deploy_events(engine) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        return list(
            session.scalars(
                select(HistoryEvent).where(HistoryEvent.event_type == EventType.VERSION_DEPLOYED)
            )
        )


@pytest.fixture
def designer(login_as, web_engine):
    return login_as("designer.wang", DESIGNER)


def test_the_edit_page_offers_the_versions_forms_the_registered_operators_and_the_helpers(
    designer, web_engine
):
    response = designer.get("/designer/files/ladder.bpmn/edit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    raw = re.search(
        r'<script type="application/json" id="modeler-config">(.*?)</script>', page, re.S
    )
    config = json.loads(raw.group(1))
    assert config["file"] == "ladder.bpmn"
    assert config["versionId"] == web_engine.latest_version_id()
    assert "ladder/village.schema.json" in config["forms"]
    assert "supervision.issue" in [op["name"] for op in config["operators"]]
    assert {"working_days", "deadline", "duration"} <= {h["name"] for h in config["helpers"]}
    hints = {h["name"]: h for h in config["helpers"]}
    assert hints["seconds"]["signature"].startswith("seconds(n")
    assert hints["minutes"]["hint"].startswith("n 分钟后")
    assert "村调委会" in config["roles"]
    assert config["xmlUrl"] == f"/designer/versions/{config['versionId']}/files/ladder.bpmn"


def test_the_edit_page_of_a_file_or_version_that_does_not_exist_is_not_found(designer, web_engine):
    assert designer.get("/designer/files/nothing.bpmn/edit").status_code == 404
    assert designer.get("/designer/files/ladder.bpmn/edit?version=999").status_code == 404


def test_validate_names_the_timer_literal_left_without_quotes(designer, web_engine):
    xml = ladder_with_lapse(web_engine, "P3D")
    response = designer.post("/designer/files/ladder.bpmn/validate", json={"xml": xml})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False
    [problem] = [p for p in body["problems"] if p["element"] == "village_lapse"]
    assert problem["file"] == "ladder.bpmn"
    assert problem["severity"] == "error"
    assert "缺少引号" in problem["message"]


def test_validate_names_a_dangling_flow(designer, web_engine):
    response = designer.post(
        "/designer/files/ladder.bpmn/validate", json={"xml": with_dangling_flow(web_engine)}
    )
    problems = response.get_json()["problems"]
    assert [p["element"] for p in problems if "悬空" in p["message"]] == ["f_dangling"]


def test_an_unchanged_diagram_validates_clean(designer, web_engine):
    xml = stored(web_engine, "case_main.bpmn").decode()
    body = designer.post("/designer/files/case_main.bpmn/validate", json={"xml": xml}).get_json()
    assert body == {"ok": True, "problems": []}


def test_validate_refuses_a_request_without_xml_or_with_a_bad_file_name(designer, web_engine):
    empty = designer.post("/designer/files/ladder.bpmn/validate", data={})
    assert empty.status_code == 400
    assert empty.get_json()["message"] == "请求中没有流程图 XML"
    bad = designer.post("/designer/files/ladder.xml/validate", json={"xml": "<x/>"})
    assert bad.status_code == 400
    assert "文件名 ladder.xml 不合法" in bad.get_json()["message"]


def test_not_xml_is_a_problem_of_the_file_not_a_server_error(designer, web_engine):
    body = designer.post(
        "/designer/files/ladder.bpmn/validate", json={"xml": "这不是 XML"}
    ).get_json()
    assert body["ok"] is False
    assert [p["file"] for p in body["problems"]] == ["ladder.bpmn"]


def test_deploy_makes_a_new_version_with_only_this_file_replaced(designer, web_engine):
    old = web_engine.latest_version_id()
    xml = ladder_with_lapse(web_engine, '"P3D"')
    response = designer.post(
        "/designer/files/ladder.bpmn/deploy",
        json={"xml": xml, "note": "村调委会超期改为 3 天", "base_version_id": old},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    new = body["version_id"]
    assert body["created"] is True and new != old == new - 1
    assert web_engine.latest_version_id() == new
    assert "ladder" in body["process_ids"] and "case_main" in body["process_ids"]
    assert body["edit_url"] == f"/designer/files/ladder.bpmn/edit?version={new}"
    assert body["file_url"] == f"/designer/versions/{new}/files/ladder.bpmn"
    assert stored(web_engine, "ladder.bpmn", new) == xml.encode()
    old_files = {f.name: f.content for f in web_engine.version_files(old)}
    new_files = {f.name: f.content for f in web_engine.version_files(new)}
    assert set(new_files) == set(old_files)
    assert {n for n in new_files if new_files[n] != old_files[n]} == {"ladder.bpmn"}

    [event] = [e for e in deploy_events(web_engine) if e.version_id == new]
    assert event.actor == "designer.wang"
    assert event.data["note"] == "村调委会超期改为 3 天"


def test_a_rejected_deploy_stores_nothing_and_names_the_problems(designer, web_engine):
    before, events = versions(web_engine), len(deploy_events(web_engine))
    response = designer.post(
        "/designer/files/ladder.bpmn/deploy",
        json={"xml": ladder_with_lapse(web_engine, "P3D"), "note": "试一下"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "部署被拒绝，当前版本保持不变。"
    assert "village_lapse" in [p["element"] for p in body["problems"]]
    assert versions(web_engine) == before
    assert len(deploy_events(web_engine)) == events


def test_deploy_needs_a_change_note(designer, web_engine):
    before = versions(web_engine)
    response = designer.post(
        "/designer/files/ladder.bpmn/deploy",
        json={"xml": ladder_with_lapse(web_engine, '"P3D"'), "note": "  "},
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == "请填写修改说明：为什么改、改了什么"
    assert versions(web_engine) == before


def test_deploy_warns_when_someone_changed_the_file_since_the_version_it_started_from(
    designer, web_engine
):
    base = web_engine.latest_version_id()
    first = designer.post(
        "/designer/files/ladder.bpmn/deploy",
        json={
            "xml": ladder_with_lapse(web_engine, '"P2D"'),
            "note": "甲的修改",
            "base_version_id": base,
        },
    )
    assert first.status_code == 200
    mine = {
        "xml": ladder_with_lapse(web_engine, '"P5D"'),
        "note": "乙的修改",
        "base_version_id": base,
    }
    conflict = designer.post("/designer/files/ladder.bpmn/deploy", json=mine)
    assert conflict.status_code == 409
    assert "之后版本" in conflict.get_json()["message"]
    assert web_engine.latest_version_id() == first.get_json()["version_id"]
    forced = designer.post("/designer/files/ladder.bpmn/deploy", json={**mine, "force": True})
    assert forced.status_code == 200
    assert b'"P5D"' in stored(web_engine, "ladder.bpmn")


def test_a_new_file_name_adds_a_process_to_the_set(designer, web_engine):
    xml = stored(web_engine, "plain_case.bpmn").decode()
    xml = xml.replace('plain_case"', 'plain_copy"')  # ids, not the form paths
    response = designer.post(
        "/designer/files/plain_copy.bpmn/deploy", json={"xml": xml, "note": "新增流程"}
    )
    assert response.status_code == 200, response.get_json()
    assert "plain_copy" in response.get_json()["process_ids"]
    assert stored(web_engine, "plain_copy.bpmn") == xml.encode()


def test_download_returns_the_stored_bytes_of_any_version_file(designer, web_engine):
    version = web_engine.latest_version_id()
    response = designer.get(f"/designer/versions/{version}/files/ladder.bpmn")
    assert response.status_code == 200
    assert response.data == stored(web_engine, "ladder.bpmn", version)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "ladder.bpmn" in response.headers["Content-Disposition"]
    form = designer.get(f"/designer/versions/{version}/files/ladder/village.schema.json")
    assert form.status_code == 200
    assert form.data == stored(web_engine, "ladder/village.schema.json", version)
    assert designer.get(f"/designer/versions/{version}/files/nothing.bpmn").status_code == 404
    assert designer.get("/designer/versions/999/files/ladder.bpmn").status_code == 404


@pytest.mark.parametrize("role", [Role.AUDITOR.value, Role.TOWNSHIP_CENTER.value, Role.ADMIN.value])
def test_only_designers_may_open_validate_deploy_or_download(login_as, web_engine, role):
    client = login_as("someone", role)
    version = web_engine.latest_version_id()
    xml = ladder_with_lapse(web_engine, '"P3D"')
    before = versions(web_engine)
    assert client.get("/designer/files/ladder.bpmn/edit").status_code == 403
    assert client.get(f"/designer/versions/{version}/files/ladder.bpmn").status_code == 403
    validate = client.post("/designer/files/ladder.bpmn/validate", json={"xml": xml})
    assert validate.status_code == 403
    deploy = client.post("/designer/files/ladder.bpmn/deploy", json={"xml": xml, "note": "越权"})
    assert deploy.status_code == 403
    assert versions(web_engine) == before


def test_anonymous_visitors_are_sent_to_log_in(client, web_engine):
    response = client.get("/designer/files/ladder.bpmn/edit")
    assert response.status_code == 302
    assert response.location.startswith("/login")
