"""我包案的案件: the cases a 包案领导 answers for, late ones first; services never commit.

A case is the leader's when its 包案领导 (``case_leader``) or 牵头领导 (``lead_leader``)
names them: by username, or (cases from before the fields held usernames, where a name
was typed) by their display name inside their region scope. Reads ``dispute_case`` with
its leader indexes and, for one page's rows only, their parties; no workflow is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from processes.calendar import WorkCalendar
from processes.current_deadline import OPEN_STATUSES, case_deadlines
from processes.holder import holder_unit, level_of, load_regions
from processes.models import Case

from ..cases.service import masked_party, parties_of, scrub
from ..due import DueInfo, deadline_badge
from ..scope import in_scope

PER_PAGE = 20
CASE_LEADER, LEAD_LEADER = "包案领导", "牵头领导"


@dataclass(frozen=True)
class Leader:
    """Who asks: their username, the name people typed before, their region scope."""

    username: str
    display_name: str
    scope: frozenset[str] | None


@dataclass(frozen=True)
class LeaderRow:
    id: int
    code: str
    summary: str
    """Masked: the parties' names, phones and ID numbers in it are starred."""
    risk_colour: str
    status: str
    level: str
    holder: str
    """The unit holding the case now (大满村调委会, a responsible department …)."""
    as_: str
    """包案领导, 牵头领导 or both."""
    due: DueInfo
    flagged_overdue: bool
    """Marked overdue (超期) while still open, whatever its current deadline says."""
    party: str


@dataclass(frozen=True)
class LeaderPage:
    rows: list[LeaderRow]
    total: int
    late: int
    """How many of the leader's cases are overdue (listed first)."""
    page: int
    pages: int


def _names(leader: Leader, column) -> ColumnElement[bool]:
    by_name = and_(column == leader.display_name, in_scope(Case.region_code, leader.scope))
    if not leader.display_name:
        return column == leader.username
    return or_(column == leader.username, by_name)


def _mine(leader: Leader) -> ColumnElement[bool]:
    return or_(_names(leader, Case.case_leader), _names(leader, Case.lead_leader))


def _late(now: datetime) -> ColumnElement[bool]:
    """Overdue as the list shows it: a running deadline passed, or flagged while open."""
    running = _running()
    return and_(running, or_(Case.due_at < now, Case.overdue.is_(True)))


def _running() -> ColumnElement[bool]:
    """Open: its deadline (if any) still runs."""
    return Case.status.in_([str(s) for s in OPEN_STATUSES])


def _rank(now: datetime):
    """Overdue first, then running deadlines, then open cases without one, then ended."""
    running = _running()
    return case(
        (_late(now), 0),
        (and_(running, Case.due_at.is_not(None)), 1),
        (running, 2),
        else_=3,
    )


def leader_cases(
    session: Session, leader: Leader, *, page: int, now: datetime, calendar: WorkCalendar
) -> LeaderPage:
    """One page of ``leader``'s cases: overdue first, then by the deadline, soonest first."""
    mine = _mine(leader)
    total, late = session.execute(
        select(func.count(Case.id), func.count(case((_late(now), 1)))).where(mine)
    ).one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    cases = list(
        session.scalars(
            select(Case)
            .where(mine)
            .order_by(_rank(now), Case.due_at.asc().nulls_last(), Case.received_at.desc(), Case.id)
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    rows = _rows(session, cases, leader, now=now, calendar=calendar)
    return LeaderPage(rows=rows, total=total, late=late, page=page, pages=pages)


def _as(row: Case, leader: Leader) -> str:
    names = {leader.username, leader.display_name} - {""}
    pairs = ((CASE_LEADER, row.case_leader), (LEAD_LEADER, row.lead_leader))
    return "、".join(label for label, value in pairs if value in names)


def _rows(
    session: Session, cases: list[Case], leader: Leader, *, now: datetime, calendar: WorkCalendar
) -> list[LeaderRow]:
    parties = parties_of(session, [c.id for c in cases])
    regions = load_regions(session) if cases else {}
    deadlines = case_deadlines(session, cases)
    rows = []
    for row in cases:
        own = parties.get(row.id, [])
        rows.append(
            LeaderRow(
                id=row.id,
                code=row.code or "（待赋码）",
                summary=scrub(row.summary, own),
                risk_colour=row.risk_colour,
                status=row.status,
                level=level_of(row.level),
                holder=holder_unit(
                    level=row.level,
                    owner_unit=row.owner_unit,
                    region_code=row.region_code,
                    regions=regions,
                ),
                as_=_as(row, leader),
                due=deadline_badge(deadlines[row.id], now, calendar),
                flagged_overdue=row.overdue and row.status in OPEN_STATUSES,
                party=masked_party(own[0] if own else None),
            )
        )
    return rows
