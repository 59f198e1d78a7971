"""分流研判's preview of the triage table (``triage.dmn``): for each 事项性质 the worker may
choose, where the case would go with what intake recorded (channel, 群体性, risk colour)
and a single-department matter, so the choice is made knowing its route. The table itself
decides when the form is submitted; this only asks it beforehand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine import DecisionFailed, Engine, NotFound

ASSESS_FORM = "case_main/assess.schema.json"
TRIAGE_DECISION = "triage_table"
NATURES = ("简单诉求", "一般纠纷", "复杂纠纷", "法律问题", "不宜调解")
"""The assess form's 事项性质, in its order."""


@dataclass(frozen=True)
class RouteHint:
    nature: str
    route: str
    reason: str


def route_hints(engine: Engine, form_key: str | None, data: Mapping[str, Any]) -> list[RouteHint]:
    """The route of each 事项性质 for the assess form's task; nothing for any other form,
    or when the table is missing or fails on these values (the submit reports that)."""
    if form_key != ASSESS_FORM:
        return []
    known = {
        "channel": data.get("channel") or "",
        "collective": bool(data.get("collective")),
        "risk_colour": data.get("risk_colour") or "",
        "cross_department": False,
    }
    hints = []
    for nature in NATURES:
        try:
            found = engine.decide(TRIAGE_DECISION, {**known, "matter_nature": nature})
        except (NotFound, DecisionFailed):
            return []
        if found.get("route"):
            hints.append(RouteHint(nature, str(found["route"]), str(found.get("route_reason", ""))))
    return hints
