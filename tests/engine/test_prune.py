"""``engine.prune``: finished loop rounds, branches and sub-processes leave the saved state,
and a pruned instance goes on exactly as an unpruned one would.

Each test runs a small diagram twice (``prune_support.Twins``), saving and restoring after
every step, and compares what a person would notice after each step: the ready tasks
with their data, the waiting timers, whether the process ended and its final data.
"""

from __future__ import annotations

import pytest

from engine.trail import index_files, workflow_trail

from .prune_support import Run, Twins, flows, parse, process

MARGIN = 600  # bytes: ids and timestamps vary in length a little


def _flat(sizes: list[int], early: int) -> bool:
    """No later state is bigger than the biggest of the first ``early`` steps (+ margin)."""
    return max(sizes[early:]) <= max(sizes[:early]) + MARGIN


def _grew(sizes: list[int], early: int) -> bool:
    return sizes[-1] > 3 * sizes[early]


LOOP = process(
    "loop",
    '<bpmn:startEvent id="start"/>'
    '<bpmn:scriptTask id="count"><bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>'
    '<bpmn:userTask id="work"/>'
    '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/>'
    '<bpmn:endEvent id="end"/>'
    + flows(("start", "count"), ("count", "work"), ("work", "gw"))
    + flows(("gw", "count", "again"), ("gw", "end")),
)


def test_loop_rounds_leave_the_state_and_the_loop_goes_on():
    twins = Twins(parse("loop", LOOP), {"rounds": 0})
    for _ in range(40):
        twins.complete("work", again=True)
    seen = twins.complete("work", again=False)
    assert seen["completed"] and '"rounds": 41' in seen["data"]
    assert _flat(twins.pruned.sizes, 5)
    assert _grew(twins.plain.sizes, 5)


PARALLEL = process(
    "parallel",
    '<bpmn:startEvent id="start"/>'
    '<bpmn:scriptTask id="count"><bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>'
    '<bpmn:parallelGateway id="fork"/><bpmn:userTask id="b1"/><bpmn:userTask id="b2"/>'
    '<bpmn:parallelGateway id="join"/>'
    '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/><bpmn:endEvent id="end"/>'
    + flows(("start", "count"), ("count", "fork"), ("fork", "b1"), ("fork", "b2"))
    + flows(("b1", "join"), ("b2", "join"), ("join", "gw"), ("gw", "count", "rounds &lt; 25"))
    + flows(("gw", "end")),
)


def test_a_parallel_join_inside_a_loop_waits_for_both_branches_every_round():
    twins = Twins(parse("parallel", PARALLEL), {"rounds": 0})
    for round_ in range(1, 26):
        ready = twins.check()["ready"]
        assert [spec for spec, _ in ready] == ["b1", "b2"]
        assert all(f'"rounds": {round_}' in data for _, data in ready)
        twins.complete("b1", seen_b1=round_)
        assert [r[0] for r in twins.check()["ready"]] == ["b2"]
        twins.complete("b2", seen_b2=round_)
    seen = twins.check()
    assert seen["completed"] and '"seen_b2": 25' in seen["data"]
    assert _flat(twins.pruned.sizes, 10)


def test_pruned_join_still_waits_when_branches_finish_in_another_order():
    # Unpruned, SpiffWorkflow 3.2 counts the previous round's spare join task as an
    # arrived branch; pruned, only this round's branches count (BPMN semantics).
    twins = Twins(parse("parallel", PARALLEL), {"rounds": 0})
    twins.complete("b1")
    twins.complete("b2")
    twins.pruned.complete("b2")
    assert twins.pruned.ready() == ["b1"]
    twins.pruned.complete("b1")
    assert twins.pruned.ready() == ["b1", "b2"]


def _three_branches(kind: str) -> str:
    return process(
        kind,
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="count"><bpmn:script>rounds = rounds + 1</bpmn:script>'
        f'</bpmn:scriptTask><bpmn:{kind}Gateway id="fork"/>'
        '<bpmn:userTask id="b1"/><bpmn:userTask id="b2"/><bpmn:userTask id="b3"/>'
        f'<bpmn:{kind}Gateway id="join"/>'
        '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/><bpmn:endEvent id="end"/>'
        + flows(("start", "count"), ("count", "fork"), ("b1", "join"), ("b2", "join"))
        + flows(("fork", "b1", "True"), ("fork", "b2", "True"), ("fork", "b3", "True"))
        + flows(("b3", "join"), ("join", "gw"), ("gw", "count", "rounds &lt; 9"), ("gw", "end")),
    )


def _three_rounds(run, orders) -> None:
    for round_, order in enumerate(orders):
        for done, spec_id in enumerate(order, start=1):
            run.complete(spec_id, **{spec_id: round_})
            last = done == 3 and round_ == len(orders) - 1
            assert run.ready() == (sorted(order[done:]) if done < 3 or last else order_all())


def order_all() -> list[str]:
    return ["b1", "b2", "b3"]


def test_a_join_of_three_branches_remembers_arrivals_across_steps():
    twins = Twins(parse("parallel", _three_branches("parallel")), {"rounds": 0})
    _three_rounds(twins, [["b3", "b1", "b2"]] * 9)
    assert twins.check()["completed"]
    assert _flat(twins.pruned.sizes, 8)


@pytest.mark.parametrize("kind", ["parallel", "inclusive"])
def test_a_pruned_join_waits_for_every_branch_whatever_the_order(kind):
    # Unpruned, SpiffWorkflow 3.2 counts earlier rounds' join tasks as arrived branches:
    # a parallel join fires early when the order changes, an inclusive one at the first
    # arrival of every later round. Pruned, only this round's arrivals count.
    run = Run(parse(kind, _three_branches(kind)), prune=True, data={"rounds": 0})
    _three_rounds(run, [["b1", "b2", "b3"], ["b3", "b1", "b2"], ["b2", "b3", "b1"]] * 3)
    assert run.workflow.is_completed()


BOUNDARY = process(
    "boundary",
    '<bpmn:startEvent id="start"/><bpmn:userTask id="work"/>'
    '<bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:timerEventDefinition>'
    '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
    "</bpmn:boundaryEvent>"
    '<bpmn:boundaryEvent id="remind" attachedToRef="work" cancelActivity="false">'
    '<bpmn:timerEventDefinition><bpmn:timeCycle>"R3/PT6H"</bpmn:timeCycle>'
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:scriptTask id="note"><bpmn:script>reminders = reminders + 1</bpmn:script>'
    '</bpmn:scriptTask><bpmn:endEvent id="reminded"/>'
    '<bpmn:userTask id="escalate"/>'
    '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/><bpmn:endEvent id="end"/>'
    + flows(("start", "work"), ("work", "gw"), ("late", "escalate"), ("escalate", "gw"))
    + flows(("remind", "note"), ("note", "reminded"), ("gw", "work", "again"), ("gw", "end")),
)


def test_boundary_timers_fire_and_interrupt_in_every_round_after_pruning():
    twins = Twins(parse("boundary", BOUNDARY), {"reminders": 0})
    for round_ in range(12):
        assert twins.check()["timers"] == ["late", "remind"]
        twins.advance(hours=7)  # a reminder
        if round_ % 3 == 0:
            seen = twins.advance(hours=18)  # past the day: interrupted, escalated
            assert [r[0] for r in seen["ready"]] == ["escalate"]
            twins.complete("escalate", again=True)
        else:
            twins.complete("work", again=True)
    seen = twins.complete("work", again=False)
    assert seen["completed"]
    assert '"reminders": ' in seen["data"]  # the reminder branches' data reached the end
    assert _flat(twins.pruned.sizes, 8)


SUBPROCESS = process(
    "embedded",
    '<bpmn:startEvent id="start"/>'
    '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/><bpmn:userTask id="s1"/>'
    '<bpmn:endEvent id="s_end"/>' + flows(("s_start", "s1"), ("s1", "s_end")) + "</bpmn:subProcess>"
    '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/><bpmn:endEvent id="end"/>'
    + flows(("start", "sub"), ("sub", "gw"), ("gw", "sub", "again"), ("gw", "end")),
)

PARENT = process(
    "parent",
    '<bpmn:startEvent id="start"/><bpmn:callActivity id="call" calledElement="child"/>'
    '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/><bpmn:endEvent id="end"/>'
    + flows(("start", "call"), ("call", "gw"), ("gw", "call", "again"), ("gw", "end")),
)
CHILD = process(
    "child",
    '<bpmn:startEvent id="c_start"/><bpmn:userTask id="c1"/><bpmn:endEvent id="c_end"/>'
    + flows(("c_start", "c1"), ("c1", "c_end")),
)


def _rounds_of_subprocesses(twins: Twins, spec_id: str) -> None:
    for round_ in range(30):
        twins.complete(spec_id, again=True, round=round_)
        assert len(twins.pruned.workflow.subprocesses) == 1  # the running one only
    seen = twins.complete(spec_id, again=False)
    assert seen["completed"] and '"round": 29' in seen["data"]
    assert len(twins.plain.workflow.subprocesses) == 31
    assert _flat(twins.pruned.sizes, 5)


def test_finished_embedded_subprocesses_leave_the_state():
    _rounds_of_subprocesses(Twins(parse("embedded", SUBPROCESS)), "s1")


def test_finished_called_processes_leave_the_state():
    _rounds_of_subprocesses(Twins(parse("parent", PARENT, CHILD)), "c1")


CYCLE = process(
    "cycle",
    '<bpmn:startEvent id="start"/><bpmn:userTask id="wait"/>'
    '<bpmn:boundaryEvent id="tick" attachedToRef="wait" cancelActivity="false">'
    '<bpmn:timerEventDefinition><bpmn:timeCycle>"R300/PT1H"</bpmn:timeCycle>'
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:userTask id="report"/><bpmn:endEvent id="reported"/><bpmn:endEvent id="end"/>'
    + flows(("start", "wait"), ("wait", "end"), ("tick", "report"), ("report", "reported")),
)


def _tick_and_report(run, n: int) -> None:
    run.advance(hours=1)
    assert run.ready() == ["report", "wait"]
    run.complete("report", reports=n, **{f"key_{n % 7}": n})


def test_a_cycle_timer_fires_as_unpruned_and_its_reports_reach_the_end():
    twins = Twins(parse("cycle", CYCLE))
    twins.advance(minutes=1)  # a cycle fires once its time has passed
    for n in range(1, 61):
        twins.advance(hours=1)
        twins.complete("report", reports=n, **{f"key_{n % 7}": n})
    seen = twins.complete("wait")
    # The report branches' data reaches the end through the (folded) end joins.
    assert seen["completed"] and all(f'"key_{k}": 5' in seen["data"] for k in range(7))
    assert twins.pruned.task_count() < 40 < twins.plain.task_count()


def test_a_cycle_timer_fires_200_times_in_a_flat_state():
    run = Run(parse("cycle", CYCLE), prune=True)
    run.advance(minutes=1)
    for n in range(1, 201):
        _tick_and_report(run, n)
    assert _flat(run.sizes, 10)
    assert run.task_count() < 40


def test_the_trail_still_shows_pruned_rounds_and_called_runs():
    files = [("parent.bpmn", "bpmn", PARENT.encode()), ("child.bpmn", "bpmn", CHILD.encode())]
    index = index_files("prune-test", files)
    trails = {}
    for prune in (True, False):
        run = Run(parse("parent", PARENT, CHILD), prune=prune)
        for _ in range(4):
            run.complete("c1", again=True)
        trails[prune] = {t.process_id: t for t in workflow_trail(run.workflow, index)}
    assert trails[True] == trails[False]
    child = trails[True]["child"]
    assert (child.runs, child.completed, child.current) == (5, ("c_start", "c1", "c_end"), ("c1",))
    assert trails[True]["parent"].flows == ("f_call_gw", "f_gw_call", "f_start_call")
