"""The case's diagrams for the page: JSON for the bpmn-js viewer and a text list for
readers without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.trail import ProcessTrail


@dataclass(frozen=True)
class TrailText:
    """One process's steps as text: the fallback when the diagram cannot be drawn."""

    process_id: str
    name: str
    runs: int
    completed: list[str]
    current: list[str]
    waiting: list[str]


def _named(trail: ProcessTrail, ids: tuple[str, ...]) -> list[str]:
    return [trail.names[element] for element in ids if element in trail.names]


def trail_text(trails: list[ProcessTrail]) -> list[TrailText]:
    return [
        TrailText(
            process_id=trail.process_id,
            name=trail.name,
            runs=trail.runs,
            completed=_named(trail, tuple(e for e in trail.completed if e not in trail.current)),
            current=_named(trail, trail.current),
            waiting=_named(trail, trail.waiting),
        )
        for trail in trails
    ]


def diagram_payload(trails: list[ProcessTrail]) -> dict[str, Any]:
    """What ``cases.js`` draws: per process its XML and the element ids to mark."""
    return {
        "processes": [
            {
                "id": trail.process_id,
                "name": trail.name,
                "runs": trail.runs,
                "xml": trail.xml,
                "completed": list(trail.completed),
                "current": list(trail.current),
                "waiting": list(trail.waiting),
                "flows": list(trail.flows),
            }
            for trail in trails
        ]
    }
