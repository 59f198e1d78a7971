"""The region tree as reports see it: a report's region set and its roll-up by child.

The region table is small (a county has a few hundred rows down to the grid), so it is
read whole once per report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Region

REPORT_LEVELS = ("市", "县", "镇", "村")
"""The levels reports are issued for (a 网格 is too small to report on)."""


class UnknownRegion(LookupError):
    """No region has this code."""

    def __init__(self, code: str):
        super().__init__(f"区划 {code} 不存在")
        self.code = code

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    level: str
    parent_code: str | None


class RegionTree:
    """Every region, with its children, read in one query."""

    def __init__(self, regions: list[RegionInfo]):
        self._by_code = {region.code: region for region in regions}
        self._children: dict[str | None, list[RegionInfo]] = defaultdict(list)
        for region in sorted(regions, key=lambda r: r.code):
            self._children[region.parent_code].append(region)

    @classmethod
    def load(cls, session: Session) -> RegionTree:
        rows = session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))
        return cls([RegionInfo(*row) for row in rows])

    def get(self, code: str) -> RegionInfo:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownRegion(code) from None

    def children(self, code: str) -> list[RegionInfo]:
        """The regions directly below ``code``, by code."""
        return list(self._children.get(code, ()))

    def descendants(self, root: str) -> frozenset[str]:
        """``root`` and every region below it."""
        self.get(root)
        found: set[str] = set()
        stack = [root]
        while stack:
            code = stack.pop()
            if code not in found:
                found.add(code)
                stack.extend(child.code for child in self._children.get(code, ()))
        return frozenset(found)

    def scope(self, root: str) -> frozenset[str] | None:
        """The region set of a report on ``root``: its descendants, or ``None`` (no
        filter needed) when they are every region there is."""
        found = self.descendants(root)
        return None if len(found) == len(self._by_code) else found

    def rollup(self, root: str) -> dict[str, str]:
        """Each region under ``root`` mapped to the child of ``root`` it lies in (``root``
        itself maps to ``root``): how a region breakdown adds up its rows."""
        result = {root: root}
        for child in self.children(root):
            for code in self.descendants(child.code):
                result[code] = child.code
        return result


def descendants(session: Session, root: str) -> frozenset[str]:
    """``root`` and every region below it."""
    return RegionTree.load(session).descendants(root)
