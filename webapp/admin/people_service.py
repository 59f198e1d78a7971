"""Queries of the units, roster and stations pages: choices for the selects and the unit
list grouped by region. Nothing here writes: the views call ``processes.units``,
``processes.roster`` and ``processes.stations``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.calendar import load_calendar
from processes.enums import UnitKind
from processes.models import Department, Unit
from processes.roles import Role
from processes.units import CENTER_KINDS

from ..accounts.models import User, UserRole
from ..accounts.service import department_people
from .service import TreeRow, tree

_KIND_ORDER = {kind.value: i for i, kind in enumerate(UnitKind)}


@dataclass(frozen=True)
class UnitOption:
    """A unit as a select offers it."""

    code: str
    name: str
    kind: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name}（{self.kind}，{self.code}）"


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    parent_name: str
    is_department: bool
    """A department's own unit: its name and status follow the department."""


@dataclass(frozen=True)
class UnitGroup:
    """The units serving one region (``region`` None: units of no one region, such as
    the departments), under the region's place in the region tree."""

    region: TreeRow | None
    units: list[UnitRow]


@dataclass(frozen=True)
class SkillOption:
    code: str
    name: str
    depth: int
    """0 a first-level type (it covers its subtypes), 1 a subtype."""


@dataclass(frozen=True)
class RotaDay:
    day: date
    weekday: str
    workday: bool
    field: str
    """The form field: ``day-YYYY-MM-DD``."""


WEEKDAYS = "一二三四五六日"


def _sorted_units(units: list[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (_KIND_ORDER.get(u.kind, 99), u.region_code or "", u.code))


def unit_options(session: Session, *, kinds: tuple[str, ...] = ()) -> list[UnitOption]:
    """Every unit (of ``kinds``, if given), by kind, region and code."""
    query = select(Unit)
    if kinds:
        query = query.where(Unit.kind.in_([str(kind) for kind in kinds]))
    return [
        UnitOption(unit.code, unit.name, unit.kind, unit.active)
        for unit in _sorted_units(list(session.scalars(query)))
    ]


def center_options(session: Session) -> list[UnitOption]:
    """The units departments can be stationed at: the centers."""
    return unit_options(session, kinds=CENTER_KINDS)


def unit_groups(session: Session) -> list[UnitGroup]:
    """Every unit under its region, the regions depth first as the region list shows them;
    units of no one region (the departments) first."""
    units = list(session.scalars(select(Unit)))
    names = {unit.code: unit.name for unit in units}
    departments = set(session.scalars(select(Department.code)))
    by_region: dict[str | None, list[UnitRow]] = defaultdict(list)
    for unit in _sorted_units(units):
        row = UnitRow(unit, names.get(unit.parent_code or "", ""), unit.code in departments)
        by_region[unit.region_code].append(row)
    groups = [UnitGroup(None, by_region.pop(None))] if None in by_region else []
    for region in tree(session, "region"):
        if region.row.code in by_region:
            groups.append(UnitGroup(region, by_region.pop(region.row.code)))
    return groups


def skill_options(session: Session) -> list[SkillOption]:
    """The dispute types, each first-level type followed by its subtypes."""
    return [
        SkillOption(item.row.code, item.row.name, item.depth)
        for item in tree(session, "dispute_type")
        if item.row.active
    ]


def liaison_groups(session: Session) -> list[tuple[Department, list[User]]]:
    """Each active department with its active people (liaisons), for a station's default
    liaison before the department is fixed."""
    rows = session.scalars(
        select(Department).where(Department.active.is_(True)).order_by(Department.code)
    )
    return [(d, people) for d in rows if (people := department_people(session, d.code))]


def account_options(session: Session) -> list[User]:
    """The active accounts, for the roster's linked-account list (mediators first)."""
    query = select(UserRole.user_id).where(UserRole.role == Role.MEDIATOR.value)
    mediators = set(session.scalars(query))
    users = session.scalars(select(User).where(User.active.is_(True)))
    return sorted(users, key=lambda u: (u.id not in mediators, u.username))


def rota_days(session: Session, week: list[date]) -> list[RotaDay]:
    calendar = load_calendar(session)
    return [
        RotaDay(day, f"周{WEEKDAYS[day.weekday()]}", calendar.is_workday(day), f"day-{day}")
        for day in week
    ]
