"""Queries and commands of the admin pages. Nothing here commits: the views do."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from processes.calendar import OperationRecorder
from processes.models import (
    DeadlineRule,
    Department,
    DisputeType,
    Region,
    RosterEntry,
    Station,
    Unit,
)
from processes.reference import KINDS, ReferenceInvalid, list_rows, save_row
from processes.roles import Role

from ..accounts.models import User

_ROLE_ORDER = {role.value: i for i, role in enumerate(Role)}


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    roles: list[str]
    region: str
    department: str
    unit: str
    active: bool
    locked: bool = False
    """Locked after repeated failed logins (``webapp.accounts.lockout``)."""


@dataclass(frozen=True)
class TreeRow:
    """A reference row with its depth in its tree (0 for a root) and its parent's name."""

    row: Any
    depth: int
    parent_name: str

    @property
    def indented(self) -> str:
        """The name after one ideographic space per level (kept inside ``<option>``)."""
        return "\u3000" * self.depth + self.row.name


def ordered_roles(roles: frozenset[str] | set[str]) -> list[str]:
    return sorted(roles, key=lambda r: _ROLE_ORDER.get(r, len(_ROLE_ORDER)))


def user_rows(session: Session) -> list[UserRow]:
    """Every user by username, with the names of their region, department and unit."""
    region_names = dict(session.execute(select(Region.code, Region.name)).all())
    department_names = dict(session.execute(select(Department.code, Department.name)).all())
    unit_names = dict(session.execute(select(Unit.code, Unit.name)).all())
    users = session.scalars(select(User).order_by(User.username))
    return [
        UserRow(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            roles=ordered_roles(u.roles),
            region=region_names.get(u.region_code, u.region_code) if u.region_code else "",
            department=department_names.get(u.department_code, u.department_code)
            if u.department_code
            else "",
            unit=unit_names.get(u.unit_code, u.unit_code) if u.unit_code else "",
            active=u.active,
        )
        for u in users
    ]


def tree(session: Session, kind: str) -> list[TreeRow]:
    """The rows of ``kind`` depth first, children under their parent (by code)."""
    rows = list_rows(session, kind)
    if "parent_code" not in KINDS[kind].fields:
        return [TreeRow(row, 0, "") for row in rows]
    by_code = {row.code: row for row in rows}
    children: dict[str | None, list[Any]] = defaultdict(list)
    for row in rows:
        parent = row.parent_code if row.parent_code in by_code else None
        children[parent].append(row)
    ordered: list[TreeRow] = []
    stack = [(row, 0) for row in reversed(children[None])]
    while stack:
        row, depth = stack.pop()
        parent = by_code.get(row.parent_code)
        ordered.append(TreeRow(row, depth, parent.name if parent else ""))
        stack.extend((child, depth + 1) for child in reversed(children[row.code]))
    shown = {item.row.code for item in ordered}
    # rows on a loop of parents (not reachable from a root) are still listed, to be fixed
    ordered += [
        TreeRow(row, 0, by_code[row.parent_code].name) for row in rows if row.code not in shown
    ]
    return ordered


def parent_choices(session: Session, kind: str, *, exclude: str | None = None) -> list[TreeRow]:
    """Rows that may be the parent of a ``kind`` row: any region, a first-level type."""
    rows = [t for t in tree(session, kind) if t.row.code != exclude]
    if kind == "dispute_type":
        rows = [t for t in rows if t.row.parent_code is None]
    return rows


def departments(session: Session) -> list[Department]:
    return list_rows(session, "department")


def get_row(session: Session, kind: str, code: str) -> Any | None:
    return session.get(KINDS[kind].model, code)


def create_row(
    session: Session,
    kind: str,
    *,
    code: str,
    values: Mapping[str, Any],
    actor: str,
    record: OperationRecorder,
) -> Any:
    """A new ``kind`` row; a code already in use is refused (``save_row`` would edit it)."""
    if get_row(session, kind, code.strip()) is not None:
        raise ReferenceInvalid(f"代码已存在：{code.strip()}（请修改那一条，或换一个代码）")
    return save_row(session, kind, code=code, values=values, actor=actor, record=record)


def deadline_rules(session: Session) -> list[DeadlineRule]:
    return list(session.scalars(select(DeadlineRule).order_by(DeadlineRule.key)))


@dataclass(frozen=True)
class Counts:
    users: int
    active_users: int
    regions: int
    departments: int
    dispute_types: int
    rules: int
    units: int
    roster: int
    stations: int


def counts(session: Session) -> Counts:
    """How many of each thing the admin pages manage (for the landing page)."""

    def count(model: type, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return Counts(
        users=count(User),
        active_users=count(User, User.active.is_(True)),
        regions=count(Region),
        departments=count(Department),
        dispute_types=count(DisputeType),
        rules=count(DeadlineRule),
        units=count(Unit, Unit.active.is_(True)),
        roster=count(RosterEntry, RosterEntry.active.is_(True)),
        stations=count(Station, Station.active.is_(True)),
    )
