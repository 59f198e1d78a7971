"""Hostile diagrams: rejected at deploy where visible, failing their step cleanly otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeployRejected, StepFailed

from .db_snapshot import dump
from .diagrams import sequence, start_form_then_script, timer_catch, write

FIXTURES = Path(__file__).parent / "fixtures"
CENTER = Actor.of("li", ["镇综治中心"])


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("hostile_import.bpmn", "import"),
        ("hostile_open.bpmn", "open"),
        ("hostile_subclasses.bpmn", "_"),
        ("hostile_format.bpmn", "format"),
        ("hostile_getattr.bpmn", "getattr"),
    ],
)
def test_hostile_script_is_rejected_at_deploy(engine, fixture, words):
    with pytest.raises(DeployRejected) as caught:
        engine.deploy([FIXTURES / fixture], actor="designer")
    [problem] = caught.value.problems
    assert problem.file == fixture and problem.element == "run_script"
    assert words in problem.message
    assert engine.latest_version_id() is None


def test_hostile_condition_and_timer_expressions_are_rejected(engine, tmp_path):
    expression = "__import__('os').getcwd()"
    path = write(tmp_path, "t.bpmn", sequence("t", ("wait", timer_catch("wait", expression))))
    with pytest.raises(DeployRejected) as caught:
        engine.deploy([path], actor="designer")
    [problem] = caught.value.problems
    assert problem.element == "wait" and "定时器表达式" in problem.message


@pytest.mark.parametrize(
    "script",
    [
        'b = get_data("__builtins__")',  # a reserved name smuggled in as a string
        "big = list(range(10000000))",  # RestrictedPython caps range
        'x = {"a": 1}.nope',  # unknown attributes fail instead of yielding None
    ],
)
def test_runtime_only_violations_fail_the_step_naming_the_element(
    engine, sa_engine, tmp_path, script
):
    task_id = start_form_then_script(engine, tmp_path, script, actor=CENTER)
    before = dump(sa_engine)
    with pytest.raises(StepFailed) as caught:
        engine.complete(task_id, {"note": "继续"}, actor=CENTER)
    assert caught.value.element == "evil"
    assert dump(sa_engine) == before


def test_helpers_and_builtins_are_restored_after_reload(engine, tmp_path):
    # The script engine is not serialized; each load re-attaches the sandbox and its helpers.
    task_id = start_form_then_script(engine, tmp_path, "total = sum([1, 2, 3])", actor=CENTER)
    engine.complete(task_id, {"note": "继续"}, actor=CENTER)
    view = engine.instance(engine.task(task_id).instance_id, with_data=True)
    assert view.status == "completed" and view.data["total"] == 6
