"""Who looks at the work list and what they ask of it: the values the query is built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from processes.calendar import WorkCalendar
from processes.deadlines import SHANGHAI, local
from processes.models import Department
from processes.roles import Role


class SortKey(StrEnum):
    """How the list is ordered."""

    DUE = "due"
    """Earliest deadline first, tasks without one last (the default)."""
    RECEIVED = "received"
    """Most recently received cases first."""
    RISK = "risk"
    """Red first, then by deadline."""


class DueFilter(StrEnum):
    ALL = ""
    OVERDUE = "overdue"
    NEAR = "near"
    """Not yet overdue, but due by the end of the next working day or within 24 hours."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their name, roles, region scope, units and (部门 liaisons)
    department, and whom they stand in for."""

    username: str
    roles: frozenset[str]
    scope: frozenset[str] | None = None
    """Region codes the user may see; ``None``: every region."""
    department: str | None = None
    """The department's name as summonses record it, for a 部门 liaison with one."""
    alert_instances: frozenset[int] = frozenset()
    """The instances of rising-risk alerts raised for the viewer's regions that still wait
    for someone (a 县综治中心 user with a region): their case-less tasks are in scope."""
    units: frozenset[str] = frozenset()
    """The unit codes the user belongs to (``webapp.security.user_units``)."""
    stands_in_for: frozenset[str] = frozenset()
    """Users away today whose assigned tasks the viewer also receives (a stand-in)."""
    candidate_tasks: bool = False
    """Some ready task names the viewer or one of their units as a candidate (found first,
    by ``query.has_candidate_tasks``): only then does the list read the candidates."""

    @property
    def holders(self) -> list[str]:
        """The assignees whose tasks the viewer receives: themselves and whom they stand in for."""
        return [self.username, *sorted(self.stands_in_for)]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    """A case code (or part of one), or a party's full name or phone number."""
    risk: str = ""
    due: DueFilter = DueFilter.ALL
    mine: bool = False
    """Only tasks the viewer has claimed."""
    sort: SortKey = SortKey.DUE


@dataclass(frozen=True)
class Clock:
    """``now`` and where near-due ends (see ``near_until``)."""

    now: datetime
    near_until: datetime


def near_until(now: datetime, calendar: WorkCalendar) -> datetime:
    """A deadline before this is near-due (``webapp.due``): today or the next working day,
    or within 24 hours."""
    second = calendar.next_workday(calendar.next_workday(local(now).date()))
    midnight = datetime.combine(second, datetime.min.time(), tzinfo=SHANGHAI)
    return max(midnight, now + timedelta(hours=24))


def department_name(session: Session, user) -> str | None:
    """The name summonses use for ``user``'s department, if they are a 部门 liaison."""
    if Role.DEPARTMENT not in user.roles or not user.department_code:
        return None
    department = session.get(Department, user.department_code)
    return department.name if department is not None else None
