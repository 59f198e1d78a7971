"""Who holds a case now, named as a supervisor names it: the unit behind the case's level.

A ladder case at 村调委会 is held by the village committee of the village the case lies
in (大满村调委会); at 镇综治中心 by that township's center (大满镇综治中心). A case with an
owner unit (a mediator, the responsible unit fixed by 中心吹哨) is held by that unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Region

UNTRIAGED = "待分流"
"""The level shown for a case registered but not yet routed (受理分流 at the township)."""

LEVEL_TIERS: dict[str, tuple[str, str]] = {
    "网格员": ("网格", "网格员"),
    "村调委会": ("村", "调委会"),
    "镇综治中心": ("镇", "综治中心"),
    "镇党委政府": ("镇", "党委政府"),
    "县综治中心": ("县", "综治中心"),
    UNTRIAGED: ("镇", "综治中心"),
}
"""Level → (the region tier holding it, the unit's name after the region's name)."""

LEVEL_ORDER = ("网格员", "村调委会", "镇综治中心", "镇党委政府", "县综治中心", "中心吹哨", "调解员")
"""How levels sort on a board: up the ladder, then the county's routes."""


@dataclass(frozen=True)
class RegionNode:
    name: str
    level: str
    parent_code: str | None


def load_regions(session: Session) -> dict[str, RegionNode]:
    """Every region (the table is small: a county's towns, villages and grids)."""
    rows = session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))
    return {code: RegionNode(name, level, parent) for code, name, level, parent in rows}


def level_of(level: str | None) -> str:
    return level or UNTRIAGED


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def holder_unit(
    *,
    level: str | None,
    owner_unit: str | None,
    region_code: str,
    regions: Mapping[str, RegionNode],
) -> str:
    """The unit holding a case: its owner unit, else the level's unit in the case's area."""
    if owner_unit:
        return owner_unit
    level = level_of(level)
    if level not in LEVEL_TIERS:
        return level
    tier, suffix = LEVEL_TIERS[level]
    region = _ancestor(region_code, tier, regions)
    return f"{region.name}{suffix}" if region else level


def _ancestor(code: str | None, tier: str, regions: Mapping[str, RegionNode]) -> RegionNode | None:
    """``code``'s region or its ancestor at ``tier``; the case's own region if none is."""
    own = regions.get(code) if code else None
    node, seen = own, set()
    while node is not None and code not in seen:
        if node.level == tier:
            return node
        seen.add(code)
        code = node.parent_code
        node = regions.get(code) if code else None
    return own
