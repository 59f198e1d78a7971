"""选人、选单位: the options of a form's picker fields and the check of what was picked.

A string property of a task form may say ``"x-picker"``:

* ``"user"``: an active account whose area includes the case's (or lies below it);
  ``"x-picker-role"`` keeps holders of one role, ``"x-picker-unit-field"`` names the field
  where a unit is picked: the person must belong to it (the list shows everyone, the
  script narrows it, the check refuses another unit's person; a department's liaison
  belongs to the department's unit, as ``webapp.security.user_units`` says);
* ``"unit"``: an active unit serving the case's area or one above it (departments serve
  every area); ``"x-picker-kind"`` keeps one kind (e.g. 部门);
* ``"roster"``: an active entry of the mediator roster usable for the case (by its id),
  best match first (``processes.roster.candidates``); only entries someone can act for:
  the person's active account, or, for a person without an account (an outside 律师),
  an active 调解员 of their organisation, who then does the work for them.

A case-less task has no area: every active account, unit or roster entry is offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from processes import roster
from processes.models import Case, Unit
from processes.region_tree import RegionLinks
from processes.roles import Role

from .accounts.models import User, UserRole
from .schema_form import PICKER, Option, Pickers
from .security import user_units

ROLE = "x-picker-role"
UNIT_FIELD = "x-picker-unit-field"
KIND = "x-picker-kind"


def picker_props(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The top-level picker properties of a form schema, by name."""
    props = schema.get("properties") or {}
    return {
        name: prop
        for name, prop in props.items()
        if isinstance(prop, Mapping) and prop.get(PICKER) in OPTIONS
    }


def options(session: Session, schema: Mapping[str, Any], case: Case | None) -> Pickers:
    """The options of every picker field of ``schema`` for a task of ``case``."""
    area = _area(session, case.region_code if case is not None else None)
    return {
        name: OPTIONS[prop[PICKER]](session, prop, area, case)
        for name, prop in picker_props(schema).items()
    }


def errors(
    schema: Mapping[str, Any], data: Mapping[str, Any], offered: Pickers
) -> dict[str, list[str]]:
    """What is wrong with the picked values: not among the options, or a person not of the
    unit picked in the field the picker is narrowed by; messages by field."""
    found: dict[str, list[str]] = {}
    props = picker_props(schema)
    for name, prop in props.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        chosen = next((o for o in offered.get(name, ()) if o.value == value), None)
        title = prop.get("title") or name
        if chosen is None:
            found[name] = [f"「{title}」请从列表中选择（所填的不在可选范围内）"]
            continue
        unit_field = prop.get(UNIT_FIELD)
        unit = data.get(unit_field) if unit_field else None
        if unit and unit not in chosen.group.split():
            unit_title = (props.get(unit_field) or {}).get("title") or unit_field
            found[name] = [f"「{title}」须是所选{_plain(unit_title)}的人员"]
    return found


def _plain(title: str) -> str:
    return title.removeprefix("定")


# -- the options of each kind of picker -----------------------------------------------------


def _area(session: Session, region_code: str | None) -> list[str] | None:
    """The regions whose people and units may serve a case in ``region_code``: its own,
    those above and those below (``None``: no case, no limit)."""
    if not region_code:
        return None
    links = RegionLinks.load(session)
    return sorted({*links.chain(region_code), region_code, *links.below(region_code)})


def _users(
    session: Session, prop: Mapping[str, Any], area: list[str] | None, _case: Case | None
) -> tuple[Option, ...]:
    query = select(User, Unit.name).outerjoin(Unit, Unit.code == own_unit()).where(User.active)
    if area is not None:
        query = query.where(or_(User.region_code.is_(None), User.region_code.in_(area)))
    role = prop.get(ROLE)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    rows = session.execute(query.order_by(own_unit(), User.display_name, User.username))
    return tuple(
        Option(
            user.username,
            person_label(user.display_name, unit_name),
            " ".join(sorted(user_units(user))),
        )
        for user, unit_name in rows
    )


def own_unit():
    """The unit a person is shown with: a liaison's department, else their unit."""
    return func.coalesce(User.department_code, User.unit_code)


def person_label(name: str, unit_name: str | None) -> str:
    """姓名（单位）, as a picker and the case page show a person."""
    return f"{name}（{unit_name}）" if unit_name else name


def _units(
    session: Session, prop: Mapping[str, Any], area: list[str] | None, _case: Case | None
) -> tuple[Option, ...]:
    query = select(Unit).where(Unit.active.is_(True))
    if area is not None:
        query = query.where(or_(Unit.region_code.is_(None), Unit.region_code.in_(area)))
    kind = prop.get(KIND)
    if kind:
        query = query.where(Unit.kind == kind)
    units = session.scalars(query.order_by(Unit.kind, Unit.code))
    return tuple(Option(unit.code, unit.name) for unit in units)


def _roster(
    session: Session, _prop: Mapping[str, Any], _area: list[str] | None, case: Case | None
) -> tuple[Option, ...]:
    if case is not None and case.region_code:
        entries = roster.candidates(
            session, region_code=case.region_code, skill=case.dispute_type or None
        )
    else:
        entries = roster.list_entries(session)
    accounts, units = _mediator_reach(session, entries)
    return tuple(
        Option(str(entry.id), roster_label(entry))
        for entry in entries
        if (entry.username in accounts if entry.username else entry.unit_code in units)
    )


def roster_label(entry: roster.RosterEntryView) -> str:
    """A roster entry as the picker offers it: name, kind, organisation, and who does the
    work when the person has no account."""
    if entry.username:
        return entry.label
    return f"{entry.label}：无系统账号，由该单位的调解员代为办理"


def _mediator_reach(
    session: Session, entries: list[roster.RosterEntryView]
) -> tuple[set[str], set[str]]:
    """Who can do a picked mediator's work: the active accounts among the entries' and the
    units with an active 调解员 (for an entry without an account, its organisation's
    mediators do it). An entry reaching neither is not offered: its tasks would wait for
    nobody."""
    names = sorted({e.username for e in entries if e.username})
    accounts = set(
        session.scalars(select(User.username).where(User.username.in_(names), User.active))
    )
    mediators = select(UserRole.user_id).where(UserRole.role == Role.MEDIATOR)
    rows = session.execute(
        select(User.unit_code, User.department_code).where(User.active, User.id.in_(mediators))
    )
    units = {code for row in rows for code in row if code}
    return accounts, units


OPTIONS = {"user": _users, "unit": _units, "roster": _roster}
