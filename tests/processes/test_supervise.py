"""督办 (bpmn/supervise.bpmn): a 督办提示单 is issued, the 督办员 chases and records how."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import Actor, FormInvalid, InstanceStatus
from processes.models import SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy

SUPERVISOR = "督办员"
DUE = "2026-03-11T23:59:59+08:00"
CALLED = {
    "supervise_reason": "超期未化解",
    "supervise_target": "村调委会",
    "supervise_due": DUE,
    "supervise_content": "四级七天超过7个工作日未化解",
}


@pytest.fixture
def engine(case_engine, regions):
    deploy(case_engine, "supervise.bpmn")
    return case_engine


def test_notice_is_issued_then_the_supervisor_chases_and_it_is_recorded(engine, clock):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    issued_at = clock.now()

    assert s.open_tasks() == {SUPERVISOR: ["chase"]}
    [record] = s.rows(SupervisionRecord)
    assert (record.kind, record.reason, record.target, record.content) == (
        "督办提示单",
        "超期未化解",
        "村调委会",
        "四级七天超过7个工作日未化解",
    )
    assert record.due_at == datetime(2026, 3, 11, 23, 59, 59, tzinfo=CST)
    assert (record.issued_at, record.issued_by) == (issued_at, "intake.clerk")
    assert record.chase_method is None
    chase = s.task(SUPERVISOR, "chase")
    assert (chase.name, chase.lane, chase.form_key) == (
        "督办催办",
        SUPERVISOR,
        "supervise/chase.schema.json",
    )
    assert engine.form_schema(chase.id)["title"] == "督办催办"

    clock.advance(hours=2)
    s.complete(
        SUPERVISOR,
        "chase",
        {"chase_method": "电话督办", "chase_note": "已电话催促村调委会主任，承诺明日办结"},
        user="du.ban",
    )
    [record] = s.rows(SupervisionRecord)
    assert (record.chase_method, record.chased_by, record.chased_at) == (
        "电话督办",
        "du.ban",
        clock.now(),
    )
    assert record.chase_note == "已电话催促村调委会主任，承诺明日办结"
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["supervision_id"] == record.id
    assert run.data["chase_method"] == "电话督办"
    issued, chased = s.events(["supervision_issued", "supervision_chased"])
    assert issued.event_type == "supervision_issued"
    assert (chased.event_type, chased.data["method"]) == ("supervision_chased", "电话督办")


def test_an_empty_target_means_the_level_holding_the_case(engine, clock):
    s = Scenario(
        engine,
        clock,
        "supervise",
        data={**CALLED, "supervise_target": "", "supervise_due": ""},
    )
    [record] = s.rows(SupervisionRecord)
    assert record.due_at is None
    assert record.target == "镇综治中心"  # the action's fallback for a case with no level yet
    s.complete(SUPERVISOR, "chase", {"chase_method": "函件督办", "chase_note": "已发督办函"})
    assert s.rows(SupervisionRecord)[0].chase_method == "函件督办"
    assert s.instance().status == InstanceStatus.COMPLETED


def test_a_chase_needs_a_method_from_the_list_and_a_note(engine, clock):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    chase = s.task(SUPERVISOR, "chase")
    with pytest.raises(FormInvalid) as caught:
        engine.complete(chase.id, {"chase_method": "口头"}, actor=Actor.of("du.ban", [SUPERVISOR]))
    assert caught.value.errors == {
        "chase_method": ["请从以下选项中选择：电话督办、函件督办"],
        "chase_note": ["必填"],
    }
    assert s.open_tasks() == {SUPERVISOR: ["chase"]}
    assert s.rows(SupervisionRecord)[0].chase_method is None
