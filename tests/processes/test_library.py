"""The shipped process library as a designer opens it: every node drawn, every flow
routed, every form present, every lane a role, and the whole set deployable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import text

from processes.roles import Role
from tests.conftest import BPMN_DIR, FORMS_DIR

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODES = [
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "manualTask",
    "sendTask",
    "receiveTask",
    "task",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
]
DIAGRAMS = sorted(BPMN_DIR.glob("*.bpmn"))


def _tree(path: Path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def _ids(tree, xpath: str) -> set[str]:
    return {e.get("id") for e in tree.iterfind(xpath, NS)}


def _drawn(tree, kind: str) -> dict[str, etree._Element]:
    return {e.get("bpmnElement"): e for e in tree.iterfind(f".//bpmndi:{kind}", NS)}


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_flow_node_lane_and_pool_has_a_shape(path):
    tree = _tree(path)
    nodes = set().union(*(_ids(tree, f".//bpmn:{kind}") for kind in FLOW_NODES))
    nodes |= _ids(tree, ".//bpmn:lane") | _ids(tree, ".//bpmn:participant")
    shapes = _drawn(tree, "BPMNShape")
    assert nodes, f"{path.name} has no flow nodes"
    assert sorted(nodes - set(shapes)) == [], f"{path.name}: elements without a shape"
    for element, shape in shapes.items():
        assert shape.find("dc:Bounds", NS) is not None, f"{path.name}: {element} has no bounds"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_sequence_flow_has_a_routed_edge(path):
    tree = _tree(path)
    flows = _ids(tree, ".//bpmn:sequenceFlow")
    edges = _drawn(tree, "BPMNEdge")
    assert sorted(flows - set(edges)) == [], f"{path.name}: flows without an edge"
    for flow in flows:
        assert len(edges[flow].findall("di:waypoint", NS)) >= 2, f"{path.name}: {flow}"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_user_task_has_an_existing_form(path):
    tree = _tree(path)
    for task in tree.iterfind(".//bpmn:userTask", NS):
        keys = [
            p.get("value")
            for p in task.iterfind(".//spiffworkflow:property", NS)
            if p.get("name") == "formJsonSchemaFilename"
        ]
        assert keys, f"{path.name}: user task {task.get('id')} has no form"
        assert (FORMS_DIR / keys[0]).is_file(), f"{path.name}: {keys[0]} missing"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_lanes_are_roles_and_nodes_are_named_in_chinese(path):
    tree = _tree(path)
    roles = {role.value for role in Role}
    for lane in tree.iterfind(".//bpmn:lane", NS):
        assert lane.get("name") in roles, f"{path.name}: lane {lane.get('name')!r} is no role"
    for kind in FLOW_NODES:
        for element in tree.iterfind(f".//bpmn:{kind}", NS):
            if kind.endswith("Gateway") and len(element.findall("bpmn:outgoing", NS)) < 2:
                continue  # a merging gateway needs no question
            name = element.get("name") or ""
            assert any("\u4e00" <= ch <= "\u9fff" for ch in name), (
                f"{path.name}: {kind} {element.get('id')} needs a Chinese name"
            )


def test_the_whole_library_deploys_as_one_version(case_engine):
    result = case_engine.deploy([BPMN_DIR], actor="tester", forms_dirs=[FORMS_DIR])
    assert {
        "case_main",
        "callback",
        "ladder",
        "whistle",
        "handoff",
        "supervise",
        "hotline",
        "confirmation",
    } <= set(result.process_ids)


def _deadline_rows() -> list[tuple[str, str]]:
    """(rule keys, carried-by text) of each row of the README's statutory clock table."""
    readme = (BPMN_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Where each statutory clock lives.**", 1)[1].split("\n\n", 2)[1]
    rows = [line.split(" | ") for line in section.splitlines()[2:]]
    return [(row[2], row[3]) for row in rows]


def test_the_readme_names_real_elements_and_rules_for_every_statutory_clock(app, sa_engine):
    rows = _deadline_rows()
    assert len(rows) == 19  # D1–D21, D3/D4 and D16/D17 share a row
    with sa_engine.connect() as connection:
        keys = {row[0] for row in connection.execute(text("SELECT key FROM deadline_rule"))}
    for rules, carried in rows:
        for key in re.findall(r"`([a-z]+\.[a-z_]+)`", rules):
            assert key in keys, f"README names rule {key}, which is not seeded"
        for diagram, ids in re.findall(r"(\w+)\.bpmn: ([^;]+)", carried):
            tree = _tree(BPMN_DIR / f"{diagram}.bpmn")
            for element in re.findall(r"`(\w+)`", ids):
                assert tree.find(f".//*[@id='{element}']") is not None, (
                    f"README: {diagram}.bpmn has no element {element}"
                )
