"""The issue-19 figure of ``bench/corpus_trials.py``: executable example files counted per
path (same names in many tool folders), a file deployed alone or within its folder set, run
when every process of its own reached the end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


trials = _load("corpus_trials")

XML = """<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">{}</definitions>"""


def _file(folder: Path, name: str, *processes: tuple[str, str | None]) -> Path:
    body = "".join(
        f'<process id="{pid}"{"" if flag is None else f" isExecutable={flag!r}"}/>'
        for pid, flag in processes
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(XML.format(body), encoding="utf-8")
    return path


def _outcome(paths, version_id=None, message="服务任务没有指定服务操作"):
    return SimpleNamespace(
        paths=tuple(paths),
        version_id=version_id,
        problems=[] if version_id else [_Problem(message)],
        traceback="",
        reason="版本" if version_id else message,
    )


class _Problem:
    severity = "error"

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return f"x.bpmn：{self.message}"


def _run(process_id: str, finished: bool = True) -> object:
    return trials.Run(
        "x", finished, "" if finished else "自动运行了 200 步仍未结束", "T1", process_id
    )


def test_same_name_in_two_folders_counts_twice_and_unmarked_processes_do_not(tmp_path, capsys):
    a = _file(tmp_path / "ToolA", "C.1.0.bpmn", ("P", "true"))
    b = _file(tmp_path / "ToolB", "C.1.0.bpmn", ("P", "true"))
    unmarked = _file(tmp_path / "ToolC", "C.1.0.bpmn", ("P", None))
    marked_false = _file(tmp_path / "ToolD", "D.bpmn", ("P", "false"))
    outcomes = [_outcome([a], 1), _outcome([b]), _outcome([unmarked], 3), _outcome([marked_false])]
    runs = {1: [_run("P")], 3: [_run("P")]}
    labels = {p: f"corpus/{p.parent.name}/{p.name}" for p in (a, b, unmarked, marked_false)}

    judged = trials.examples(outcomes, runs, labels, listing=True)

    assert [(e.path, e.ran) for e in judged] == [(a, True), (b, False)]
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "EXAMPLES files=2 ran=1 share=50%"
    assert any(
        "corpus/ToolB/C.1.0.bpmn" in line and "服务任务没有指定服务操作" in line for line in out
    )
    assert not any("ToolA" in line for line in out)


def test_a_file_rejected_alone_counts_when_its_folder_set_deploys_and_runs(tmp_path):
    caller = _file(tmp_path / "data", "caller.bpmn", ("Main", "true"))
    called = _file(tmp_path / "data", "called.bpmn", ("Sub", "true"))
    outcomes = [
        _outcome([caller], message="调用的流程 不在本次部署的文件中"),
        _outcome([called], 2),
        _outcome([called, caller], 5),
    ]
    runs = {2: [_run("Sub")], 5: [_run("Main"), _run("Sub")]}

    assert trials.judge(caller, outcomes, runs).ran
    assert trials.judge(called, outcomes, runs).ran


def test_a_file_runs_only_when_all_its_processes_reach_the_end(tmp_path):
    both = _file(tmp_path / "data", "two.bpmn", ("A", "true"), ("B", "true"))
    outcomes = [_outcome([both], 7)]
    runs = {7: [_run("A"), _run("B", finished=False)]}

    example = trials.judge(both, outcomes, runs)

    assert not example.ran
    assert "200 步" in example.reason and "T1" in example.reason


def test_files_lacking_what_execution_needs_are_counted_apart_and_listed_by_what(tmp_path, capsys):
    ran = _file(tmp_path / "T", "ran.bpmn", ("A", "true"))
    no_time = _file(tmp_path / "T", "timer.bpmn", ("B", "true"))
    no_dmn = _file(tmp_path / "T", "rule.bpmn", ("C", "true"))
    ours = _file(tmp_path / "T", "ours.bpmn", ("D", "true"))
    outcomes = [
        _outcome([ran], 1),
        _outcome([no_time], message="定时器没有时间"),
        _outcome([no_dmn], message="业务规则任务引用的决策表 不在本次部署的文件中"),
        _outcome([ours], message="脚本"),
    ]
    labels = {p: f"corpus/{p.name}" for p in (ran, no_time, no_dmn, ours)}

    trials.examples(outcomes, {1: [_run("A")]}, labels, listing=True)

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[-2:] == [
        "EXAMPLES complete=2 ran=1 share=50%",
        "EXAMPLES files=4 ran=1 share=25%",
    ]
    ours_part, lacking_part = out.split("whose file lacks")
    assert "corpus/ours.bpmn" in ours_part and "corpus/timer.bpmn" not in ours_part
    assert "   1  定时器没有时间" in lacking_part and "决策表（DMN）不在语料里" in lacking_part


def test_a_caller_rejected_alone_is_judged_by_what_stopped_its_call_set(tmp_path):
    caller = _file(tmp_path / "data", "caller.bpmn", ("Main", "true"))
    called = _file(tmp_path / "data", "called.bpmn", ("Sub", "true"))
    outcomes = [
        _outcome([caller], message=trials.CALLEE_MISSING),
        _outcome([called], message="条件表达式"),
        _outcome([called, caller], message="条件表达式"),
    ]

    example = trials.judge(caller, outcomes, {})

    assert not example.ran and example.reason.startswith("部署被拒绝：条件表达式")
    assert trials.incomplete(example) is None
