"""Issue 19: data associations between a task's ioSpecification and data objects go from
source to target (BPMN 2.0 §10.4), in a trial and in a real instance, across save/restore;
``bpmn:getDataObject('name')`` reads the data object of that name."""

from __future__ import annotations

from itertools import pairwise

from engine import Actor, SourceFile
from engine.specs import ParsedProcess, new_parser, spec_from_json, spec_to_json
from engine.trial import start_trial, trial_view
from engine.trial.autorun import run_to_end

from .diagrams import HEAD

DEMO = Actor.of("demo", ["镇综治中心"])
DESIGNER = Actor.of("designer.wang", ["流程设计员"])

_IDS = ["start", "ask", "gw", "copy", "show", "end", "end_no"]


def _io(inputs: list[str], outputs: list[str]) -> str:
    ins = "".join(f'<bpmn:dataInput id="{i}" name="{i}"/>' for i in inputs)
    outs = "".join(f'<bpmn:dataOutput id="{o}" name="{n}"/>' for o, n in outputs)
    in_refs = "".join(f"<bpmn:dataInputRefs>{i}</bpmn:dataInputRefs>" for i in inputs)
    out_refs = "".join(f"<bpmn:dataOutputRefs>{o}</bpmn:dataOutputRefs>" for o, _ in outputs)
    return (
        f'<bpmn:ioSpecification id="io_{(inputs + [o for o, _ in outputs])[0]}">{ins}{outs}'
        f'<bpmn:inputSet id="is_{id(ins)}">{in_refs}</bpmn:inputSet>'
        f'<bpmn:outputSet id="os_{id(outs)}">{out_refs}</bpmn:outputSet></bpmn:ioSpecification>'
    )


def _in(assoc: str, source: str, target: str) -> str:
    return (
        f'<bpmn:dataInputAssociation id="{assoc}"><bpmn:sourceRef>{source}</bpmn:sourceRef>'
        f"<bpmn:targetRef>{target}</bpmn:targetRef></bpmn:dataInputAssociation>"
    )


def _out(assoc: str, source: str, target: str) -> str:
    return (
        f'<bpmn:dataOutputAssociation id="{assoc}"><bpmn:sourceRef>{source}</bpmn:sourceRef>'
        f"<bpmn:targetRef>{target}</bpmn:targetRef></bpmn:dataOutputAssociation>"
    )


def _diagram() -> SourceFile:
    """ask (user task) → data output ``out_decision`` → data object 「decision」; a gateway
    tests ``bpmn:getDataObject('decision')``; copy reads it through its data input and
    writes 「copy」; show reads 「copy」 into ``result``."""
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in _IDS)
    body = (
        f'<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="镇综治中心">{refs}</bpmn:lane>'
        "</bpmn:laneSet>"
        '<bpmn:dataObject id="obj_decision" name="decision"/>'
        '<bpmn:dataObject id="obj_copy" name="copy"/>'
        '<bpmn:dataObjectReference id="ref_decision" dataObjectRef="obj_decision"/>'
        '<bpmn:dataObjectReference id="ref_copy" dataObjectRef="obj_copy"/>'
        '<bpmn:startEvent id="start"/>'
        '<bpmn:userTask id="ask" name="决定">'
        + _io([], [("out_decision", "decision")])
        + _out("a1", "out_decision", "ref_decision")
        + "</bpmn:userTask>"
        '<bpmn:exclusiveGateway id="gw" default="no"/>'
        '<bpmn:scriptTask id="copy" name="复制">'
        + _io(["in_decision"], [("out_copy", "copy")])
        + _in("a2", "ref_decision", "in_decision")
        + _out("a3", "out_copy", "ref_copy")
        + "<bpmn:script>out_copy = in_decision + '!'</bpmn:script></bpmn:scriptTask>"
        '<bpmn:scriptTask id="show" name="显示">'
        + _io(["in_copy"], [])
        + _in("a4", "ref_copy", "in_copy")
        + "<bpmn:script>result = in_copy</bpmn:script></bpmn:scriptTask>"
        '<bpmn:endEvent id="end"/><bpmn:endEvent id="end_no"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="yes" sourceRef="gw" targetRef="copy">'
        "<bpmn:conditionExpression>bpmn:getDataObject('decision') = 'yes'"
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="no" sourceRef="gw" targetRef="end_no"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="copy" targetRef="show"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="show" targetRef="end"/>'
    )
    text = (
        HEAD.format(pid="assoc")
        + f'<bpmn:process id="assoc" name="数据关联" isExecutable="true">{body}'
        + "</bpmn:process></bpmn:definitions>"
    )
    return SourceFile("assoc.bpmn", "bpmn", text.encode())


def _run(engine, decision: str) -> dict:
    engine.deploy_set([_diagram()], actor="t", note="t")
    instance_id = engine.start("assoc", actor=DEMO, data={})
    [task] = [t for t in engine.tasks_of(instance_id) if t.spec_id == "ask"]
    engine.complete(task.id, {"out_decision": decision}, actor=DEMO)
    view = engine.instance(instance_id, with_data=True)
    assert view.status == "completed"
    return dict(view.data or {})


def test_output_and_input_associations_carry_values_source_to_target(engine):
    data = _run(engine, "yes")
    # out_decision → decision → in_decision → out_copy → copy → in_copy → result
    assert data.get("result") == "yes!"
    assert "out_decision" not in data and "in_decision" not in data


def test_get_data_object_reads_the_data_object_by_name(engine):
    data = _run(engine, "no")  # the gateway's condition is false: the default flow
    assert "result" not in data


def test_trial_auto_run_goes_to_the_end(engine):
    trial_id = start_trial(engine, [_diagram()], actor=DESIGNER, data={}, source="草稿")
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    trial_view(engine, trial_id, user=DESIGNER.user)


def test_the_association_survives_spec_serialization():
    parser = new_parser()
    parser.add_bpmn_str(_diagram().content, "assoc.bpmn")
    parsed = ParsedProcess(parser.get_spec("assoc"), {})
    restored = spec_from_json(spec_to_json(parsed)).spec
    [output] = restored.task_specs["ask"].data_output_associations
    assert (output.bpmn_id, output.data_object) == ("out_decision", "obj_decision")
    [source] = restored.task_specs["copy"].data_input_associations
    assert (source.bpmn_id, source.data_object) == ("in_decision", "obj_decision")


def test_deploy_warns_naming_file_and_element(engine):
    result = engine.deploy_set([_diagram()], actor="t", note="t")
    warnings = [(w.file, w.element, w.message) for w in result.warnings]
    ours = [(f, e, m) for f, e, m in warnings if "从源到目标复制" in m]
    assert {(f, e) for f, e, _ in ours} == {("assoc.bpmn", e) for e in ("ask", "copy", "show")}
    assert any("obj_decision" in m for _, e, m in ours if e == "copy")


def test_trial_gives_an_unnamed_output_a_user_name_when_an_assignee_reads_its_object(engine):
    """A data output without a name, carried to the data object 「approver」 that the next
    task's ``camunda:assignee="${approver}"`` reads (MIWG C.1.1 as ADONIS exports it)."""
    ids = ["start", "assign", "approve", "end"]
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}"/>'
        for n, (a, b) in enumerate(pairwise(ids))
    )
    body = (
        f'<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="镇综治中心">{refs}</bpmn:lane>'
        '</bpmn:laneSet><bpmn:dataObject id="obj" name="approver"/>'
        '<bpmn:dataObjectReference id="ref" dataObjectRef="obj"/><bpmn:startEvent id="start"/>'
        '<bpmn:userTask id="assign" name="指定审批人"><bpmn:ioSpecification id="io">'
        '<bpmn:dataOutput id="out"/><bpmn:inputSet id="is"/><bpmn:outputSet id="os">'
        "<bpmn:dataOutputRefs>out</bpmn:dataOutputRefs></bpmn:outputSet></bpmn:ioSpecification>"
        + _out("a1", "out", "ref")
        + '</bpmn:userTask><bpmn:userTask id="approve" name="审批" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:assignee="${approver}"/>'
        '<bpmn:endEvent id="end"/>' + flows
    )
    text = (
        HEAD.format(pid="approval")
        + f'<bpmn:process id="approval" name="审批" isExecutable="true">{body}'
        + "</bpmn:process></bpmn:definitions>"
    )
    file = SourceFile("approval.bpmn", "bpmn", text.encode())
    trial_id = start_trial(engine, [file], actor=DESIGNER, data={}, source="草稿")
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
