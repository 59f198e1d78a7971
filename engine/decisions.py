"""Deployed DMN decisions evaluated outside any process instance: ``Engine.decide``.

A decision is looked up in the newest deployed version that has it (as ``start`` takes the
newest version of a process), parsed once per stored file (versions are immutable, so the
cache never goes stale) and evaluated by SpiffWorkflow's own DMN engine, exactly as a
business-rule task would, on the engine's sandboxed script engine: every input
expression, input entry and output entry runs under the script policy.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from sqlalchemy import select

from .errors import EngineError, NotFound
from .models import VersionFile
from .sandbox import strip_hints
from .specs import new_parser
from .xmlsafe import parse_xml

if TYPE_CHECKING:
    from SpiffWorkflow.dmn.specs.model import DecisionTable

    from .ports import Decider as Engine


class DecisionFailed(EngineError):
    """A deployed decision could not be evaluated on the data given (a cell failed, the
    sandbox refused an expression). ``decision_id`` names it; nothing was changed."""

    def __init__(self, decision_id: str, message: str):
        self.decision_id = decision_id
        self.message = message
        super().__init__(f"决策表 {decision_id} 求值出错：{message}")


@dataclass(frozen=True)
class _Decision:
    table: DecisionTable
    name: str
    file: str


class DecisionCache:
    """Each stored DMN file's decisions, by ``version_file.id``, parsed on first use."""

    def __init__(self) -> None:
        self._files: dict[int, dict[str, _Decision]] = {}
        self._lock = threading.Lock()

    def get(self, file_id: int) -> dict[str, _Decision] | None:
        with self._lock:
            return self._files.get(file_id)

    def put(self, file_id: int, decisions: dict[str, _Decision]) -> None:
        with self._lock:
            self._files[file_id] = decisions


def _parse(name: str, content: bytes) -> dict[str, _Decision]:
    """The decisions of one DMN file (SpiffWorkflow reads the first table of each)."""
    parser = new_parser(validate=False)
    parser.add_dmn_xml(parse_xml(content, name), name)
    found: dict[str, _Decision] = {}
    for decision_id, dmn_parser in parser.dmn_parsers.items():
        dmn_parser.parse()
        decision = dmn_parser.decision
        if decision.decisionTables:
            found[decision_id] = _Decision(decision.decisionTables[0], decision.name or "", name)
    return found


def _find(engine: Engine, decision_id: str) -> _Decision:
    with engine.session_factory() as session:
        files = session.execute(
            select(VersionFile.id, VersionFile.name)
            .where(VersionFile.kind == "dmn")
            .order_by(VersionFile.version_id.desc(), VersionFile.id)
        ).all()
        for file_id, name in files:
            decisions = engine.decisions.get(file_id)
            if decisions is None:
                content = session.get(VersionFile, file_id).content
                decisions = _parse(name, content)
                engine.decisions.put(file_id, decisions)
            if decision_id in decisions:
                return decisions[decision_id]
    raise NotFound(f"决策表 {decision_id} 尚未部署")


# -- what SpiffWorkflow's DMN engine reads of a task ---------------------------------------


class _Spec:
    def __init__(self, decision_id: str, name: str):
        self.bpmn_id, self.bpmn_name, self.name = decision_id, name or decision_id, decision_id


class _Workflow:
    def __init__(self, script_engine: Any, file: str):
        self.script_engine = script_engine
        self.spec = SimpleNamespace(file=file)
        self.top_workflow, self.parent_workflow = self, None


class _DecisionTask:
    """The part of a task the DMN engine touches: its data, spec name and script engine."""

    def __init__(self, decision_id: str, decision: _Decision, data: dict, script_engine: Any):
        self.data = data
        self.task_spec = _Spec(decision_id, decision.name)
        self.workflow = _Workflow(script_engine, decision.file)


def decide(engine: Engine, decision_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs of the first matching rule (lists per output for a COLLECT table), or
    ``{}`` when no rule matches. Raises ``NotFound`` naming a decision no version has, and
    ``DecisionFailed`` when a cell fails or the sandbox refuses it."""
    decision = _find(engine, decision_id)
    task = _DecisionTask(decision_id, decision, dict(data), engine.script_engine())
    try:
        return dict(DMNEngine(decision.table).result(task))
    except Exception as error:  # untrusted cells: every failure names the decision
        raise DecisionFailed(decision_id, _describe(error)) from error


def _describe(error: BaseException) -> str:
    text = strip_hints(str(error))
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
