"""Lane → role mapping at deploy: a foreign diagram's lanes (Manager, Clerk) and its tasks
outside any lane become our roles; the map is stored with the version, kept by the next
deploy, part of the version's identity, and shown in the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeployRejected, SourceFile
from engine.bundle import content_hash

from .diagrams import sequence, user_task

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
ROLES = frozenset({"镇综治中心", "调解员"})
DEMO = Actor.of("demo", ["镇综治中心"])
MEDIATOR = Actor.of("mei", ["调解员"])
MAP = {"Manager": "镇综治中心", "Clerk": "调解员"}


def _order() -> list[SourceFile]:
    return [
        SourceFile("camunda_order.bpmn", "bpmn", (FOREIGN / "camunda_order.bpmn").read_bytes()),
        SourceFile("discount.dmn", "dmn", (FOREIGN / "discount.dmn").read_bytes()),
    ]


@pytest.fixture
def roles(engine):
    engine.lane_names = ROLES
    yield engine
    engine.lane_names = None


def _errors(roles, files, lane_map=None) -> list:
    with pytest.raises(DeployRejected) as caught:
        roles.deploy_set(files, actor="t", note="", lane_map=lane_map)
    return [p for p in caught.value.problems if p.severity == "error"]


def test_lanes_that_are_not_roles_block_a_deploy_without_a_map(roles):
    messages = " ".join(p.message for p in _errors(roles, _order()))
    assert "泳道「Manager」不是已知的角色" in messages
    assert "泳道「Clerk」不是已知的角色" in messages
    analysis = roles.analyse_set(_order())
    assert analysis.lanes.unknown(ROLES) == ("Manager", "Clerk")


def test_mapped_lanes_give_the_tasks_our_roles(roles):
    result = roles.deploy_set(_order(), actor="t", note="", lane_map=MAP)
    instance = roles.start("order", actor=DEMO, data={"amount": 200, "rejected": False})
    [review] = [t for t in roles.tasks_of(instance) if t.status == "ready"]
    assert (review.lane, review.candidate_role) == ("镇综治中心", "镇综治中心")
    roles.complete(review.id, {}, actor=DEMO)
    assert [t.spec_id for t in roles.ready_tasks(MEDIATOR)] == ["pack"]
    assert roles.ready_tasks(Actor.of("clerk", ["Clerk"])) == []
    assert result.created


def test_a_role_that_is_not_ours_is_an_error_of_the_map(roles):
    errors = _errors(roles, _order(), {"Manager": "经理", "Clerk": "调解员"})
    assert ("泳道映射", "Manager=经理：「经理」不是已知的角色") in [
        (e.file, e.message) for e in errors
    ]


def test_an_entry_for_a_lane_the_diagrams_lack_is_a_warning(roles):
    result = roles.deploy_set(_order(), actor="t", note="", lane_map={**MAP, "Customer": "调解员"})
    [warning] = [w for w in result.warnings if w.file == "泳道映射"]
    assert warning.message == "Customer=调解员：流程图中没有泳道「Customer」，此项未用"


def test_tasks_outside_lanes_take_the_default_role(roles):
    text = sequence("loose", ("ask", user_task("ask", "询问")), lane=None)
    files = [SourceFile("loose.bpmn", "bpmn", text.encode())]
    assert any("不在任何泳道中" in p.message for p in _errors(roles, files))
    roles.deploy_set(files, actor="t", note="", lane_map={"*": "调解员"})
    instance = roles.start("loose", actor=MEDIATOR)
    assert [t.spec_id for t in roles.ready_tasks(MEDIATOR)] == ["ask"]
    assert roles.tasks_of(instance)[0].lane == "调解员"


def test_the_map_is_kept_by_the_next_deploy_and_is_part_of_the_version(roles):
    first = roles.deploy_set(_order(), actor="t", note="", lane_map=MAP)
    again = roles.deploy_set(_order(), actor="t", note="同样的文件，不给映射")
    assert (again.version_id, again.created) == (first.version_id, False)
    moved = roles.deploy_set(_order(), actor="t", note="", lane_map={"Clerk": "镇综治中心"})
    assert moved.created
    diff = roles.diff_versions(first.version_id, moved.version_id)
    assert diff.files == ()
    assert diff.lane_changes == ("泳道「Clerk」的角色：「调解员」→「镇综治中心」",)
    assert not diff.identical


def test_a_set_without_foreign_lanes_keeps_its_hash(roles):
    text = sequence("plain", ("ask", user_task("ask", "询问")))
    files = [SourceFile("plain.bpmn", "bpmn", text.encode())]
    result = roles.deploy_set(files, actor="t", note="")
    assert result.content_hash == content_hash(files)
