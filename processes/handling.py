"""Who handles a case: the lane (role) and the unit of the level holding it.

When a case is resolved the lane and unit that resolved it are recorded on the case
(``record_handling``), so a 二次督办 after a dissatisfied callback goes back to them: a
village committee's case to that committee, a department's to that department, not to
whoever happens to hold the township center's lane.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor

from .enums import Route, UnitKind
from .models import Case, Unit
from .roles import Role
from .units import nearest_unit

LADDER_ROLES = (
    Role.GRID_WORKER,
    Role.VILLAGE_MEDIATION,
    Role.TOWNSHIP_CENTER,
    Role.TOWNSHIP_LEADERSHIP,
)
"""The four levels of 四级七天: each is also the lane (role) that acts at that level."""
WHISTLE_LEVEL = "中心吹哨"
MEDIATOR_LEVEL = "调解员"

LANE_UNIT_KINDS: dict[str, tuple[UnitKind, ...]] = {
    Role.GRID_WORKER: (UnitKind.VILLAGE,),
    Role.VILLAGE_MEDIATION: (UnitKind.VILLAGE,),
    Role.TOWNSHIP_CENTER: (UnitKind.TOWNSHIP_CENTER,),
    Role.TOWNSHIP_LEADERSHIP: (UnitKind.TOWNSHIP_GOVERNMENT,),
    Role.COUNTY_CENTER: (UnitKind.COUNTY_CENTER,),
}
"""Lanes whose unit is the one serving the case's area (a grid worker works for the
village committee of their village)."""


@dataclass(frozen=True)
class Handling:
    """The lane a task goes to and the unit (code) it is restricted to, if known."""

    lane: str
    unit: str | None
    unit_name: str
    """The unit's name (大满村村民委员会), or the lane's when the unit is not known."""

    def data(self) -> dict[str, str]:
        """What a diagram receives: ``lane``, ``unit`` (empty: the whole lane), ``name``."""
        return {"lane": self.lane, "unit": self.unit or "", "name": self.unit_name}


def holder_role(case: Case) -> Role:
    """The role (a diagram lane) of whoever handles or last handled ``case``.

    A ladder level acts in its own lane; the responsible unit fixed by 中心吹哨 and a
    法律服务 department act in 部门; a whistle not yet dispatched is the county center's;
    anything else (当场办结, 引导, not yet routed) was handled by the township center.
    """
    if case.level in LADDER_ROLES:
        return Role(case.level)
    if case.level == WHISTLE_LEVEL or case.route == Route.LEGAL_SERVICE:
        return Role.DEPARTMENT
    if case.route == Route.WHISTLE:
        return Role.COUNTY_CENTER
    return Role.TOWNSHIP_CENTER


def handling_lane(case: Case) -> Role:
    """``holder_role``, except that a case mediated by a 调解员 (三调对接) is theirs."""
    if case.level == MEDIATOR_LEVEL:
        return Role.MEDIATOR
    return holder_role(case)


def handling_of(session: Session, case: Case, actor: Actor | None = None) -> Handling:
    """The lane and unit handling ``case`` now; ``actor`` is who concluded its level (their
    unit is the answer when the case names none, e.g. the department of a 法律服务)."""
    lane = handling_lane(case)
    unit = _named_unit(session, case, lane) or _actor_unit(session, actor, lane)
    return Handling(lane.value, unit.code if unit else None, unit.name if unit else lane.value)


def record_handling(session: Session, case: Case, actor: Actor) -> Handling:
    """Write who resolved ``case`` on it (``handled_lane``, ``handled_unit``)."""
    found = handling_of(session, case, actor)
    case.handled_lane, case.handled_unit = found.lane, found.unit
    return found


def recorded_handling(session: Session, case: Case) -> Handling:
    """Who resolved ``case`` as recorded; for a case resolved before it was recorded,
    worked out from its level now."""
    if not case.handled_lane:
        return handling_of(session, case)
    unit = session.get(Unit, case.handled_unit) if case.handled_unit else None
    name = unit.name if unit else case.handled_lane
    return Handling(case.handled_lane, unit.code if unit else None, name)


def _named_unit(session: Session, case: Case, lane: Role) -> Unit | None:
    kinds = LANE_UNIT_KINDS.get(lane)
    if kinds:
        return nearest_unit(session, region_code=case.region_code, kinds=kinds)
    if lane == Role.DEPARTMENT and case.level == WHISTLE_LEVEL:
        return _unit_called(session, case.responsible_unit or case.owner_unit)
    if lane == Role.MEDIATOR:
        return _unit_called(session, case.owner_unit)
    return None


def _unit_called(session: Session, text: str | None) -> Unit | None:
    """The active unit whose code, or else whose name, is ``text`` (older cases typed it)."""
    text = (text or "").strip()
    if not text:
        return None
    unit = session.get(Unit, text)
    if unit is not None and unit.active:
        return unit
    query = select(Unit).where(Unit.name == text, Unit.active.is_(True)).order_by(Unit.code)
    return session.scalars(query.limit(1)).first()


def _actor_unit(session: Session, actor: Actor | None, lane: Role) -> Unit | None:
    """The unit of ``actor`` if they act in ``lane`` (a liaison's department first)."""
    if actor is None or lane.value not in actor.roles or not actor.units:
        return None
    units = session.scalars(
        select(Unit).where(Unit.code.in_(sorted(actor.units)), Unit.active.is_(True))
    )
    return min(units, key=lambda unit: (unit.kind != UnitKind.DEPARTMENT, unit.code), default=None)
