"""A case's replay: its history events in order, each placed on the diagram of the version it
ran on, with the step's own data and the process data as it stood after it (masked).

Everything comes from the history rows and the versions' XML (``engine.replay``); nothing
reads the instance's current state. Form field names read as their forms' titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import Engine
from engine.models import HistoryEvent
from engine.replay import Replay, data_after_each, replay
from processes.deadlines import local
from processes.models import Case

from ..cases.timeline import case_events, display_names
from .masking import mask_value
from .words import TaskWords

_MARKS = {
    "task_completed": "completed",
    "timer_fired": "completed",
    "task_ready": "open",
    "task_claimed": "open",
    "task_unclaimed": "open",
    "task_assigned": "open",
    "task_cancelled": "cancelled",
}


@dataclass(frozen=True)
class ReplayStep:
    number: int
    seq: int
    at: datetime
    what: str
    who: str
    lane: str | None
    element: str | None
    """The element's name in the diagram (None for an unnamed one, e.g. a joining
    gateway: its id is in ``technical``)."""
    process: str | None
    """The name of the process the step happened in."""
    details: list[tuple[str, str]]
    """The step's own data."""
    state: list[tuple[str, str]]
    """The process data after the step."""
    technical: list[tuple[str, str]]
    """「技术信息」: the event type, the element's and process's ids, the step's data keys
    no label names."""
    state_technical: list[tuple[str, str]]
    """The process data after the step that no label names, by key."""


@dataclass(frozen=True)
class CaseReplay:
    steps: list[ReplayStep]
    payload: dict[str, Any]
    """What ``audit.js`` draws: the diagrams and, per step, its place and kind."""


def _payload(result: Replay, events: list[HistoryEvent]) -> dict[str, Any]:
    return {
        "diagrams": {
            key: {"name": d.name, "xml": d.xml, "flows": [list(flow) for flow in d.flows]}
            for key, d in result.diagrams.items()
        },
        "steps": [
            {
                "diagram": place.diagram,
                "element": place.element,
                "kind": _MARKS.get(event.event_type, "other"),
            }
            for place, event in zip(result.places, events, strict=True)
        ],
    }


def case_replay(session: Session, engine: Engine, case: Case) -> CaseReplay:
    events = case_events(session, case)
    result = replay(session, events)
    states = data_after_each(events)
    words = TaskWords(session, engine.forms, events)
    titles = {name: title for fields in words.titles.values() for name, title in fields.items()}
    names = display_names(session, (event.actor for event in events))
    parties = list(case.parties)
    steps = []
    for number, (event, place, state) in enumerate(
        zip(events, result.places, states, strict=True), 1
    ):
        diagram = result.diagrams.get(place.diagram or "")
        data = words.readable(mask_value(event.data or {}, parties))
        after = words.readable(mask_value(state, parties))
        technical = words.technical(event, data, titles)
        if place.diagram:
            technical.append(("流程标识", place.diagram.split(":", 1)[-1]))
        steps.append(
            ReplayStep(
                number=number,
                seq=event.seq,
                at=local(event.at),
                what=words.what(event),
                who=names.get(event.actor, event.actor),
                lane=event.lane,
                element=place.name or event.spec_name or None,
                process=diagram.name if diagram else None,
                details=words.details(data, titles),
                state=words.details(after, titles),
                technical=technical,
                state_technical=words.technical_data(after, titles),
            )
        )
    return CaseReplay(steps, _payload(result, events))
