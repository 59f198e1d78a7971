"""A period's case counts grouped by each breakdown dimension, in one statement.

The rows the period touches (received in it or in the period before, resolved or ended
unresolved in it) are read once into a common table expression with one 0/1 column per
count; each dimension then sums them with its own GROUP BY. The result is a few hundred
rows at most (one per type, channel, level, region, colour), whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from ..enums import CaseStatus, Channel
from ..models import Case
from . import conditions as c
from .conditions import Window
from .counts import CaseCounts

GROUP_COLUMNS = {
    "type": Case.dispute_type,
    "channel": Case.channel,
    "level": Case.level,
    "region": Case.region_code,
    "risk": Case.risk_colour,
}
"""The breakdowns' dimensions and the case column each groups by."""


@dataclass(frozen=True)
class Group:
    """One value of a dimension: its counts in the period, and what it received in the
    period before (for hotspots)."""

    counts: CaseCounts
    previous_received: int


def _flag(condition) -> object:
    return case((condition, 1), else_=0)


def grouped_counts(
    session: Session,
    *,
    regions: Collection[str] | None,
    window: Window,
    previous: Window,
    cutoff: datetime,
) -> dict[str, dict[str | None, Group]]:
    """``{dimension: {value: Group}}`` for every dimension of ``GROUP_COLUMNS``; cases
    received in ``window`` count as resolved for 化解率 when resolved before ``cutoff``."""
    received, resolved = c.received(window), c.resolved(window)
    ended = c.ended_unresolved(window)
    overdue, settled = Case.overdue.is_(True), or_(resolved, ended)
    flags = {
        "received": _flag(received),
        "resolved": _flag(resolved),
        "concluded": _flag(settled),
        "overdue_concluded": _flag(and_(settled, overdue)),
        "township_resolved": _flag(and_(resolved, Case.level.in_(c.TOWNSHIP_LEVELS))),
        "returned": _flag(and_(ended, Case.status == CaseStatus.RETURNED.value)),
        "court_received": _flag(and_(received, Case.channel == Channel.COURT.value)),
        "received_resolved": _flag(and_(received, Case.resolved_at < cutoff)),
        "previous_received": _flag(c.received(previous)),
    }
    touched = (
        select(
            *(column.label(dim) for dim, column in GROUP_COLUMNS.items()),
            *(flag.label(name) for name, flag in flags.items()),
        )
        .where(
            c.in_regions(Case.region_code, regions),
            or_(
                c.any_within(Case.received_at, [previous, window]),
                c.within(Case.resolved_at, window),
                and_(c.unresolved_end(), c.within(Case.closed_at, window)),
            ),
        )
        .cte("touched")
    )
    selects = [
        select(
            literal(dim).label("dim"),
            touched.c[dim].label("key"),
            *(func.sum(touched.c[name]).label(name) for name in flags),
        ).group_by(touched.c[dim])
        for dim in GROUP_COLUMNS
    ]
    result: dict[str, dict[str | None, Group]] = {dim: {} for dim in GROUP_COLUMNS}
    for row in session.execute(union_all(*selects)).mappings():
        values = {name: int(row[name] or 0) for name in flags}
        previous_received = values.pop("previous_received")
        result[row["dim"]][row["key"]] = Group(CaseCounts(**values), previous_received)
    return result
