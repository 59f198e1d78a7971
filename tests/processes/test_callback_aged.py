"""A case that went round 回访不满意 → 二次督办 → 重新办理 → 再次回访 200 times
(``bpmn/callback.bpmn``): its saved state stays the size it had after a few rounds, its
steps do not slow down, and its diagram trail still shows every step it went through.

The round cap is a domain rule (``max_callback_rounds``, 3 by default, read by the
diagram); this test raises it for its one case through the case's start data.
"""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import select

from engine.models import Instance
from processes.models import CallbackRecord, SupervisionRecord
from tests.processes.conftest import Scenario, deploy

CENTER = "镇综治中心"
ROUNDS = 200


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine, "callback.bpmn", "supervise.bpmn")
    return case_engine


def _state_size(s: Scenario) -> int:
    with s.engine.session_factory() as session:
        query = select(Instance.state).where(Instance.id == s.instance_id)
        return len(session.execute(query).scalar_one().encode())


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _round(s: Scenario) -> float:
    """One dissatisfied round; returns how long the callback step took."""
    took = _timed(lambda: s.complete(CENTER, "call_back", {"evaluation": "不满意"}))
    s.complete(CENTER, "redo", {"redo_note": "再次办理"})
    return took


def test_two_hundred_dissatisfied_rounds_keep_the_state_flat(library, clock):
    s = Scenario(library, clock, "callback", data={"max_callback_rounds": ROUNDS + 5})
    sizes, times = {}, []
    for round_ in range(1, ROUNDS + 1):
        times.append(_round(s))
        sizes[round_] = _state_size(s)

    assert sizes[ROUNDS] <= sizes[5] + 2048, sizes
    early, late = statistics.median(times[2:22]), statistics.median(times[-20:])
    assert late <= 2 * early + 0.02, (early, late)

    s.complete(CENTER, "call_back", {"evaluation": "满意"})
    rounds = [r.round for r in s.rows(CallbackRecord)]
    assert rounds == list(range(1, ROUNDS + 2))
    assert len(s.rows(SupervisionRecord)) == ROUNDS
    assert s.case().status == "已结案"
    assert s.ready_ids(CENTER) == []


def test_the_trail_of_an_aged_case_still_shows_its_rounds(library, clock):
    s = Scenario(library, clock, "callback", data={"max_callback_rounds": 50})
    for _ in range(12):
        _round(s)
    [trail] = [t for t in library.instance_trail(s.instance_id) if t.process_id == "callback"]
    assert {"call_back", "gw_satisfied", "issue_redo", "redo", "redo_round"} <= set(trail.completed)
    assert trail.current == ("call_back",)
    assert {"f_dissatisfied", "f_issued", "f_call_again", "f_redo_center"} <= set(trail.flows)
