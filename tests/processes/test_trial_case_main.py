"""Trial runs: a draft set stepped through in a sandbox that writes nothing but its own row.

The shipped ``case_main`` is tried from start to end through the triage gateway's
当场办结 branch, the callback's satisfied branch and its 回访复核 timer (fast-forwarded);
service tasks are logged with their evaluated parameters and simulated results; the
instance, task, timer, history and case tables stay as they were.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import Actor, SourceFile
from engine.bundle import collect_set
from engine.db import db
from engine.trial import (
    EntryKind,
    StepKind,
    TrialStatus,
    complete_trial_task,
    fire_trial_timer,
    start_trial,
    trial_view,
)
from processes.trial_samples import trial_start_data
from tests.conftest import BPMN_DIR, FORMS_DIR

DESIGNER = Actor.of("designer.wang", ["流程设计员"])
UNTOUCHED = (
    "instance",
    "task",
    "timer",
    "history_event",
    "history_head",
    "dispute_case",
    "progress_report",
    "supervision_record",
    "callback_record",
    "outbox_message",
)


@pytest.fixture
def library() -> list[SourceFile]:
    files, problems = collect_set([BPMN_DIR], [FORMS_DIR])
    assert problems == []
    return files


def _counts(engine) -> dict[str, int]:
    with engine.session_factory() as session:
        return {
            name: session.execute(
                select(func.count()).select_from(db.metadata.tables[name])
            ).scalar_one()
            for name in UNTOUCHED
        }


def _start(engine, files, process_id="case_main", **data) -> int:
    return start_trial(
        engine,
        files,
        actor=DESIGNER,
        data={**trial_start_data(process_id), **data},
        source="测试",
        process_id=process_id,
    )


def _task(engine, trial_id, element):
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    found = [t for t in view.tasks if t.element == element]
    assert found, f"{element} is not ready; ready: {[t.element for t in view.tasks]}"
    return found[0]


def _entries(step, kind):
    return [e for e in step.entries if e.kind == kind]


def test_case_main_runs_to_its_end_and_writes_nothing_but_the_trial(case_engine, library):
    before = _counts(case_engine)
    trial_id = _start(case_engine, library)

    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    assert view.summary.status == TrialStatus.RUNNING
    started = view.steps[0]
    assert started.kind == StepKind.STARTED
    (register,) = _entries(started, EntryKind.SERVICE_SIMULATED)
    assert register.element == "register" and register.details["operator"] == "case.register"
    assert register.details["simulated"] and register.details["result"]["code"] == "试运行"
    assert [t.element for t in view.tasks] == ["assess"]
    assert view.tasks[0].schema["title"] == "分流研判"

    assess = _task(case_engine, trial_id, "assess")
    complete_trial_task(
        case_engine,
        trial_id,
        assess.id,
        {"matter_nature": "简单诉求", "cross_department": False, "risk_colour": "黄"},
        actor=DESIGNER,
    )
    step = trial_view(case_engine, trial_id, user=DESIGNER.user).steps[-1]
    assert step.kind == StepKind.TASK and step.subject == "分流研判"
    risk = next(e for e in step.entries if e.element == "confirm_risk")
    assert risk.details["params"] == {"colour": "黄", "reason": ""}
    route = next(e for e in step.entries if e.element == "set_route")
    assert route.details["params"]["route"] == "当场办结" and route.details["result"] == "当场办结"
    gateways = {e.element: e.details for e in _entries(step, EntryKind.GATEWAY_TAKEN)}
    assert gateways["gw_red"]["flows"] == ["黄色、绿色"]
    assert gateways["gw_route"]["flows"] == ["当场办结"]
    assert step.data["route"] == "当场办结"

    on_spot = _task(case_engine, trial_id, "on_spot")
    complete_trial_task(
        case_engine, trial_id, on_spot.id, {"on_spot_note": "当场说明政策"}, actor=DESIGNER
    )
    call = _task(case_engine, trial_id, "call_back")
    assert call.process == "回访"
    complete_trial_task(case_engine, trial_id, call.id, {"evaluation": "满意"}, actor=DESIGNER)

    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    recorded = next(e for e in view.steps[-1].entries if e.element == "record")
    assert recorded.details["params"]["evaluation"] == "满意"
    (timer,) = view.timers
    assert timer.element == "wait_recheck" and timer.due > view.clock_at + timedelta(days=29)

    fire_trial_timer(case_engine, trial_id, timer.id, actor=DESIGNER)
    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    assert view.clock_at > timer.due
    assert view.steps[-1].kind == StepKind.TIMER
    assert [e.element for e in _entries(view.steps[-1], EntryKind.TIMER_FIRED)] == ["wait_recheck"]
    recheck = _task(case_engine, trial_id, "recheck")
    complete_trial_task(
        case_engine,
        trial_id,
        recheck.id,
        {"rebound": False, "recheck_note": "协议已履行"},
        actor=DESIGNER,
    )

    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    assert view.summary.status == TrialStatus.COMPLETED
    assert _entries(view.steps[-1], EntryKind.PROCESS_COMPLETED)
    assert view.tasks == () and view.timers == ()
    assert _counts(case_engine) == before


def test_the_whistle_branch_runs_on_simulated_due_times(case_engine, library):
    trial_id = _start(case_engine, library)
    assess = _task(case_engine, trial_id, "assess")
    complete_trial_task(
        case_engine,
        trial_id,
        assess.id,
        {"matter_nature": "一般纠纷", "cross_department": True, "risk_colour": "黄"},
        actor=DESIGNER,
    )
    dispatch = _task(case_engine, trial_id, "dispatch")
    assert dispatch.process == "中心吹哨、部门报到" and dispatch.lane == "县综治中心"
    four = {
        "lead_leader": "王副镇长",
        "responsible_unit": "司法所",
        "responsible_person": "李四",
        "handle_days": 5,
        "departments": ["司法所", "民政局"],
    }
    complete_trial_task(case_engine, trial_id, dispatch.id, four, actor=DESIGNER)

    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    step = view.steps[-1]
    fixed = next(e for e in step.entries if e.element == "fix_four")
    assert fixed.details["params"]["due"] == "2026-03-09T23:59:59+08:00", "5 working days"
    assert view.data["whistle_due"] == fixed.details["result"] == fixed.details["params"]["due"]
    summoned = next(e for e in step.entries if e.element == "summon")
    assert summoned.details["params"]["departments"] == ["司法所", "民政局"]
    ack_due = datetime.fromisoformat(summoned.details["result"])
    acks = [t for t in view.tasks if t.element == "acknowledge"]
    assert {t.data["department"] for t in acks} == {"民政局", "司法所"}
    assert [(t.element, t.due) for t in view.timers] == [("ack_overdue", ack_due)] * 2
    assert {t.attached_to for t in view.timers} == {"部门报到"}
