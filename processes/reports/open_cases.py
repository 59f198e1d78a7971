"""Open cases as of a moment: by risk colour, overdue, and the overdue list.

"Open" is the case's status now (已受理/办理中), so these figures describe the moment a
report is built (``as_of``), not a past period: a snapshot keeps what they were.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..calendar import WorkCalendar
from ..deadlines import local
from ..enums import RiskColour
from ..models import Case, DisputeType, Region
from . import conditions as c
from .workdays import WorkdayIndex

OVERDUE_LIST_LIMIT = 200


def open_by_colour(
    session: Session, *, regions: Collection[str] | None, as_of: datetime
) -> tuple[dict[str, int], int]:
    """Open cases by risk colour (红/黄/绿, each present), and how many are overdue."""
    query = (
        select(Case.risk_colour, func.count(), c.count_if(c.overdue_open(as_of)))
        .where(Case.status.in_(c.OPEN_STATUSES), c.in_regions(Case.region_code, regions))
        .group_by(Case.risk_colour)
    )
    colours = {colour.value: 0 for colour in RiskColour}
    overdue = 0
    for colour, n, late in session.execute(query):
        colours[colour] = colours.get(colour, 0) + n
        overdue += int(late or 0)
    return colours, overdue


def overdue_list(
    session: Session,
    *,
    regions: Collection[str] | None,
    as_of: datetime,
    calendar: WorkCalendar,
    limit: int = OVERDUE_LIST_LIMIT,
) -> list[dict[str, Any]]:
    """The open overdue cases as of ``as_of``, most overdue (earliest deadline) first.

    ``overdue_working_days``: working days after the deadline's local day up to
    ``as_of``'s local day (0 on the deadline day; ``None`` for a case flagged overdue
    without a deadline). No party, summary or other personal data.
    """
    type_name = select(DisputeType.name).where(DisputeType.code == Case.dispute_type)
    region_name = select(Region.name).where(Region.code == Case.region_code)
    query = (
        select(
            Case.id,
            Case.code,
            type_name.scalar_subquery().label("type"),
            region_name.scalar_subquery().label("region"),
            Case.level,
            Case.owner_unit,
            Case.risk_colour,
            Case.due_at,
        )
        .where(c.overdue_open(as_of), c.in_regions(Case.region_code, regions))
        .order_by(Case.due_at.is_(None), Case.due_at, Case.id)
        .limit(limit)
    )
    rows = session.execute(query).all()
    today = local(as_of).date()
    due_days = [local(row.due_at).date() for row in rows if row.due_at is not None]
    index = WorkdayIndex.covering(calendar, [*due_days, today])
    return [
        {
            "case_id": row.id,
            "code": row.code,
            "type": row.type,
            "region": row.region,
            "level": row.level,
            "owner_unit": row.owner_unit,
            "risk_colour": row.risk_colour,
            "due_at": row.due_at.isoformat() if row.due_at else None,
            "overdue_working_days": (
                index.after(local(row.due_at).date(), today) if row.due_at else None
            ),
        }
        for row in rows
    ]
