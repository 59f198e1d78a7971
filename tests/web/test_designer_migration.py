"""Migrating running cases to a newer version: the list of cases on older versions with
their code, waiting tasks and whether each may move (and why not); selected cases move one
by one with a reason, a refusal leaves the others moved; only process designers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import HistoryEvent
from processes.roles import Role

from .designer_helpers import (
    CLERK,
    DESIGNER,
    deploy_edit,
    find,
    page,
    receive,
    receive_to_ladder,
    text_of,
    without_village_task,
)


@pytest.fixture
def scene(web_engine):
    """Two cases on version 1 (one at 分流研判, one at 村调委会化解), and version 2 without
    the 村调委会化解 task."""
    at_assess, at_village = receive(web_engine), receive_to_ladder(web_engine)
    first = web_engine.latest_version_id()
    second = deploy_edit(web_engine, "ladder.bpmn", without_village_task).version_id
    return at_assess, at_village, first, second


def rows_by_code(doc) -> dict[str, str]:
    return {text_of(find(row, "th")[0]).split()[0]: text_of(row) for row in find(doc, "tbody/tr")}


def test_the_list_shows_each_case_and_whether_it_may_move(web_engine, login_as, scene):
    at_assess, at_village, first, second = scene
    response = login_as("wang", DESIGNER).get(f"/designer/migrate?to={second}")
    assert response.status_code == 200
    doc = page(response)
    assert "（2 件，其中 1 件可迁移）" in text_of(doc.get_element_by_id("list-title"))
    rows = rows_by_code(doc)
    assert f"case_main #{first}" in rows[at_assess.code]
    assert "分流研判" in rows[at_assess.code] and "可以迁移" in rows[at_assess.code]
    assert "村调委会化解" in rows[at_village.code]
    assert "不能迁移：" in rows[at_village.code] and "village" in rows[at_village.code]
    [blocked] = doc.xpath(f'//input[@name="instance"][@value="{at_village.instance_id}"]')
    assert blocked.get("disabled") is not None, "a case that cannot move cannot be picked"


def test_selected_cases_move_one_by_one_and_a_refusal_is_reported(web_engine, login_as, scene):
    at_assess, at_village, first, second = scene
    client = login_as("wang", DESIGNER)
    response = client.post(
        f"/designer/migrate?to={second}",
        data={
            "instance": [str(at_assess.instance_id), str(at_village.instance_id)],
            "reason": "按新规定调整村调委会环节",
        },
    )
    assert response.status_code == 200
    doc = page(response)
    assert "迁移结果：成功 1 件，未迁移 1 件" in text_of(doc)
    outcomes = [text_of(li) for li in find(doc, "li", "dz-problem")]
    assert (
        f"已迁移 实例 #{at_assess.instance_id} · 案件 {at_assess.code} 已迁移到版本 #{second}"
        in outcomes
    )
    [refused] = [o for o in outcomes if o.startswith("未迁移")]
    assert at_village.code in refused and "不能迁移该流程实例" in refused
    assert web_engine.instance(at_assess.instance_id).version_id == second
    assert web_engine.instance(at_village.instance_id).version_id == first
    assert at_assess.code not in rows_by_code(doc), "a moved case leaves the list"

    with web_engine.session_factory() as session:
        [event] = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "instance_migrated")
        ).all()
    assert (event.instance_id, event.actor) == (at_assess.instance_id, "wang")
    assert "按新规定调整村调委会环节" in str(event.data)


def test_the_moved_case_goes_on_on_the_new_version(web_engine, login_as, scene):
    at_assess, _, _, second = scene
    client = login_as("wang", DESIGNER)
    client.post(
        f"/designer/migrate?to={second}",
        data={"instance": str(at_assess.instance_id), "reason": "迁移"},
    )
    [task] = [t for t in web_engine.tasks_of(at_assess.instance_id) if t.status == "ready"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    web_engine.complete(task.id, data, actor=CLERK)
    waiting = [t.spec_id for t in web_engine.tasks_of(at_assess.instance_id) if t.status == "ready"]
    assert waiting == ["village_v2"], "the ladder of the new version"


def test_a_reason_and_a_choice_are_required(web_engine, login_as, scene):
    at_assess, _, first, second = scene
    client = login_as("wang", DESIGNER)
    response = client.post(
        f"/designer/migrate?to={second}", data={"instance": str(at_assess.instance_id)}
    )
    assert response.status_code == 422
    assert "请填写迁移原因" in text_of(page(response))
    response = client.post(f"/designer/migrate?to={second}", data={"reason": "迁移"})
    assert response.status_code == 422
    assert "请至少勾选一件" in text_of(page(response))
    assert web_engine.instance(at_assess.instance_id).version_id == first


def test_the_new_version_page_points_to_the_cases_on_older_versions(web_engine, login_as, scene):
    *_, second = scene
    doc = page(login_as("wang", DESIGNER).get(f"/designer/versions/{second}"))
    [callout] = find(doc, "p", "dz-callout")
    assert "旧版本上还有 2 件运行中的案件" in text_of(callout)
    assert find(callout, "a")[0].get("href") == f"/designer/migrate?to={second}"


def test_an_unknown_target_version_is_not_found(web_engine, login_as):
    client = login_as("wang", DESIGNER)
    assert client.get("/designer/migrate?to=999").status_code == 404
    assert client.get("/designer/migrate?to=abc").status_code == 400


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CENTER, Role.AUDITOR, Role.ADMIN])
def test_only_process_designers_migrate(web_engine, login_as, scene, role):
    at_assess, _, first, second = scene
    client = login_as("other", role.value)
    assert client.get(f"/designer/migrate?to={second}").status_code == 403
    response = client.post(
        f"/designer/migrate?to={second}",
        data={"instance": str(at_assess.instance_id), "reason": "试图迁移"},
    )
    assert response.status_code == 403
    assert web_engine.instance(at_assess.instance_id).version_id == first
