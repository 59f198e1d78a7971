"""A fixed sample of public diagrams (``fixtures/corpus``) classified with the rules of
``bench/diagram_corpus.py``: each becomes a version or a rejection naming its file in
Chinese; no traceback, no hang, no unnamed file, no English-only message (issue 19)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from processes.engine_factory import build_engine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).parent / "fixtures" / "corpus"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "diagram_corpus", ROOT / "bench" / "diagram_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("diagram_corpus", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _bench()

EXPECTED = {
    "A.1.0.bpmn": "流程 WFP-6- 标记为不可执行",
    "A.2.0.bpmn": "标记为不可执行",
    "C.1.0-genmymodel-export.bpmn": "不是合法的 XML（第 97 行）：文件的实际编码与声明的不符",
    "C.2.0-bic-export.bpmn": "这个事件没有事件定义",
    "C.9.1.bpmn": "不在任何泳道中",
    "modeld.3.bpmn": "文件中没有流程",
    "invalid_cancel.bpmn": "取消边界事件只能附着在事务子流程上",
    "service_task.bpmn": None,  # no operator: passes through, with a warning
    "standard_loop_invalid.bpmn": "循环任务既没有最大次数",
    "Unsupported-Task.bpmn20.xml": "不是已知的角色",  # its business-rule task passes through
    "Messages.bpmn20.xml": None,
    "ScriptTest.bpmn": None,
    "Timer-Intermediate.bpmn20.xml": None,
    "no-tasks.bpmn": None,
    "timer.bpmn": None,
}
"""File → text of its first error, or None for a version."""


def _verdict(outcome, expected: str | None) -> str | None:
    """What is wrong with one file's outcome, or None."""
    if outcome.traceback or outcome.hang:
        return f"traceback or hang: {outcome.traceback}"
    if outcome.unnamed() or outcome.english_only():
        return f"unnamed or English-only: {outcome.unnamed() + outcome.english_only()}"
    if expected is None:
        return None if outcome.version_id is not None else f"rejected: {outcome.problems}"
    first = next(p for p in outcome.problems if p.severity == "error")
    return None if first.file == outcome.names[0] and expected in first.message else str(first)


def test_the_sample_is_what_the_licence_files_cover():
    assert (SAMPLE / "miwg" / "LICENSE.txt").is_file()
    assert (SAMPLE / "spiffworkflow" / "COPYING").is_file()
    assert {p.name for p in corpus.diagram_files(SAMPLE)} == set(EXPECTED)


def test_each_file_is_a_version_or_a_named_chinese_rejection(sa_engine):
    engine = build_engine(sessionmaker(bind=sa_engine, expire_on_commit=False))
    wrong = {}
    for path in corpus.diagram_files(SAMPLE):
        outcome = corpus.attempt(engine, [corpus._source(path)], 10)
        if (verdict := _verdict(outcome, EXPECTED[path.name])) is not None:
            wrong[path.name] = verdict
    assert wrong == {}
