"""What a replay needs to know of a version's diagrams, read from its deployed BPMN files:
per process its elements (name, lane), its sequence flows, and how an element is entered
(its predecessors; for a boundary event its host; for a start event the call activities or
the embedded subprocess around it). Cached per content hash: versions are immutable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ProcessVersion, VersionFile
from .xmlsafe import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_NOT_ELEMENTS = {
    "sequenceFlow",
    "laneSet",
    "lane",
    "flowNodeRef",
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "conditionExpression",
}


@dataclass(frozen=True)
class ElementInfo:
    name: str | None
    lane: str | None
    tag: str
    parent: str | None
    """The embedded subprocess drawing it, if any."""
    preds: tuple[str, ...]
    """Sources of its incoming flows; for a boundary event, its host."""


@dataclass
class ProcessIndex:
    process_id: str
    name: str
    xml: str
    elements: dict[str, ElementInfo] = field(default_factory=dict)
    flows: tuple[tuple[str, str, str], ...] = ()
    calls: dict[str, str] = field(default_factory=dict)
    """Call activity id → the process it calls."""


class VersionIndex:
    def __init__(self, version_id: int, processes: dict[str, ProcessIndex]) -> None:
        self.version_id = version_id
        self.processes = processes
        self._callers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pid, process in processes.items():
            for activity, called in process.calls.items():
                self._callers[called].append((pid, activity))
        self._reachable: dict[str, tuple[str, ...]] = {}

    def elements(self, pid: str) -> dict[str, ElementInfo]:
        return self.processes[pid].elements

    def reachable(self, top: str) -> tuple[str, ...]:
        """``top`` and every process it calls, directly or not."""
        if top not in self._reachable:
            found, stack = [], [top]
            while stack:
                pid = stack.pop()
                if pid in found or pid not in self.processes:
                    continue
                found.append(pid)
                stack.extend(self.processes[pid].calls.values())
            self._reachable[top] = tuple(found)
        return self._reachable[top]

    def entries(self, pid: str, element: str, depth: int = 0) -> list[tuple[str, str]]:
        """(process, element) pairs whose being reached means ``element`` may come next."""
        info = self.processes[pid].elements.get(element)
        if info is None or depth > 8:  # nesting far deeper than any diagram
            return []
        found = [(pid, pred) for pred in info.preds]
        if info.tag == "boundaryEvent":
            for host in info.preds:
                found += self.entries(pid, host, depth + 1)
        if info.tag == "startEvent" and info.parent is not None:
            found += [(pid, info.parent), *self.entries(pid, info.parent, depth + 1)]
        elif info.tag == "startEvent":
            for caller, activity in self._callers.get(pid, ()):
                found += [(caller, activity), *self.entries(caller, activity, depth + 1)]
        return found


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _lanes(process: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            found[(ref.text or "").strip()] = lane.get("name") or ""
    return found


def _index_process(process: etree._Element, xml: str) -> ProcessIndex:
    pid = process.get("id", "")
    index = ProcessIndex(pid, process.get("name") or pid, xml)
    lanes, preds, flows = _lanes(process), defaultdict(list), []
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        flows.append((flow.get("id", ""), source, target))
        preds[target].append(source)
    index.flows = tuple(flows)
    _walk(process, None, None, index, lanes, preds)
    return index


def _walk(node, parent, parent_lane, index: ProcessIndex, lanes, preds) -> None:
    for child in node:
        tag = _local(child)
        element = child.get("id")
        if not element or tag in _NOT_ELEMENTS or tag.endswith("EventDefinition"):
            continue
        lane = lanes.get(element, parent_lane)
        host = child.get("attachedToRef")
        incoming = (host,) if tag == "boundaryEvent" and host else tuple(preds.get(element, ()))
        index.elements[element] = ElementInfo(child.get("name"), lane, tag, parent, incoming)
        if tag == "callActivity" and child.get("calledElement"):
            index.calls[element] = child.get("calledElement")
        if tag in _SUBPROCESSES:
            _walk(child, element, lane, index, lanes, preds)


def _read(session: Session, version_id: int) -> VersionIndex:
    files = session.execute(
        select(VersionFile.name, VersionFile.content).where(
            VersionFile.version_id == version_id, VersionFile.kind == "bpmn"
        )
    )
    processes: dict[str, ProcessIndex] = {}
    for name, content in files:
        root = parse_xml(content, name)
        text = content.decode("utf-8")
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            found = _index_process(process, text)
            processes[found.process_id] = found
    return VersionIndex(version_id, processes)


class _Cache:
    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, str], VersionIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> VersionIndex:
        content_hash = session.execute(
            select(ProcessVersion.content_hash).where(ProcessVersion.id == version_id)
        ).scalar()
        key = (version_id, content_hash or "")
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        found = _read(session, version_id)
        with self._lock:
            self._items[key] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


_cache = _Cache()


def version_index(session: Session, version_id: int) -> VersionIndex:
    """The version's diagrams as a replay reads them (an empty index for an unknown id)."""
    return _cache.get(session, version_id)
