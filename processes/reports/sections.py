"""The report's tables built from grouped counts: breakdowns, hand-offs, hotspots.

Pure functions over ``groups.grouped_counts`` (one statement gives them all), so each
section adds no query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..enums import Channel, RiskColour
from . import conditions as c
from .counts import CaseCounts
from .groups import Group
from .metrics import Rate, rate
from .regions import RegionTree

HANDOFFS = c.HANDOFFS
HOTSPOT_LIMIT = 10
NO_LEVEL = "未分级"
"""The level key of cases no level holds (not yet routed)."""


def _counts(groups: dict[str | None, Group]) -> dict[str | None, CaseCounts]:
    return defaultdict(CaseCounts, {key: group.counts for key, group in groups.items()})


def _rolled_up(groups: dict[str | None, Group], rollup: dict[str, str], root: str):
    totals: dict[str, CaseCounts] = defaultdict(CaseCounts)
    for code, group in groups.items():
        target = rollup.get(code or "", root)
        totals[target] = totals[target] + group.counts
    return totals


def breakdown_row(key: str, counts: CaseCounts, **extra: Any) -> dict[str, Any]:
    """``{"key", "received", "concluded", "resolved", "received_resolution_rate": Rate,
    "resolution_rate": Rate}``: 化解率 (of the cases received, those resolved by the report)
    and 办结化解率 (化解数 / 办结数)."""
    return {
        "key": key,
        **extra,
        "received": counts.received,
        "concluded": counts.concluded,
        "resolved": counts.resolved,
        "received_resolution_rate": rate(counts.received_resolved, counts.received),
        "resolution_rate": rate(counts.resolved, counts.concluded),
    }


def _levels_order(level: str) -> tuple[int, str]:
    ladder = c.TOWNSHIP_LEVELS
    return (ladder.index(level), "") if level in ladder else (len(ladder), level)


def breakdowns(
    groups: dict[str, dict[str | None, Group]],
    *,
    type_names: dict[str, str],
    tree: RegionTree,
    root: str,
) -> dict[str, list[dict[str, Any]]]:
    """The period's counts by type, channel, level, region (the root's children rolled
    up, plus 本级 for cases registered at the root itself) and risk colour.

    Types list every first-level type (``type_names``) and any other code found;
    channels and colours list all their values; levels list those found.
    """
    by_type, by_channel = _counts(groups["type"]), _counts(groups["channel"])
    by_level = _counts({key or NO_LEVEL: g for key, g in groups["level"].items()})
    by_region = _rolled_up(groups["region"], tree.rollup(root), root)
    by_risk = _counts(groups["risk"])
    types = list(type_names) + sorted(set(by_type) - set(type_names))
    channels = [ch.value for ch in Channel] + sorted(set(by_channel) - {ch.value for ch in Channel})
    colours = [colour.value for colour in RiskColour]
    regions = [
        breakdown_row(child.name, by_region[child.code], code=child.code)
        for child in tree.children(root)
    ]
    if by_region.get(root, CaseCounts()) != CaseCounts():
        regions.append(breakdown_row(f"{tree.get(root).name}（本级）", by_region[root], code=root))
    return {
        "type": [breakdown_row(type_names.get(t, t), by_type[t], code=t) for t in types],
        "channel": [breakdown_row(ch, by_channel[ch]) for ch in channels],
        "level": [
            breakdown_row(level, by_level[level]) for level in sorted(by_level, key=_levels_order)
        ],
        "region": regions,
        "risk": [breakdown_row(colour, by_risk[colour]) for colour in colours],
    }


def handoffs(
    groups: dict[str, dict[str | None, Group]],
    *,
    mediation: dict[str, dict[str, Rate]],
    diversion: Rate,
) -> list[dict[str, Any]]:
    """诉调/警调/访调: pushed (received by that channel), concluded, resolved, returned;
    化解率 (of those pushed, resolved by the report) and 办结化解率; 调解成功率 and
    结案调解成功率 (``mediation["received"]`` and ``mediation["concluded"]`` by hand-off);
    and for 诉调 the diversion rate (``None`` for the others: only the court has a filing
    count)."""
    by_channel = _counts(groups["channel"])
    result = []
    for handoff in HANDOFFS:
        counts = by_channel.get(handoff, CaseCounts())
        result.append(
            {
                "handoff": handoff,
                "pushed": counts.received,
                "concluded": counts.concluded,
                "resolved": counts.resolved,
                "returned": counts.returned,
                "received_resolution_rate": rate(counts.received_resolved, counts.received),
                "resolution_rate": rate(counts.resolved, counts.concluded),
                "received_mediation_success_rate": mediation["received"].get(handoff, rate(0, 0)),
                "mediation_success_rate": mediation["concluded"].get(handoff, rate(0, 0)),
                "diversion_rate": diversion if handoff == Channel.COURT.value else None,
            }
        )
    return result


def hotspots(
    groups: dict[str, dict[str | None, Group]], *, type_names: dict[str, str]
) -> list[dict[str, Any]]:
    """Dispute types received this period against the period before, largest rise first
    (then most received, then type order), at most ten; ``growth`` is change / previous
    (``None`` when nothing was received before)."""
    current = {key: g.counts.received for key, g in groups["type"].items()}
    previous = {key: g.previous_received for key, g in groups["type"].items()}
    found = [t for t in current if current[t] or previous[t]]
    found.sort(key=lambda t: (-(current[t] - previous[t]), -current[t], t))
    return [
        {
            "type": type_names.get(t, t),
            "current": current[t],
            "previous": previous[t],
            "change": current[t] - previous[t],
            "growth": (current[t] - previous[t]) / previous[t] if previous[t] else None,
        }
        for t in found[:HOTSPOT_LIMIT]
    ]
