"""Version list and version diff: what a designer reads before deploying or migrating."""

from __future__ import annotations

import json

import pytest

from engine import Actor, NotFound, SourceFile
from engine.bundle import collect_set
from tests.conftest import BPMN_DIR, FORMS_DIR

from .plain_case_edits import (
    edited,
    plain_case_set,
    with_review_after_handle,
    with_timer,
)

CENTER = Actor.of("li", ["镇综治中心"])
DIAGRAM = "plain_case.bpmn"


def _deploy(engine, files, note=""):
    return engine.deploy_set(files, actor="designer", note=note).version_id


def _file(diff, name):
    [found] = [f for f in diff.files if f.name == name]
    return found


def _element(file_diff, element_id):
    [found] = [e for e in file_diff.elements if e.element_id == element_id]
    return found


def test_versions_list_newest_first_with_instance_counts(engine):
    v1 = _deploy(engine, plain_case_set(), "首版")
    engine.start("plain_case", actor=CENTER)
    done = engine.start("plain_case", actor=CENTER)
    engine.cancel(done, actor=CENTER, reason="重复登记")
    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, with_timer("duration(days=3)")))
    newest, oldest = engine.versions()
    assert (newest.id, oldest.id) == (v2, v1)
    assert oldest.process_ids == ("plain_case",) and oldest.note == "首版"
    assert (oldest.running_instances, oldest.total_instances) == (1, 2)
    assert (newest.running_instances, newest.total_instances) == (0, 0)
    assert newest.deployed_by == "designer" and len(newest.content_hash) == 64


def test_changed_timer_and_added_task_are_named(engine):
    v1 = _deploy(engine, plain_case_set())
    files = edited(plain_case_set(), DIAGRAM, with_timer("duration(days=3)"))
    v2 = _deploy(engine, edited(files, DIAGRAM, with_review_after_handle))
    diagram = _file(engine.diff_versions(v1, v2), DIAGRAM)
    assert diagram.change == "changed" and diagram.notes == ()
    timer = _element(diagram, "handle_overdue")
    assert timer.change == "changed"
    assert timer.details == ("定时器（时长）：duration(days=handle_limit_days) → duration(days=3)",)
    review = _element(diagram, "review")
    assert review.change == "added" and review.summary == "新增用户任务「复核」(review)"
    flow = _element(diagram, "flow_handle_to_callback")
    assert flow.change == "removed"
    assert {e.element_id for e in diagram.elements} == {
        "handle_overdue",
        "review",
        "flow_handle_to_callback",
        "flow_handle_to_review",
        "flow_review_to_callback",
    }


def test_name_form_and_lane_changes_are_described(engine):
    v1 = _deploy(engine, plain_case_set())

    def edit(text: str) -> str:
        text = text.replace(
            '<bpmn:userTask id="close" name="结案">', '<bpmn:userTask id="close" name="审核结案">'
        )
        text = text.replace(
            'value="plain_case/close.schema.json"', 'value="plain_case/handle.schema.json"'
        )
        text = text.replace("<bpmn:flowNodeRef>close</bpmn:flowNodeRef>", "")
        return text.replace(
            "<bpmn:flowNodeRef>supervise</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>supervise</bpmn:flowNodeRef><bpmn:flowNodeRef>close</bpmn:flowNodeRef>",
        )

    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, edit))
    diff = engine.diff_versions(v1, v2)
    close = _element(_file(diff, DIAGRAM), "close")
    assert set(close.details) == {
        "名称：结案 → 审核结案",
        "泳道：镇综治中心 → 督办员",
        "表单：plain_case/close.schema.json → plain_case/handle.schema.json",
    }
    assert _file(diff, "plain_case/close.schema.json").change == "removed"


def test_layout_only_change_is_not_an_element_change(engine):
    v1 = _deploy(engine, plain_case_set())

    def move(text: str) -> str:
        return text.replace('<dc:Bounds x="270" y="130"', '<dc:Bounds x="290" y="140"')

    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, move))
    diagram = _file(engine.diff_versions(v1, v2), DIAGRAM)
    assert diagram.elements == () and diagram.notes == ("仅布局变化",)


def test_defaults_written_out_or_left_off_are_no_change(engine):
    """A modeler's save may write BPMN's default attribute values out or drop them
    (bpmn-js drops cancelActivity="true"): the element is the same."""
    v1 = _deploy(engine, plain_case_set())

    def explicit(text: str) -> str:
        text = text.replace(
            '<bpmn:startEvent id="start"', '<bpmn:startEvent isInterrupting="true" id="start"'
        )
        text = text.replace(
            '<bpmn:userTask id="handle"',
            '<bpmn:userTask implementation="##unspecified" isForCompensation="false" id="handle"',
        )
        return text.replace('<dc:Bounds x="270" y="130"', '<dc:Bounds x="290" y="140"')

    v2 = _deploy(engine, edited(plain_case_set(), DIAGRAM, explicit))
    diagram = _file(engine.diff_versions(v1, v2), DIAGRAM)
    assert diagram.elements == () and diagram.notes == ("仅布局变化",)

    def interrupting(text: str) -> str:
        return text.replace('cancelActivity="false"', 'cancelActivity="true"', 1)

    v3 = _deploy(engine, edited(plain_case_set(), DIAGRAM, interrupting))
    [timer] = _file(engine.diff_versions(v1, v3), DIAGRAM).elements
    assert timer.details == ("中断活动：false → true",)


def test_same_version_has_no_differences(engine):
    v1 = _deploy(engine, plain_case_set())
    assert engine.diff_versions(v1, v1).identical


def test_files_added_and_removed(engine):
    v1 = _deploy(engine, plain_case_set())
    files, _ = collect_set([BPMN_DIR / "plain_case.bpmn", BPMN_DIR / "supervise.bpmn"], [FORMS_DIR])
    for operator in ("supervision.issue", "supervision.chase"):
        engine.operators.register(operator, lambda params, data: {})
    v2 = _deploy(engine, files)
    diff = engine.diff_versions(v1, v2)
    assert {(f.name, f.change) for f in diff.files} == {
        ("supervise.bpmn", "added"),
        ("supervise/chase.schema.json", "added"),
    }
    back = engine.diff_versions(v2, v1)
    assert {f.change for f in back.files} == {"removed"}


def test_form_field_changes_are_described(engine):
    v1 = _deploy(engine, plain_case_set())
    key = "plain_case/handle.schema.json"

    def edit(text: str) -> str:
        schema = json.loads(text)
        schema["properties"]["result"]["title"] = "调解结果"
        schema["properties"]["cost"] = {"type": "integer", "title": "费用"}
        schema["required"].remove("handling_notes")
        return json.dumps(schema, ensure_ascii=False)

    v2 = _deploy(engine, edited(plain_case_set(), key, edit))
    form = _file(engine.diff_versions(v1, v2), key)
    assert _element(form, "result").details == ("标题：处置结果 → 调解结果",)
    assert _element(form, "handling_notes").details == ("必填：是 → 否",)
    assert _element(form, "cost").summary == "新增字段「费用」(cost)"


def _triage_versions(engine):
    """Two versions of a one-file set holding the shipped triage table, the second edited."""
    caller = SourceFile(
        "caller.bpmn",
        "bpmn",
        (BPMN_DIR / "plain_case.bpmn").read_bytes(),
    )
    table = (BPMN_DIR / "triage.dmn").read_text(encoding="utf-8")
    forms = [f for f in plain_case_set() if f.kind == "form"]
    v1 = _deploy(engine, [caller, SourceFile("triage.dmn", "dmn", table.encode()), *forms])
    changed = table.replace(
        '<outputEntry id="OE_3_0"><text>"当场办结"</text></outputEntry>',
        '<outputEntry id="OE_3_0"><text>"法律服务"</text></outputEntry>',
    )
    changed = changed.replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    v2 = _deploy(engine, [caller, SourceFile("triage.dmn", "dmn", changed.encode()), *forms])
    return v1, v2


def test_decision_table_rule_changes_are_named(engine):
    v1, v2 = _triage_versions(engine)
    table = _file(engine.diff_versions(v1, v2), "triage.dmn")
    [decision] = table.elements
    assert decision.element_id == "triage_table" and decision.change == "changed"
    assert "命中策略：FIRST → UNIQUE" in decision.details
    [rule] = [d for d in decision.details if d.startswith("修改规则 Rule_3")]
    assert '"当场办结"' in rule and '"法律服务"' in rule


def test_unknown_version_is_not_found(engine):
    v1 = _deploy(engine, plain_case_set())
    with pytest.raises(NotFound):
        engine.diff_versions(v1, 999)
