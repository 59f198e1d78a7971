"""Region scope: a user sees the cases of their own area and every area below it.

A township caseworker (region = 镇) sees the township's, its villages' and grids' cases;
the county sees everything under the county. A user without a region (administrators,
auditors, designers) is not restricted.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from processes.region_tree import kept_links


class RegionScope(frozenset):
    """Region codes a user may see; ``everything`` when they are every region there is
    (a county user where the county is the only root): a list then asks for no code at
    all, instead of an ``IN`` of hundreds of codes that every row is checked against and
    that PostgreSQL re-plans on every request (17 ms of planning for a county's work
    list, ``bench/worklist.py``)."""

    everything: bool = False


def descendants(session: Session, root: str) -> frozenset[str]:
    """``root`` and every region below it (the tree is kept while the regions do not
    change, ``processes.region_tree``)."""
    links = kept_links(session)
    scope = RegionScope(links.subtree(root))
    scope.everything = len(scope) == len(links)
    return scope


def ancestors(session: Session, code: str) -> frozenset[str]:
    """``code`` and every region above it: the areas whose users see a case in ``code``."""
    return frozenset(kept_links(session).chain(code))


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
