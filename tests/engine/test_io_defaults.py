"""Issue 19: a data input nothing feeds is None (or the task's variable of its id), a
pass-through task's data outputs are None; the task keeps the data it had; the deploy warns
naming task and input or output (MIWG A.1.1, A.1.2, C.8.1)."""

from __future__ import annotations

from itertools import pairwise

from engine import Actor, SourceFile
from engine.io_defaults import DefaultedInput, EmptyOutput
from engine.specs import ParsedProcess, new_parser, spec_from_json, spec_to_json

from .diagrams import HEAD

DEMO = Actor.of("demo", ["镇综治中心"])


def _io(inputs: list[str], outputs: list[str]) -> str:
    ins = "".join(f'<bpmn:dataInput id="{i}" name="输入{i}"/>' for i in inputs)
    outs = "".join(f'<bpmn:dataOutput id="{o}" name="输出{o}"/>' for o in outputs)
    in_refs = "".join(f"<bpmn:dataInputRefs>{i}</bpmn:dataInputRefs>" for i in inputs)
    out_refs = "".join(f"<bpmn:dataOutputRefs>{o}</bpmn:dataOutputRefs>" for o in outputs)
    return (
        f"<bpmn:ioSpecification>{ins}{outs}<bpmn:inputSet>{in_refs}</bpmn:inputSet>"
        f"<bpmn:outputSet>{out_refs}</bpmn:outputSet></bpmn:ioSpecification>"
    )


def _diagram() -> SourceFile:
    """show (script) reads its data input ``in_x`` (fed by nothing; the second input
    ``in_y`` by an association with only a transformation); call (a service task calling
    nothing) hands its output ``out_z`` to the data object 「z」; copy reads 「z」 (which
    fails while 「z」 was never set)."""
    ids = ["start", "show", "call", "copy", "end"]
    body = (
        '<bpmn:dataObject id="obj_z" name="z"/>'
        '<bpmn:dataObjectReference id="ref_z" dataObjectRef="obj_z"/>'
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="show" name="显示">'
        + _io(["in_x", "in_y"], [])
        + '<bpmn:dataInputAssociation id="a0"><bpmn:targetRef>in_y</bpmn:targetRef>'
        "<bpmn:transformation>???</bpmn:transformation></bpmn:dataInputAssociation>"
        "<bpmn:script>shown = [in_x, in_y]</bpmn:script></bpmn:scriptTask>"
        '<bpmn:serviceTask id="call" name="调用" implementation="##WebService">'
        + _io([], ["out_z"])
        + '<bpmn:dataOutputAssociation id="a1"><bpmn:sourceRef>out_z</bpmn:sourceRef>'
        "<bpmn:targetRef>ref_z</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:serviceTask>"
        '<bpmn:scriptTask id="copy" name="复制">'
        '<bpmn:property id="p_z" name="__targetRef_placeholder"/>'
        '<bpmn:dataInputAssociation id="a2"><bpmn:sourceRef>ref_z</bpmn:sourceRef>'
        "<bpmn:targetRef>p_z</bpmn:targetRef></bpmn:dataInputAssociation>"
        "<bpmn:script>copied = [obj_z]</bpmn:script></bpmn:scriptTask>"
        '<bpmn:endEvent id="end"/>'
        + "".join(
            f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}"/>'
            for n, (a, b) in enumerate(pairwise(ids))
        )
    )
    text = (
        HEAD.format(pid="io")
        + f'<bpmn:process id="io" name="输入输出" isExecutable="true">{body}'
        + "</bpmn:process></bpmn:definitions>"
    )
    return SourceFile("io.bpmn", "bpmn", text.encode())


def _run(engine, data: dict) -> dict:
    engine.deploy_set([_diagram()], actor="t", note="t")
    instance_id = engine.start("io", actor=DEMO, data=data)
    view = engine.instance(instance_id, with_data=True)
    assert view.status == "completed"
    return dict(view.data or {})


def test_an_input_nothing_feeds_is_none_and_the_task_keeps_its_data(engine):
    data = _run(engine, {"keep": 1})
    assert data["shown"] == [None, None]
    assert data["keep"] == 1  # SpiffWorkflow's ioSpecification would have dropped it
    assert "in_x" not in data and "in_y" not in data


def test_an_input_reads_the_variable_of_its_id_when_there_is_one(engine):
    assert _run(engine, {"in_x": 5})["shown"] == [5, None]


def test_a_pass_through_task_hands_none_to_its_data_object(engine):
    data = _run(engine, {})
    assert data["copied"] == [None]
    assert "out_z" not in data


def test_deploy_warns_naming_task_and_input_or_output(engine):
    result = engine.deploy_set([_diagram()], actor="t", note="t")
    texts = {(w.element, w.message) for w in result.warnings if "空值（None）" in w.message}
    assert ("show", "任务「显示」的输入 「输入in_x」(in_x) 没有数据来源：运行时取空值（None）"
            "（任务数据中已有变量 in_x 时取它的值）") in texts  # fmt: skip
    assert any(e == "show" and "in_y" in m and "transformation" in m for e, m in texts)
    assert any(e == "call" and "输出 「输出out_z」(out_z)" in m for e, m in texts)


def test_the_defaults_survive_spec_serialization():
    parser = new_parser()
    parser.add_bpmn_str(_diagram().content, "io.bpmn")
    restored = spec_from_json(spec_to_json(ParsedProcess(parser.get_spec("io"), {}))).spec
    inputs = restored.task_specs["show"].data_input_associations
    assert [(type(i), i.bpmn_id, i.transformed) for i in inputs] == [
        (DefaultedInput, "in_x", False),
        (DefaultedInput, "in_y", True),
    ]
    [empty, _to_object] = restored.task_specs["call"].data_output_associations
    assert (type(empty), empty.bpmn_id) == (EmptyOutput, "out_z")
