"""An instance's trail through its diagrams: what ran, what waits, which flows were taken.

For the case page's diagram: per process that ran in the instance (the top process and
every called process; an embedded subprocess counts as part of the process drawing it),
the deployed BPMN XML of the instance's version and the element ids to mark. A trial run
(``engine.trial``) draws its workflow the same way from its own, undeployed files
(``index_files`` + ``workflow_trail``).

A sequence flow counts as taken when its source element completed and its target was
reached: in SpiffWorkflow's task tree the target's nearest element ancestor is the source.
Task specs of SpiffWorkflow 3.2 do not keep the ids of their flows, so the ids come from
the XML (source, target) pairs. Reading the trail deserializes the instance (allowed for
showing its diagram); nothing of SpiffWorkflow leaves this module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from SpiffWorkflow import TaskState
from SpiffWorkflow.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NotFound
from .instances import reading
from .models import Instance, ProcessVersion, VersionFile
from .trail_marks import CURRENT, PrunedMarks, element_ancestor, named_step, pruned_marks, reached
from .xmlsafe import parse_xml

if TYPE_CHECKING:
    from .ports import Stepper as Engine

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_EMBEDDED = ("subProcess", "transaction", "adHocSubProcess")


@dataclass(frozen=True)
class ProcessTrail:
    """One process's diagram and the marks of what the instance did in it."""

    process_id: str
    name: str
    file_name: str
    xml: str
    """The BPMN file as deployed in the instance's version."""
    runs: int
    """How many times the process ran in the instance (a called process may run often)."""
    completed: tuple[str, ...]
    """Element ids completed at least once, in the order they first completed."""
    current: tuple[str, ...]
    """Elements ready for someone or in progress (a call activity running) now."""
    waiting: tuple[str, ...]
    """Elements waiting now: timers (also those on a task's boundary), messages, joins."""
    flows: tuple[str, ...]
    """Sequence flow ids taken at least once."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Element id → name of the marked activities and events that have one (gateways,
    whose names are questions, are left out): the steps a text list shows."""


@dataclass(frozen=True)
class _ProcessXml:
    process_id: str
    name: str
    file_name: str
    xml: str
    flows: dict[tuple[str, str], tuple[str, ...]]
    """(source id, target id) → ids of the sequence flows between them."""
    flow_names: dict[str, str] = field(default_factory=dict)
    """Sequence flow id → its name, for the flows that have one."""


@dataclass(frozen=True)
class DiagramIndex:
    """The BPMN files of a diagram set, indexed for marking a workflow's trail."""

    processes: dict[str, _ProcessXml]
    owner: dict[str, str]
    """Process or embedded-subprocess id → the id of the process whose diagram draws it."""

    def flow_names(self, workflow_spec: str, source: str, target: str) -> list[str]:
        """Names of the sequence flows from ``source`` to ``target`` in the diagram drawing
        the workflow (or embedded subprocess) ``workflow_spec``; unnamed flows left out."""
        process = self.processes.get(self.owner.get(workflow_spec, ""))
        if process is None:
            return []
        ids = process.flows.get((source, target), ())
        return [process.flow_names[i] for i in ids if i in process.flow_names]


class _Marks:
    """What the instance's workflows did in one process, gathered across its runs."""

    def __init__(self) -> None:
        self.runs = 0
        self.started_at: float | None = None
        self.completed: dict[str, float] = {}
        self.current: set[str] = set()
        self.waiting: set[str] = set()
        self.flows: set[str] = set()
        self.names: dict[str, str] = {}


def _tag(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def _index_file(name: str, content: bytes) -> Iterator[tuple[_ProcessXml, list[str]]]:
    root = parse_xml(content, name)
    text = content.decode("utf-8")
    for process in root.iter(_tag("process")):
        flows: dict[tuple[str, str], tuple[str, ...]] = {}
        names: dict[str, str] = {}
        for flow in process.iter(_tag("sequenceFlow")):
            key = (flow.get("sourceRef", ""), flow.get("targetRef", ""))
            flows[key] = (*flows.get(key, ()), flow.get("id", ""))
            if flow.get("name"):
                names[flow.get("id", "")] = flow.get("name", "")
        embedded = [node.get("id", "") for local in _EMBEDDED for node in process.iter(_tag(local))]
        pid = process.get("id", "")
        yield _ProcessXml(pid, process.get("name") or pid, name, text, flows, names), embedded


class _XmlCache:
    """Indexed XML per version content hash (versions are immutable)."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[str, DiagramIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> DiagramIndex:
        content_hash = session.execute(
            select(ProcessVersion.content_hash).where(ProcessVersion.id == version_id)
        ).scalar_one()
        return self.get_or_build(content_hash, lambda: _read_version(session, version_id))

    def get_or_build(self, content_hash: str, build: Callable[[], DiagramIndex]) -> DiagramIndex:
        with self._lock:
            if content_hash in self._items:
                self._items.move_to_end(content_hash)
                return self._items[content_hash]
        found = build()
        with self._lock:
            self._items[content_hash] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


def _read_version(session: Session, version_id: int) -> DiagramIndex:
    files = session.execute(
        select(VersionFile.name, VersionFile.content).where(
            VersionFile.version_id == version_id, VersionFile.kind == "bpmn"
        )
    )
    return _index_bpmn(files)


def _index_bpmn(files: Iterable[tuple[str, bytes]]) -> DiagramIndex:
    processes: dict[str, _ProcessXml] = {}
    owner: dict[str, str] = {}
    for name, content in files:
        for process, embedded in _index_file(name, content):
            processes[process.process_id] = process
            owner[process.process_id] = process.process_id
            owner.update(dict.fromkeys(embedded, process.process_id))
    return DiagramIndex(processes, owner)


def index_files(content_hash: str, files: Iterable[tuple[str, str, bytes]]) -> DiagramIndex:
    """The index of a set's ``(name, kind, content)`` files (only BPMN files count), kept
    per ``content_hash`` like a deployed version's (``files`` is read only on a miss)."""
    return _xml_cache.get_or_build(
        content_hash,
        lambda: _index_bpmn((name, content) for name, kind, content in files if kind == "bpmn"),
    )


_xml_cache = _XmlCache()


def _mark_task(
    task: Task,
    marks: _Marks,
    flows: Mapping[tuple[str, str], tuple[str, ...]],
    drawn: Container[str],
):
    spec = task.task_spec
    element = spec.bpmn_id
    if task.state == TaskState.COMPLETED:
        marks.completed.setdefault(element, task.last_state_change)
        marks.completed[element] = min(marks.completed[element], task.last_state_change)
    elif task.state & CURRENT:
        marks.current.add(element)
    elif task.state == TaskState.WAITING:
        marks.waiting.add(element)
    if task.state & (TaskState.COMPLETED | CURRENT | TaskState.WAITING) and named_step(spec):
        marks.names[element] = spec.bpmn_name
    if not reached(task):
        return
    source = element_ancestor(task)
    while source is not None and source.task_spec.bpmn_id not in drawn:
        source = element_ancestor(source)  # a gateway the deploy inserted (engine.normalise)
    if source is not None and source.state == TaskState.COMPLETED:
        marks.flows.update(flows.get((source.task_spec.bpmn_id, element), ()))


def _mark_workflow(workflow, marks: _Marks, process: _ProcessXml) -> None:
    drawn = {source for source, _ in process.flows}
    for task in workflow.tasks.values():
        if getattr(task.task_spec, "bpmn_id", None) is not None:
            _mark_task(task, marks, process.flows, drawn)


def _started_at(workflow) -> float:
    return min((t.last_state_change for t in workflow.tasks.values()), default=0.0)


def _workflows(workflow) -> Iterable:
    yield workflow
    yield from workflow.subprocesses.values()


def _gather(workflow, index: DiagramIndex) -> dict[str, _Marks]:
    gathered: dict[str, _Marks] = {}
    for wf in _workflows(workflow):
        process_id = index.owner.get(wf.spec.name)
        if process_id is None:
            continue
        marks = gathered.setdefault(process_id, _Marks())
        if wf.spec.name == process_id:
            marks.runs += 1
            start = _started_at(wf)
            marks.started_at = start if marks.started_at is None else min(marks.started_at, start)
        _mark_workflow(wf, marks, index.processes[process_id])
    for spec_name, pruned in pruned_marks(workflow).items():
        process_id = index.owner.get(spec_name)
        if process_id is not None:
            marks = gathered.setdefault(process_id, _Marks())
            _add_pruned(marks, pruned, index.processes[process_id], spec_name == process_id)
    return gathered


def _add_pruned(marks: _Marks, pruned: PrunedMarks, process: _ProcessXml, called: bool) -> None:
    """What tasks pruned from the state had marked (``engine.prune``)."""
    if called and pruned.runs:
        marks.runs += pruned.runs
        start = pruned.started_at
        marks.started_at = start if marks.started_at is None else min(marks.started_at, start)
    for element, at in pruned.completed.items():
        marks.completed[element] = min(marks.completed.get(element, at), at)
    for edge in pruned.edges:
        marks.flows.update(process.flows.get(edge, ()))
    marks.names.update(pruned.names)


def _trail(process: _ProcessXml, marks: _Marks) -> ProcessTrail:
    completed = tuple(sorted(marks.completed, key=marks.completed.__getitem__))
    return ProcessTrail(
        process_id=process.process_id,
        name=process.name,
        file_name=process.file_name,
        xml=process.xml,
        runs=marks.runs,
        completed=completed,
        current=tuple(sorted(marks.current)),
        waiting=tuple(sorted(marks.waiting)),
        flows=tuple(sorted(marks.flows)),
        names=dict(marks.names),
    )


def instance_trail(engine: Engine, instance_id: int) -> list[ProcessTrail]:
    """The processes that ran in the instance, the top process first, then as they started."""
    with engine.session_factory() as session:
        row = session.get(Instance, instance_id)
        if row is None:
            raise NotFound(f"流程实例 {instance_id} 不存在")
        index = _xml_cache.get(session, row.version_id)
        with reading(engine, session, row) as workflow:
            return workflow_trail(workflow, index)


def workflow_trail(workflow, index: DiagramIndex) -> list[ProcessTrail]:
    """The processes that ran in ``workflow`` (drawn by ``index``'s files), the top process
    first, then as they started."""
    gathered = _gather(workflow, index)
    top = workflow.spec.name
    order = sorted(
        gathered,
        key=lambda pid: (pid != top, gathered[pid].started_at or 0.0, pid),
    )
    return [_trail(index.processes[pid], gathered[pid]) for pid in order]
