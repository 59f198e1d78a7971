"""泳道映射 in the modeler: a Flowable diagram whose lanes are not our roles validates with
the lanes to map; validated and deployed with a map it passes, the version keeps the map,
and the diff page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

FOREIGN = Path(__file__).parents[1] / "engine" / "fixtures" / "foreign"
XML = (FOREIGN / "flowable_leave.bpmn").read_text(encoding="utf-8")
LANES = {"Employee": "网格员", "Manager": "镇综治中心", "*": "镇综治中心"}


@pytest.fixture
def designer(login_as, web_engine):
    return login_as("designer.wang", "流程设计")


def _validate(client, **body):
    return client.post("/designer/files/leave.bpmn/validate", json={"xml": XML, **body}).get_json()


def test_validate_names_the_lanes_to_map_and_offers_our_roles(designer, web_engine):
    body = _validate(designer)
    assert body["ok"] is False
    lanes = body["lanes"]
    assert (lanes["unknown"], lanes["outside"], lanes["map"]) == (["Employee", "Manager"], True, {})
    assert "镇综治中心" in lanes["roles"] and "网格员" in lanes["roles"]
    messages = [p["message"] for p in body["problems"]]
    assert any("泳道「Manager」不是已知的角色" in m for m in messages)
    assert any("候选组在本系统中就是泳道的角色" in m for m in messages)


def test_with_a_map_the_draft_validates_and_deploys_keeping_the_map(designer, web_engine):
    before = web_engine.latest_version_id()
    body = _validate(designer, lane_map=LANES)
    assert body["ok"] is True, body["problems"]
    assert body["lanes"]["map"] == LANES
    answer = designer.post(
        "/designer/files/leave.bpmn/deploy",
        json={"xml": XML, "note": "Flowable 请假流程", "lane_map": LANES},
    )
    assert answer.status_code == 200, answer.get_json()
    version_id = answer.get_json()["version_id"]
    assert web_engine.lane_map(version_id) == LANES
    html = designer.get(f"/designer/diff?old={before}&new={version_id}").get_data(as_text=True)
    assert "泳道映射的变化" in html
    assert "新增映射：泳道「Manager」 → 角色「镇综治中心」" in html
    assert "新增映射：不在泳道中的人工任务 → 角色「镇综治中心」" in html
    page = designer.get(f"/designer/versions/{version_id}").get_data(as_text=True)
    assert "泳道映射" in page and "泳道「Employee」 → 网格员" in page


def test_a_rejected_deploy_offers_the_lanes_too(designer, web_engine):
    answer = designer.post("/designer/files/leave.bpmn/deploy", json={"xml": XML, "note": "试"})
    assert answer.status_code == 422
    assert answer.get_json()["lanes"]["unknown"] == ["Employee", "Manager"]


def test_a_draft_of_our_own_roles_offers_no_mapping(designer, web_engine):
    xml = web_engine.version_files(web_engine.latest_version_id())
    ladder = next(f for f in xml if f.name == "ladder.bpmn").content.decode()
    body = designer.post("/designer/files/ladder.bpmn/validate", json={"xml": ladder}).get_json()
    assert body["ok"] and "lanes" not in body
