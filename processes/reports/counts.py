"""Batched case counts: one query answers many periods (conditional sums) or many groups.

A report needs the same counts for the period, the one before it and the one a year
ago, and the period's counts by type, channel, level, region and colour: each is one
aggregate query over the rows touched in those windows, never a row per case.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from ..enums import Channel
from ..models import Case
from . import conditions as c
from .conditions import Window


@dataclass(frozen=True)
class CaseCounts:
    """A period's case counts (see ``metrics`` for each one's definition)."""

    received: int = 0
    resolved: int = 0
    concluded: int = 0
    overdue_concluded: int = 0
    """Concluded in the period with the ``overdue`` flag set."""
    township_resolved: int = 0
    """Resolved in the period at a level of 四级七天 (网格员 … 镇党委政府)."""
    returned: int = 0
    court_received: int = 0
    """诉调 cases received in the period (numerator of 分流率)."""


def _measures(window: Window) -> dict[str, object]:
    """The condition behind each ``CaseCounts`` field for one window."""
    return {
        "received": c.received(window),
        "resolved": c.resolved(window),
        "concluded": c.concluded(window),
        "overdue_concluded": and_(c.concluded(window), Case.overdue.is_(True)),
        "township_resolved": and_(c.resolved(window), Case.level.in_(c.TOWNSHIP_LEVELS)),
        "returned": c.returned(window),
        "court_received": and_(c.received(window), Case.channel == Channel.COURT.value),
    }


def case_counts(
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> list[CaseCounts]:
    """The counts of each window, in order, from one query."""
    columns = [
        c.count_if(condition).label(f"{name}_{i}")
        for i, window in enumerate(windows)
        for name, condition in _measures(window).items()
    ]
    query = select(*columns).where(c.in_regions(Case.region_code, regions), c.touched(windows))
    row = session.execute(query).one()
    names = [f.name for f in fields(CaseCounts)]
    return [
        CaseCounts(**{name: int(row._mapping[f"{name}_{i}"] or 0) for name in names})
        for i in range(len(windows))
    ]


GROUP_COLUMNS = {
    "type": Case.dispute_type,
    "channel": Case.channel,
    "level": Case.level,
    "region": Case.region_code,
    "risk": Case.risk_colour,
}
"""The breakdowns' dimensions and the case column each groups by."""


@dataclass(frozen=True)
class GroupRow:
    """The counts of one combination of the dimensions, this period and (received) the
    period before."""

    keys: dict[str, str | None]
    counts: CaseCounts
    previous_received: int


def grouped_counts(
    session: Session,
    *,
    regions: Collection[str] | None,
    window: Window,
    previous: Window,
) -> list[GroupRow]:
    """The period's counts grouped by every dimension at once (a few thousand rows at most
    for a month of a county), plus what each group received in ``previous``."""
    dims = list(GROUP_COLUMNS.values())
    sums = [c.count_if(cond).label(name) for name, cond in _measures(window).items()]
    before = c.count_if(c.received(previous)).label("previous_received")
    query = (
        select(*dims, *sums, before)
        .where(
            c.in_regions(Case.region_code, regions),
            c.touched([window]) | c.within(Case.received_at, previous),
        )
        .group_by(*dims)
    )
    names = [f.name for f in fields(CaseCounts)]
    rows = []
    for row in session.execute(query):
        m = row._mapping
        rows.append(
            GroupRow(
                keys={key: m[column.key] for key, column in GROUP_COLUMNS.items()},
                counts=CaseCounts(**{name: int(m[name] or 0) for name in names}),
                previous_received=int(m["previous_received"] or 0),
            )
        )
    return rows


def trend_counts(
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> list[tuple[int, int, int]]:
    """(received, resolved, concluded) of each of consecutive ``windows``, in order.

    Each time stamp is bucketed by a CASE over the windows' ends and counted with GROUP
    BY, on its own index range: three small aggregates in one statement.
    """
    span = (windows[0][0], windows[-1][1])
    in_scope = c.in_regions(Case.region_code, regions)

    def bucketed(kind: str, column, condition):
        bucket = case(*((column < end, i) for i, (_, end) in enumerate(windows)))
        return (
            select(literal(kind).label("kind"), bucket.label("bucket"), func.count())
            .where(in_scope, condition)
            .group_by(bucket)
        )

    query = union_all(
        bucketed("received", Case.received_at, c.received(span)),
        bucketed("resolved", Case.resolved_at, c.resolved(span)),
        bucketed("ended", Case.closed_at, c.ended_unresolved(span)),
    )
    found = {(kind, bucket): n for kind, bucket, n in session.execute(query)}
    return [
        (
            found.get(("received", i), 0),
            found.get(("resolved", i), 0),
            found.get(("resolved", i), 0) + found.get(("ended", i), 0),
        )
        for i in range(len(windows))
    ]
