"""Migrating cases of the shipped library: inside a called sub-process, and the whistle's
multi-instance and cycle timer that SpiffWorkflow's migration cannot carry across."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import Actor, SourceFile
from engine.bundle import collect_set
from tests.conftest import BPMN_DIR, CST, FORMS_DIR
from tests.processes.conftest import Scenario, case_engine, deploy, regions  # noqa: F401
from tests.processes.test_whistle import acknowledge_all, dispatched

DESIGNER = Actor.of("chen", ["流程设计"])
CENTER, SUPERVISOR = "镇综治中心", "督办员"


def _renamed(engine, files: list[str], name: str, old: str, new: str) -> int:
    """Deploy ``files`` of the library with ``old`` replaced by ``new`` in ``name``."""
    found, _ = collect_set([BPMN_DIR / f for f in files], [FORMS_DIR])
    edited = [
        SourceFile(f.name, f.kind, f.content.replace(old.encode(), new.encode()))
        if f.name == name
        else f
        for f in found
    ]
    return engine.deploy_set(edited, actor="designer", note="").version_id


@pytest.fixture
def callback_engine(case_engine, regions):  # noqa: F811
    deploy(case_engine, "callback.bpmn", "supervise.bpmn")
    return case_engine


def test_a_case_inside_a_called_subprocess_moves_and_finishes(callback_engine, clock):
    s = Scenario(callback_engine, clock, "callback")
    s.complete(CENTER, "call_back", {"evaluation": "不满意", "callback_note": ""})
    s.advance_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=CST))  # the redo is overdue: 督办
    assert s.ready_ids(SUPERVISOR) == ["chase"] and s.ready_ids(CENTER) == ["redo"]
    redo_due = s.task(CENTER, "redo").due_at
    v2 = _renamed(
        callback_engine,
        ["callback.bpmn", "supervise.bpmn"],
        "supervise.bpmn",
        'name="督办催办"',
        'name="电话督办"',
    )
    assert callback_engine.migration_problems(s.instance_id, v2) == []
    callback_engine.migrate(s.instance_id, to_version_id=v2, actor=DESIGNER, reason="改名")
    assert s.task(SUPERVISOR, "chase").name == "电话督办"  # the called process moved too
    assert s.task(CENTER, "redo").due_at == redo_due  # overdue stays overdue
    s.complete(SUPERVISOR, "chase", {"chase_method": "电话督办", "chase_note": "催促"})
    s.complete(CENTER, "redo", {"redo_note": "再次办理"})
    s.complete(CENTER, "call_back", {"evaluation": "满意", "callback_note": ""})
    assert s.case().status == "已结案"


@pytest.fixture
def whistle_engine(case_engine, regions):  # noqa: F811
    deploy(case_engine, "whistle.bpmn", "supervise.bpmn")
    return case_engine


def test_whistle_moves_only_between_its_multi_instance_and_its_first_progress_report(
    whistle_engine, clock
):
    s = dispatched(whistle_engine, clock, "民政局", "公安派出所")
    v2 = _renamed(
        whistle_engine,
        ["whistle.bpmn", "supervise.bpmn"],
        "whistle.bpmn",
        'name="部门报到"',
        'name="部门签到"',
    )
    [running] = whistle_engine.migration_problems(s.instance_id, v2)
    assert running.startswith("多实例活动「部门报到（逐个部门）」(acknowledge_all)正在进行中")
    acknowledge_all(s)
    assert whistle_engine.migration_problems(s.instance_id, v2) == []
    s.advance(days=3, minutes=2)  # the first progress report falls due
    [fired] = whistle_engine.migration_problems(s.instance_id, v2)
    assert fired.startswith("定时器「进展报告到期」(progress_due)已触发过")
