"""The region tree read whole (a county has a few hundred rows down to the grid): a
region's ancestors and descendants, for the services that match people to places.

Every page asks who may see which region (``webapp.scope``), and the regions change a few
times a year: ``kept_links`` keeps the tree per process and database, and a page reads the
one-row ``region_stamp`` alone while it is the same. Every change of the ``region`` table
renews the stamp, whoever makes it (a trigger, migration 0034), and a stamp never comes
again: PostgreSQL takes it from a sequence, which a rolled-back change consumes too, SQLite
draws a random 64-bit number. So a tree read inside a transaction that changed regions and
then rolled back is kept under a stamp no one else will read.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from .kept import KeptPerDatabase
from .models import Region, RegionStamp


class RegionLinks:
    """Each region's parent, and its children."""

    def __init__(self, parents: dict[str, str | None]):
        self._parents = parents
        self._children: dict[str, list[str]] = defaultdict(list)
        for code, parent in parents.items():
            if parent is not None:
                self._children[parent].append(code)
        self._subtrees: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, session: Session) -> RegionLinks:
        return cls(dict(session.execute(select(Region.code, Region.parent_code)).all()))

    def __len__(self) -> int:
        return len(self._parents)

    def subtree(self, code: str) -> frozenset[str]:
        """``code`` and every region below it (kept: a page asks it of its viewer's region)."""
        found = self._subtrees.get(code)
        if found is None:
            found = self._subtrees[code] = frozenset([code, *self.below(code)])
        return found

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


def kept_links(session: Session) -> RegionLinks:
    """The tree as the database holds it now: the one kept for this database while its
    stamp is current, else read whole and kept (then two statements: the stamp, the rows)."""
    stamp = session.scalar(select(RegionStamp.stamp))  # after the session's own changes
    return _KEPT.get(session, stamp, lambda: RegionLinks.load(session))


_KEPT: KeptPerDatabase[RegionLinks] = KeptPerDatabase()
"""The last tree read per database, by its stamp."""
