"""A designer's trial run of the 访调 hand-off: every service task of handoff, mediation,
the 信访 extension and the 司法确认 reminder is answered by its simulation (nothing written),
so the new clocks can be stepped through before a deploy."""

from __future__ import annotations

import pytest

from engine import Actor
from engine.bundle import collect_set
from engine.trial import (
    EntryKind,
    TrialStatus,
    complete_trial_task,
    start_trial,
    trial_view,
)
from processes.trial_samples import trial_start_data
from tests.conftest import BPMN_DIR, FORMS_DIR
from tests.processes.handoff_support import ACCEPTED, AGREED, CONSENTED, SIGNED, extension

DESIGNER = Actor.of("designer.wang", ["流程设计员"])


@pytest.fixture
def library():
    files, problems = collect_set([BPMN_DIR], [FORMS_DIR])
    assert problems == []
    return files


def _complete(engine, trial_id, element, answers):
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    (task,) = [t for t in view.tasks if t.element == element]
    complete_trial_task(engine, trial_id, task.id, answers, actor=DESIGNER)
    return trial_view(engine, trial_id, user=DESIGNER.user)


def _simulated(view, element):
    entries = [e for step in view.steps for e in step.entries if e.element == element]
    return [e for e in entries if e.kind == EntryKind.SERVICE_SIMULATED]


def test_a_petition_hand_off_steps_through_on_simulated_clocks(case_engine, library):
    data = {**trial_start_data("handoff"), "channel": "访调", "handoff": "访调"}
    trial_id = start_trial(
        case_engine, library, actor=DESIGNER, data=data, source="测试", process_id="handoff"
    )
    view = _complete(case_engine, trial_id, "receive_petition", SIGNED)
    assert {t.element for t in view.tasks} == {
        "assign_mediator",
        "notify_petitioner",
        "request_extension",
    }
    view = _complete(
        case_engine,
        trial_id,
        "request_extension",
        {"conclude_extension_reason": "试运行", "conclude_extension_days": 10},
    )
    view = _complete(
        case_engine,
        trial_id,
        "approve_extension",
        {
            "conclude_decision": "批准",
            "conclude_approved_days": 10,
            "conclude_approval_note": "同意",
        },
    )
    (extend,) = _simulated(view, "extend_conclude")
    assert extend.details["result"]["granted"] is True
    assert "tell_extension" in {t.element for t in view.tasks}

    picked = {"assign_decision": "指派", "mediator_entry": "1"}
    _complete(case_engine, trial_id, "assign_mediator", picked)
    _complete(case_engine, trial_id, "accept", ACCEPTED)
    view = _complete(case_engine, trial_id, "contact_party", CONSENTED)
    (rule,) = _simulated(view, "classify")
    assert rule.details["result"]["code"] == data["dispute_type"]
    view = _complete(case_engine, trial_id, "mediate", extension(5))
    (extended,) = _simulated(view, "extend_clock")
    assert extended.details["result"]["granted"] is True
    view = _complete(case_engine, trial_id, "mediate", AGREED)
    # agreed: the hand-off ends with the agreement's time for case_main's reminder
    assert view.summary.status == TrialStatus.COMPLETED
    assert view.data["handoff_result"] == "化解" and view.data["agreement_at"]
