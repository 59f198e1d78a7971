"""Batched counts from the tables beside the case: mediations, callbacks, court figures.

Each function answers several windows with one aggregate query, restricted to cases of
the report's regions (joined on ``dispute_case``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import CallbackRecord, Case, CourtFiling, Mediation
from . import conditions as c
from .conditions import Window


@dataclass(frozen=True)
class Pair:
    """A numerator and its denominator, before they become a ``Rate``."""

    n: int = 0
    d: int = 0

    def __add__(self, other: Pair) -> Pair:
        return Pair(self.n + other.n, self.d + other.d)


def mediation_counts(
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> dict[str, list[Pair]]:
    """By hand-off (诉调/警调/访调): for each window, (mediations that reached 达成协议,
    mediations with an outcome) among cases concluded in the window."""
    columns = []
    for i, window in enumerate(windows):
        decided = and_(c.concluded(window), Mediation.outcome.is_not(None))
        columns.append(c.count_if(and_(decided, Mediation.outcome == c.AGREED)).label(f"n{i}"))
        columns.append(c.count_if(decided).label(f"d{i}"))
    query = (
        select(Mediation.handoff, *columns)
        .join(Case, Case.id == Mediation.case_id)
        .where(c.in_regions(Case.region_code, regions), c.touched(windows))
        .group_by(Mediation.handoff)
    )
    return {
        row.handoff: [
            Pair(int(row._mapping[f"n{i}"] or 0), int(row._mapping[f"d{i}"] or 0))
            for i in range(len(windows))
        ]
        for row in session.execute(query)
    }


def callback_counts(
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> list[Pair]:
    """For each window: (callbacks answered 满意 or 基本满意, all callbacks), by ``at``."""
    columns = []
    for i, window in enumerate(windows):
        made = c.within(CallbackRecord.at, window)
        satisfied = and_(made, CallbackRecord.evaluation.in_(c.SATISFIED))
        columns += [c.count_if(satisfied).label(f"n{i}"), c.count_if(made).label(f"d{i}")]
    any_window = c.merged(windows)
    query = (
        select(*columns)
        .select_from(CallbackRecord)
        .join(Case, Case.id == CallbackRecord.case_id)
        .where(
            c.in_regions(Case.region_code, regions),
            or_(*(c.within(CallbackRecord.at, w) for w in any_window)),
        )
    )
    row = session.execute(query).one()._mapping
    return [Pair(int(row[f"n{i}"] or 0), int(row[f"d{i}"] or 0)) for i in range(len(windows))]


def court_filings(
    session: Session, *, regions: Collection[str] | None, months: Collection[date]
) -> dict[date, int]:
    """The court's civil filings entered for each of ``months`` in ``regions`` (summed
    over regions); a month nobody entered is absent."""
    if not months:
        return {}
    query = (
        select(CourtFiling.month, func.sum(CourtFiling.civil_cases))
        .where(
            c.in_regions(CourtFiling.region_code, regions),
            CourtFiling.month.in_(sorted(months)),
        )
        .group_by(CourtFiling.month)
    )
    return {month: int(total) for month, total in session.execute(query)}


def handling_day_pairs(
    session: Session, *, regions: Collection[str] | None, window: Window
) -> list[tuple[date, date, int]]:
    """(local day received, local day resolved, how many cases) over the cases resolved
    in ``window``: the input of the working-day average, grouped in SQL."""
    received_day, resolved_day = c.local_day(Case.received_at), c.local_day(Case.resolved_at)
    query = (
        select(received_day, resolved_day, func.count())
        .where(c.in_regions(Case.region_code, regions), c.resolved(window))
        .group_by(received_day, resolved_day)
    )
    return [(c.as_date(a), c.as_date(b), n) for a, b, n in session.execute(query)]
