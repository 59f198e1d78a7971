"""The region tree read whole (a county has a few hundred rows down to the grid): a
region's ancestors and descendants, for the services that match people to places."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Region


class RegionLinks:
    """Each region's parent, and its children."""

    def __init__(self, parents: dict[str, str | None]):
        self._parents = parents
        self._children: dict[str, list[str]] = defaultdict(list)
        for code, parent in parents.items():
            if parent is not None:
                self._children[parent].append(code)

    @classmethod
    def load(cls, session: Session) -> RegionLinks:
        return cls(dict(session.execute(select(Region.code, Region.parent_code)).all()))

    def chain(self, code: str) -> list[str]:
        """``code`` and its ancestors, nearest first (``[grid, village, township, county]``);
        an unknown code is its own chain."""
        found = [code]
        parent = self._parents.get(code)
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self._parents.get(parent)
        return found

    def below(self, code: str) -> dict[str, int]:
        """Every region under ``code`` with its depth below it (children 1, grandchildren 2)."""
        depths: dict[str, int] = {}
        level = [code]
        depth = 0
        while level:
            depth += 1
            level = [
                c for parent in level for c in self._children.get(parent, ()) if c not in depths
            ]
            depths.update((c, depth) for c in level)
        depths.pop(code, None)
        return depths
