"""Hostile diagrams: rejected at deploy where visible, failing their step cleanly otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeployRejected, StepFailed

from .db_snapshot import dump
from .diagrams import script_task, sequence, user_task, write, write_form

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
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="等待"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>__import__('os').getcwd()</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    path = write(tmp_path, "t.bpmn", sequence("t", ("wait", timer)))
    with pytest.raises(DeployRejected) as caught:
        engine.deploy([path], actor="designer")
    [problem] = caught.value.problems
    assert problem.element == "wait" and "定时器表达式" in problem.message


def _deploy_runtime_case(engine, tmp_path, script: str) -> str:
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    path = write(
        tmp_path,
        "r.bpmn",
        sequence(
            "r",
            ("a", user_task("a", "登记", form="t/a.json")),
            ("evil", script_task("evil", script)),
        ),
    )
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    engine.start("r", actor=CENTER)
    [task] = engine.ready_tasks(CENTER)
    return task.id


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
    task_id = _deploy_runtime_case(engine, tmp_path, script)
    before = dump(sa_engine)
    with pytest.raises(StepFailed) as caught:
        engine.complete(task_id, {"note": "继续"}, actor=CENTER)
    assert caught.value.element == "evil"
    assert dump(sa_engine) == before


def test_helpers_and_builtins_are_restored_after_reload(engine, tmp_path):
    # The script engine is not serialized; each load re-attaches the sandbox and its helpers.
    task_id = _deploy_runtime_case(engine, tmp_path, "total = sum([1, 2, 3])")
    engine.complete(task_id, {"note": "继续"}, actor=CENTER)
    view = engine.instance(engine.task(task_id).instance_id, with_data=True)
    assert view.status == "completed" and view.data["total"] == 6
