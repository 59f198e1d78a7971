"""``print(...)`` in a script: a line of the run's log (a trial's log, or the application
log at INFO naming the element), never stdout; bounded in size."""

from __future__ import annotations

import logging

import pytest

from engine import Actor, SourceFile
from engine.script_print import MAX_CHARS, MAX_LINES, OMITTED
from engine.trial import start_trial, trial_view

from .diagrams import script_task, sequence

DEMO = Actor.of("demo", ["镇综治中心"])
DESIGNER = Actor.of("designer.wang", ["流程设计员"])


def _files(script: str) -> list[SourceFile]:
    text = sequence("p", ("calc", script_task("calc", script)))
    return [SourceFile("p.bpmn", "bpmn", text.encode())]


def _printed(engine, script: str) -> list[str]:
    trial_id = start_trial(engine, _files(script), actor=DESIGNER, data={}, source="草稿")
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert view.summary.status == "completed", [s.error for s in view.steps]
    return [
        line
        for step in view.steps
        for entry in step.entries
        if entry.element == "calc"
        for line in entry.details.get("printed", [])
    ]


def test_a_print_is_a_line_of_the_application_log_not_stdout(engine, caplog, capsys):
    engine.deploy_set(_files("total = 1 + 2\nprint('合计', total)"), actor="t", note="t")
    with caplog.at_level(logging.INFO, logger="engine"):
        instance_id = engine.start("p", actor=DEMO, data={})
    assert engine.instance(instance_id, with_data=True).data == {"total": 3}
    logged = [r for r in caplog.records if r.levelno == logging.INFO and "脚本输出" in r.message]
    assert [r.message for r in logged] == ["元素「calc」(calc) 的脚本输出：合计 3"]
    assert capsys.readouterr().out == ""


def test_a_trial_keeps_the_printed_lines_in_its_log(engine, capsys):
    script = (
        "for i in range(2):\n    print('第', i, sep='', end='')\n    print('次')\n"
        "print('尾', end='')"
    )
    assert _printed(engine, script) == ["第0次", "第1次", "尾"]
    assert capsys.readouterr().out == ""


def test_output_is_bounded(engine):
    lines = _printed(engine, f"for i in range(200):\n    print('x' * {MAX_CHARS * 2})")
    assert len(lines) == MAX_LINES + 1 and lines[-1] == OMITTED
    assert lines[0] == "x" * MAX_CHARS + "…"


def test_print_to_a_file_is_refused_in_chinese(engine):
    trial_id = start_trial(
        engine, _files("print('x', file=data)"), actor=DESIGNER, data={"data": 1}, source="草稿"
    )
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    assert view.summary.status == "failed"
    assert "print 只能写到运行日志，不能指定 file" in (view.steps[-1].error or "")


@pytest.mark.parametrize("source", ["print('hi')", "x = printed"])
def test_print_passes_the_deploy_check(source):
    from engine.sandbox import check_source

    assert check_source(source, "exec") is None
