"""The report's tables built from grouped counts: breakdowns, hand-offs, hotspots.

Pure functions over ``counts.GroupRow`` lists (one grouped query gives them all), so
each section adds no query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import astuple
from typing import Any

from ..enums import Channel, RiskColour
from . import conditions as c
from .counts import CaseCounts, GroupRow
from .metrics import Rate, rate
from .regions import RegionTree

HANDOFFS = (Channel.COURT.value, Channel.POLICE.value, Channel.PETITION.value)
HOTSPOT_LIMIT = 10
NO_LEVEL = "未分级"
"""The level key of cases no level holds (not yet routed)."""


def _add(a: CaseCounts, b: CaseCounts) -> CaseCounts:
    return CaseCounts(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


def _sum_by(rows: Iterable[GroupRow], key: Callable[[GroupRow], Any]) -> dict[Any, CaseCounts]:
    totals: dict[Any, CaseCounts] = defaultdict(CaseCounts)
    for row in rows:
        totals[key(row)] = _add(totals[key(row)], row.counts)
    return totals


def breakdown_row(key: str, counts: CaseCounts, **extra: Any) -> dict[str, Any]:
    """``{"key", "received", "concluded", "resolved", "resolution_rate": Rate}``."""
    return {
        "key": key,
        **extra,
        "received": counts.received,
        "concluded": counts.concluded,
        "resolved": counts.resolved,
        "resolution_rate": rate(counts.resolved, counts.concluded),
    }


def _levels_order(level: str) -> tuple[int, str]:
    ladder = c.TOWNSHIP_LEVELS
    return (ladder.index(level), "") if level in ladder else (len(ladder), level)


def breakdowns(
    rows: list[GroupRow], *, type_names: dict[str, str], tree: RegionTree, root: str
) -> dict[str, list[dict[str, Any]]]:
    """The period's counts by type, channel, level, region (the root's children rolled
    up, plus 本级 for cases registered at the root itself) and risk colour.

    Types list every first-level type (``type_names``) and any other code found;
    channels and colours list all their values; levels list those found.
    """
    by_type = _sum_by(rows, lambda r: r.keys["type"])
    by_channel = _sum_by(rows, lambda r: r.keys["channel"])
    by_level = _sum_by(rows, lambda r: r.keys["level"] or NO_LEVEL)
    rollup = tree.rollup(root)
    by_region = _sum_by(rows, lambda r: rollup.get(r.keys["region"], root))
    by_risk = _sum_by(rows, lambda r: r.keys["risk"])
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
    rows: list[GroupRow], *, mediation: dict[str, Rate], diversion: Rate
) -> list[dict[str, Any]]:
    """诉调/警调/访调: pushed (received by that channel), concluded, resolved, returned,
    resolution rate, mediation success rate (``mediation`` by hand-off), and for 诉调 the
    diversion rate (``None`` for the others: only the court has a filing count)."""
    by_channel = _sum_by(rows, lambda r: r.keys["channel"])
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
                "resolution_rate": rate(counts.resolved, counts.concluded),
                "mediation_success_rate": mediation.get(handoff, rate(0, 0)),
                "diversion_rate": diversion if handoff == Channel.COURT.value else None,
            }
        )
    return result


def hotspots(rows: list[GroupRow], *, type_names: dict[str, str]) -> list[dict[str, Any]]:
    """Dispute types received this period against the period before, largest rise first
    (then most received, then type order), at most ten; ``growth`` is change / previous
    (``None`` when nothing was received before)."""
    current: dict[str, int] = defaultdict(int)
    previous: dict[str, int] = defaultdict(int)
    for row in rows:
        current[row.keys["type"]] += row.counts.received
        previous[row.keys["type"]] += row.previous_received
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
