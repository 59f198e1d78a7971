"""Who holds a task, named as people name them: a person by their name and unit, a unit by
its name, a lane by the unit of that level in the case's area (大满村调委会).

Reads the task projection's row as it stands, and what another part of the system may add
to it later (``candidate_unit``, ``item``; a user's ``unit_code``; the ``Unit`` table) only
when present, so the words stay right before and after those columns exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import processes.models as domain
from processes.holder import LEVEL_TIERS, RegionNode, holder_unit, load_regions
from processes.models import Case, Department

from ..accounts.models import User

LEADER_LANE = "包案领导"


@dataclass(frozen=True)
class Person:
    name: str
    unit: str
    """Their unit's name, or the unit of their role's level in their area; "" if unknown."""


@dataclass(frozen=True)
class Holder:
    who: str
    """A person's name, or the lane (role) the task is offered to."""
    detail: str
    """The unit or person behind ``who`` (大满镇综治中心, 人社局, 王副县长), or ""."""


class Holders:
    """Names of the people, units and levels around one case, read once per page."""

    def __init__(self, session: Session, case: Case | None):
        self.session, self.case = session, case
        self._regions: dict[str, RegionNode] | None = None
        self._people: dict[str, Person] = {}
        self._units: dict[str, str] = {}

    # -- a task's holder ------------------------------------------------------------------

    def of_task(self, record) -> Holder:
        """The holder of a task row (``engine.models.TaskRecord`` or ``TaskView``)."""
        lane = record.candidate_role or record.lane or ""
        item = getattr(record, "item", None) or ""
        if record.assignee:
            person = self.person(record.assignee, lane=lane)
            return Holder(person.name, person.unit or item or lane)
        unit = self.unit_names(_codes(getattr(record, "candidate_unit", None)))
        detail = item or "、".join(unit) or self.lane_unit(lane)
        return Holder(lane or "相关人员", "" if detail == lane else detail)

    def lane_unit(self, lane: str) -> str:
        """The unit a lane stands for on this case: the case's owner unit at its level, the
        level's unit in the case's area, the named leader for the 包案领导 lane."""
        case = self.case
        if case is None:
            return ""
        if lane == case.level and case.owner_unit:
            return case.owner_unit
        if lane == LEADER_LANE:
            leader = case.lead_leader or case.case_leader
            return self.person(leader).name if leader else ""
        if lane in LEVEL_TIERS:
            return self.level_unit(lane, case.region_code)
        return ""

    def level_unit(self, lane: str, region_code: str | None) -> str:
        if not region_code:
            return ""
        return holder_unit(
            level=lane, owner_unit=None, region_code=region_code, regions=self._load_regions()
        )

    def _load_regions(self) -> dict[str, RegionNode]:
        if self._regions is None:
            self._regions = load_regions(self.session)
        return self._regions

    # -- people and units -----------------------------------------------------------------

    def person(self, username: str, *, lane: str = "") -> Person:
        """A user's name and unit; a name that is no user (free text) stands as written."""
        if username not in self._people:
            user = self.session.scalar(select(User).where(User.username == username))
            self._people[username] = (
                Person(user.display_name, self._unit_of(user, lane))
                if user is not None
                else Person(username, "")
            )
        return self._people[username]

    def _unit_of(self, user: User, lane: str) -> str:
        code = getattr(user, "unit_code", None) or user.department_code
        if code:
            [name] = self.unit_names([code])
            return name
        if lane in LEVEL_TIERS:
            # their own area's unit at that level, else the case's (a user of a wider area)
            own = user.region_code if self._reaches(user.region_code, lane) else None
            return self.level_unit(lane, own or (self.case.region_code if self.case else None))
        return ""

    def _reaches(self, region_code: str | None, lane: str) -> bool:
        """Whether ``region_code`` lies at or below the tier of ``lane``'s level."""
        regions = self._load_regions()
        tier, seen = LEVEL_TIERS[lane][0], set()
        while region_code and region_code in regions and region_code not in seen:
            if regions[region_code].level == tier:
                return True
            seen.add(region_code)
            region_code = regions[region_code].parent_code
        return False

    def unit_names(self, codes: Iterable[str]) -> list[str]:
        """Unit (or department) names for codes; an unknown code stands as given."""
        codes = list(codes)
        wanted = sorted(set(codes) - set(self._units))
        if wanted:
            self._units.update(_named(self.session, Department, wanted))
            unit_model = getattr(domain, "Unit", None)
            if unit_model is not None:
                self._units.update(_named(self.session, unit_model, wanted))
        return [self._units.get(code, code) for code in codes]


def _named(session: Session, model, codes: list[str]) -> dict[str, str]:
    return dict(session.execute(select(model.code, model.name).where(model.code.in_(codes))).all())


def _codes(value) -> list[str]:
    """A candidate-unit value as a list of codes (one code, a list, or nothing)."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(code) for code in value]
