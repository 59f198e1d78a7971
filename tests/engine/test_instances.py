"""Instances: start, work lists, permissions by lane, claim, complete, cancel."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine import SYSTEM, Actor, ConflictError, FormInvalid, NotFound, PermissionDenied
from engine.models import HistoryEvent, Instance

from .diagrams import message_catch, message_definition, sequence, user_task, write, write_form

CENTER = Actor.of("li", ["镇综治中心"])
OTHER_CENTER = Actor.of("zhou", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


def _only_ready(engine, actor):
    [task] = engine.ready_tasks(actor)
    return task


def _events(engine, instance_id) -> list[str]:
    with engine.session_factory() as session:
        return list(
            session.execute(
                select(HistoryEvent.event_type)
                .where(HistoryEvent.instance_id == instance_id)
                .order_by(HistoryEvent.seq)
            ).scalars()
        )


def test_start_unknown_process_is_not_found(deployed):
    with pytest.raises(NotFound, match="尚未部署"):
        deployed.start("no_such_process", actor=CENTER)


def test_work_list_follows_lanes(deployed):
    deployed.start("plain_case", actor=CENTER)
    assert [t.name for t in deployed.ready_tasks(CENTER)] == ["受理登记"]
    assert deployed.ready_tasks(MEDIATOR) == []
    deployed.complete(_only_ready(deployed, CENTER).id, INTAKE, actor=CENTER)
    assert deployed.ready_tasks(CENTER) == []
    handle = _only_ready(deployed, MEDIATOR)
    assert (handle.name, handle.lane, handle.candidate_role) == ("处置", "调解员", "调解员")


def test_other_role_may_not_complete(deployed):
    deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    with pytest.raises(PermissionDenied, match="镇综治中心"):
        deployed.complete(task.id, INTAKE, actor=MEDIATOR)
    with pytest.raises(PermissionDenied):
        deployed.claim(task.id, actor=MEDIATOR)
    assert deployed.task(task.id).status == "ready"


def test_claim_reserves_the_task_and_unclaim_releases_it(deployed):
    deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    deployed.claim(task.id, actor=CENTER)
    assert deployed.task(task.id).assignee == "li"
    assert deployed.ready_tasks(OTHER_CENTER) == []
    with pytest.raises(PermissionDenied, match="已交由 li 办理"):
        deployed.complete(task.id, INTAKE, actor=OTHER_CENTER)
    with pytest.raises(PermissionDenied, match="不是由您认领"):
        deployed.unclaim(task.id, actor=OTHER_CENTER)
    deployed.unclaim(task.id, actor=CENTER)
    assert deployed.task(task.id).assignee is None
    assert [t.id for t in deployed.ready_tasks(OTHER_CENTER)] == [task.id]


def test_assignee_may_complete_without_the_role(deployed):
    deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    deployed.claim(task.id, actor=CENTER)
    demoted = Actor.of("li", [])
    assert [t.id for t in deployed.ready_tasks(demoted)] == [task.id]
    deployed.complete(task.id, INTAKE, actor=demoted)
    assert deployed.task(task.id).completed_by == "li"


def test_invalid_form_data_reports_each_field_and_stores_nothing(deployed):
    instance = deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    before = _events(deployed, instance)
    with pytest.raises(FormInvalid) as caught:
        deployed.complete(
            task.id,
            {"summary": "短", "dispute_type": "吵架", "handle_limit_days": 99},
            actor=CENTER,
        )
    errors = caught.value.errors
    assert errors["summary"] == ["至少 5 个字"]
    assert errors["dispute_type"][0].startswith("请从以下选项中选择")
    assert errors["handle_limit_days"] == ["不能大于 30"]
    assert _events(deployed, instance) == before
    assert deployed.task(task.id).status == "ready"


def test_completing_twice_is_a_clear_conflict(deployed):
    deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    deployed.complete(task.id, INTAKE, actor=CENTER)
    with pytest.raises(ConflictError, match="已完成（li）"):
        deployed.complete(task.id, INTAKE, actor=CENTER)


def test_cancel_needs_a_reason_and_withdraws_open_tasks(deployed):
    instance = deployed.start("plain_case", actor=CENTER)
    task = _only_ready(deployed, CENTER)
    with pytest.raises(ValueError, match="原因"):
        deployed.cancel(instance, actor=CENTER, reason="  ")
    deployed.cancel(instance, actor=CENTER, reason="当事人撤回申请")
    view = deployed.instance(instance)
    assert (view.status, view.end_reason) == ("cancelled", "当事人撤回申请")
    assert deployed.task(task.id).status == "cancelled"
    assert deployed.ready_tasks(CENTER) == []
    assert _events(deployed, instance)[-2:] == ["task_cancelled", "instance_cancelled"]
    with pytest.raises(ConflictError, match="已结束"):
        deployed.cancel(instance, actor=CENTER, reason="再次取消")


def test_state_is_stored_without_the_spec(deployed):
    instance = deployed.start("plain_case", actor=CENTER)
    with deployed.session_factory() as session:
        row = session.get(Instance, instance)
        state = json.loads(row.state)
        spec_size = len(row.definition.spec_json)
    assert "spec" not in state and "subprocess_specs" not in state
    assert len(row.state) < spec_size


def test_parsed_spec_is_cached_per_version(deployed):
    deployed.start("plain_case", actor=CENTER)
    with deployed.session_factory() as session:
        definition_id = session.execute(select(Instance.definition_id)).scalar_one()
    cached = deployed.specs.get(definition_id)
    assert cached is not None
    deployed.start("plain_case", actor=CENTER)
    assert deployed.specs.get(definition_id) is cached


def test_history_records_who_did_what_with_which_data(deployed):
    instance = deployed.start("plain_case", actor=CENTER)
    deployed.complete(_only_ready(deployed, CENTER).id, INTAKE, actor=CENTER)
    with deployed.session_factory() as session:
        rows = (
            session.execute(
                select(HistoryEvent)
                .where(HistoryEvent.instance_id == instance)
                .order_by(HistoryEvent.seq)
            )
            .scalars()
            .all()
        )
    intake = next(r for r in rows if r.event_type == "task_completed" and r.spec_id == "intake")
    assert intake.actor == "li" and intake.lane == "镇综治中心" and intake.spec_name == "受理登记"
    assert intake.data == INTAKE
    assert intake.version_id == deployed.latest_version_id()
    assert [r.event_type for r in rows][:2] == ["instance_started", "task_completed"]
    assert rows[-1].event_type == "task_ready" and rows[-1].spec_id == "handle"


def test_message_is_delivered_to_a_waiting_instance(engine, tmp_path):
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    text = sequence(
        "m",
        ("wait", message_catch("wait", "evidence_received", "evidence")),
        ("a", user_task("a", "审查证据", form="t/a.json")),
    ).replace(
        "</bpmn:definitions>", message_definition("evidence_received") + "</bpmn:definitions>"
    )
    engine.deploy([write(tmp_path, "m.bpmn", text)], actor="designer", forms_dirs=[forms])
    instance = engine.start("m", actor=CENTER)
    assert engine.ready_tasks(CENTER) == []
    with pytest.raises(ConflictError, match="没有在等待消息"):
        engine.send_message(instance, "other_message", {}, actor=SYSTEM)
    engine.send_message(instance, "evidence_received", {"files": ["鉴定书.pdf"]}, actor=SYSTEM)
    [task] = engine.ready_tasks(CENTER)
    assert task.name == "审查证据"
    assert engine.instance(instance, with_data=True).data["evidence"] == {"files": ["鉴定书.pdf"]}
    assert "message_received" in _events(engine, instance)
