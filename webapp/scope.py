"""Region scope: a user sees the cases of their own area and every area below it.

A township caseworker (region = 镇) sees the township's, its villages' and grids' cases;
the county sees everything under the county. A user without a region (administrators,
auditors, designers) is not restricted.
"""

from __future__ import annotations

from collections import defaultdict

from flask import g
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from processes.models import Region


class RegionScope(frozenset):
    """Region codes a user may see; ``everything`` when they are every region there is
    (a county user where the county is the only root): a list then asks for no code at
    all, instead of an ``IN`` of hundreds of codes that every row is checked against and
    that PostgreSQL re-plans on every request (17 ms of planning for a county's work
    list, ``bench/worklist.py``)."""

    everything: bool = False


def descendants(session: Session, root: str) -> frozenset[str]:
    """``root`` and every region below it (the region table is small: read it whole)."""
    children: dict[str | None, list[str]] = defaultdict(list)
    total = 0
    for code, parent in session.connection().execute(select(Region.code, Region.parent_code)):
        children[parent].append(code)
        total += 1
    found: set[str] = set()
    stack = [root]
    while stack:
        code = stack.pop()
        if code not in found:
            found.add(code)
            stack.extend(children.get(code, ()))
    scope = RegionScope(found)
    scope.everything = len(found) == total
    return scope


def ancestors(session: Session, code: str) -> frozenset[str]:
    """``code`` and every region above it: the areas whose users see a case in ``code``."""
    parents = dict(session.execute(select(Region.code, Region.parent_code)).all())
    found: set[str] = set()
    current: str | None = code
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return frozenset(found)


def region_scope(session: Session, user) -> frozenset[str] | None:
    """The region codes ``user`` may see, or ``None`` for every region (cached per request)."""
    if user.region_code is None:
        return None
    cache = g.setdefault("region_scope", {})
    if user.id not in cache:
        cache[user.id] = descendants(session, user.region_code)
    return cache[user.id]


def in_scope(column, scope: frozenset[str] | None) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose region ``column`` lies in ``scope`` (a region of
    any kind, when the scope is every region: ``RegionScope.everything``)."""
    if scope is None:
        return true()
    if getattr(scope, "everything", False):
        return column.is_not(None)
    return column.in_(sorted(scope))


def may_see(scope: frozenset[str] | None, region_code: str) -> bool:
    return scope is None or region_code in scope
