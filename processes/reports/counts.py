"""Batched case counts: one statement answers many periods, or many groups of one period.

Each count belongs to one time stamp: received counts (and how many of those received were
resolved by a cut-off) to ``received_at``, resolved counts to ``resolved_at``, counts of
cases ended unresolved to ``closed_at``. So the counts of many windows are three
aggregates, each walking its own time stamp's index over the windows and grouping rows by
the window they fall in: about three range scans per report, whatever the number of
periods, never a row per case sent to Python. Each scan reads its index only: the received
one carries ``resolved_at`` too (化解率's numerator; migration 0013).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from ..enums import CaseStatus, Channel
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
    received_resolved: int = 0
    """Received in the period and resolved before the period's cut-off (numerator of 化解率)."""

    def __add__(self, other: CaseCounts) -> CaseCounts:
        return CaseCounts(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


def _parts(
    windows: Sequence[Window], cutoffs: Sequence[datetime]
) -> list[tuple[str, object, ColumnElement[bool], ColumnElement, ColumnElement]]:
    """Per time stamp: its column, the rows it counts (over all ``windows``) and the two
    sub-conditions counted beside the rows themselves."""
    overdue = Case.overdue.is_(True)
    return [
        (
            "received",
            Case.received_at,
            and_(c.any_within(Case.received_at, windows), c.not_cancelled()),
            Case.channel == Channel.COURT.value,  # court_received
            c.settled_by(Case.resolved_at, Case.received_at, windows, cutoffs),
        ),
        (
            "resolved",
            Case.resolved_at,
            c.any_within(Case.resolved_at, windows),
            Case.level.in_(c.TOWNSHIP_LEVELS),  # township_resolved
            overdue,
        ),
        (
            "ended",
            Case.closed_at,
            and_(c.unresolved_end(), c.any_within(Case.closed_at, windows)),
            Case.status == CaseStatus.RETURNED.value,  # returned
            overdue,
        ),
    ]


def case_counts(
    session: Session,
    *,
    regions: Collection[str] | None,
    windows: Sequence[Window],
    cutoffs: Sequence[datetime] | None = None,
) -> list[CaseCounts]:
    """The counts of each window, in order, from one statement. ``received_resolved``
    counts resolutions before ``cutoffs[i]`` for ``windows[i]`` (default: the window's end).

    Windows that overlap are answered by separate statements (a row would belong to two).
    """
    cutoffs = list(cutoffs) if cutoffs is not None else [end for _, end in windows]
    groups = c.disjoint_groups(windows)
    if len(groups) > 1:
        result: dict[int, CaseCounts] = {}
        for group in groups:
            found = case_counts(
                session,
                regions=regions,
                windows=[windows[i] for i in group],
                cutoffs=[cutoffs[i] for i in group],
            )
            result.update(zip(group, found, strict=True))
        return [result[i] for i in range(len(windows))]
    in_scope = c.in_regions(Case.region_code, regions)
    selects = []
    for kind, column, rows, first, second in _parts(windows, cutoffs):
        flagged = _flagged(c.bucket(column, windows), first, second, in_scope, rows)
        selects.append(
            select(
                literal(kind).label("kind"),
                flagged.c.bucket,
                func.count().label("n"),
                func.sum(flagged.c.a).label("a"),
                func.sum(flagged.c.b).label("b"),
            ).group_by(flagged.c.bucket)
        )
    found = {
        (row.kind, row.bucket): (row.n, int(row.a or 0), int(row.b or 0))
        for row in session.execute(union_all(*selects))
    }
    return [_counts(found, i) for i in range(len(windows))]


def _flagged(bucket, first, second, *where):
    """Each counted row as (its window's index, 0/1, 0/1), fenced in a subquery (OFFSET 0):
    PostgreSQL cannot estimate how many windows a CASE yields and, taking every row for a
    group, would sort the rows to aggregate them; over the fence it expects a few hundred
    groups and hashes them (a dozen windows in fact)."""
    return (
        select(
            bucket.label("bucket"),
            case((first, 1), else_=0).label("a"),
            case((second, 1), else_=0).label("b"),
        )
        .where(*where)
        .offset(0)
        .subquery()
    )


def _counts(found: dict[tuple[str, int], tuple[int, int, int]], i: int) -> CaseCounts:
    received, court, received_resolved = found.get(("received", i), (0, 0, 0))
    resolved, township, overdue_resolved = found.get(("resolved", i), (0, 0, 0))
    ended, returned, overdue_ended = found.get(("ended", i), (0, 0, 0))
    return CaseCounts(
        received=received,
        resolved=resolved,
        concluded=resolved + ended,
        overdue_concluded=overdue_resolved + overdue_ended,
        township_resolved=township,
        returned=returned,
        court_received=court,
        received_resolved=received_resolved,
    )
