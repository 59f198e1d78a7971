"""Replay an instance from its history rows and its versions' XML, never from its state.

For each event: the diagram (version, process) and the element it happened at, and the
process data as it stood after it (start data, then each completed task's change and each
message's payload merged in order).

Events name an element by id only, and called processes reuse ids (``start``, ``end``…),
so the process an event belongs to is inferred: among the processes reachable from the
instance's own process through call activities that contain the id, the one where the
element was entered most recently (a predecessor, the element itself, the host of a
boundary event, or for a start event the call activity or subprocess around it) wins;
then the one whose lane is the event's lane; then the previous event's process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from .offers import ON_BEHALF_OF
from .replay_index import VersionIndex, version_index


class EventLike(Protocol):
    event_type: str
    process_id: str | None
    step_process_id: str | None
    version_id: int | None
    spec_id: str | None
    lane: str | None
    data: Mapping[str, Any]


@dataclass(frozen=True)
class ReplayDiagram:
    key: str
    """``<version id>:<process id>``."""
    version_id: int
    process_id: str
    name: str
    xml: str
    flows: tuple[tuple[str, str, str], ...]
    """(flow id, source id, target id) of each sequence flow."""


@dataclass(frozen=True)
class StepPlace:
    diagram: str | None
    """The key of the diagram the event happened in, or ``None`` (no element)."""
    element: str | None
    name: str | None
    """The element's name in the diagram, if it has one."""


@dataclass(frozen=True)
class Replay:
    places: list[StepPlace]
    """One per event, in the events' order."""
    diagrams: dict[str, ReplayDiagram]
    """The diagrams the events happened in, in order of first use."""


_NOWHERE = StepPlace(None, None, None)


class _Locator:
    def __init__(self) -> None:
        self.seen: dict[tuple[int, str, str], int] = {}
        self.previous: str | None = None

    def place(self, index: VersionIndex, top: str, event: EventLike, step: int) -> str | None:
        element = event.spec_id or ""
        named = event.step_process_id
        if named in index.processes and element in index.elements(named):
            candidates = [named]  # the row says which process ran the step
        else:  # rows from before it was recorded: the likeliest diagram holding the element
            candidates = [pid for pid in index.reachable(top) if element in index.elements(pid)]
        if not candidates:
            return None
        chosen = max(candidates, key=lambda pid: self._score(index, pid, event))
        self.seen[(index.version_id, chosen, element)] = step
        self.previous = chosen
        return chosen

    def _score(self, index: VersionIndex, pid: str, event: EventLike) -> tuple[int, bool, bool]:
        element = event.spec_id or ""
        nodes = [(pid, element), *index.entries(pid, element)]
        recency = max(self.seen.get((index.version_id, p, n), -1) for p, n in nodes)
        lane = index.elements(pid)[element].lane
        return recency, bool(event.lane) and lane == event.lane, pid == self.previous


def replay(session: Session, events: Sequence[EventLike]) -> Replay:
    """Where each event happened, and the diagrams to draw them on."""
    locator = _Locator()
    places: list[StepPlace] = []
    diagrams: dict[str, ReplayDiagram] = {}
    indexes: dict[int, VersionIndex] = {}
    for step, event in enumerate(events):
        if not (event.spec_id and event.version_id and event.process_id):
            places.append(_NOWHERE)
            continue
        if event.version_id not in indexes:
            indexes[event.version_id] = version_index(session, event.version_id)
        index = indexes[event.version_id]
        pid = locator.place(index, event.process_id, event, step)
        if pid is None:
            places.append(_NOWHERE)
            continue
        key = f"{event.version_id}:{pid}"
        if key not in diagrams:
            process = index.processes[pid]
            diagrams[key] = ReplayDiagram(
                key, event.version_id, pid, process.name, process.xml, process.flows
            )
        name = index.elements(pid)[event.spec_id].name
        places.append(StepPlace(key, event.spec_id, name))
    return Replay(places, diagrams)


def _merge(state: dict[str, Any], change: Any) -> None:
    if isinstance(change, Mapping):
        state.update(change)


def data_after_each(events: Iterable[EventLike]) -> list[dict[str, Any]]:
    """The process data after each event: start data, completed tasks' changes, message
    payloads, merged in order (a copy per event)."""
    state: dict[str, Any] = {}
    found = []
    for event in events:
        data = event.data or {}
        if event.event_type == "instance_started":
            _merge(state, data)
        elif event.event_type == "task_completed":  # who it was done for is not data
            _merge(state, {k: v for k, v in data.items() if k != ON_BEHALF_OF})
        elif event.event_type == "message_received":
            _merge(state, data.get("payload"))
        found.append(dict(state))
    return found
