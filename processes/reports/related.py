"""Batched counts from the tables beside the case: mediations, callbacks, court figures.

Each function answers several windows with one aggregate query, restricted to cases of
the report's regions (joined on ``dispute_case``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, literal, select, union_all
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


@dataclass(frozen=True)
class MediationCounts:
    """The two 调解成功率 counts of each window, by hand-off (诉调/警调/访调)."""

    received: dict[str, list[Pair]]
    """By the case's channel: (reached 达成协议 before the window's cut-off, 三调 cases
    received in the window): the published 调解成功率."""
    concluded: dict[str, list[Pair]]
    """By the mediation's hand-off: (达成协议, any outcome) among cases concluded in the
    window: 结案调解成功率."""


def mediation_counts(
    session: Session,
    *,
    regions: Collection[str] | None,
    windows: Sequence[Window],
    cutoffs: Sequence[datetime],
) -> MediationCounts:
    """Both mediation success counts of each window, from one statement (two arms: the
    三调 cases received, walking the received index and looking their mediation up; the
    mediations of cases concluded)."""
    received_cols, concluded_cols = [], []
    for i, (window, cutoff) in enumerate(zip(windows, cutoffs, strict=True)):
        pushed = c.within(Case.received_at, window)
        agreed = and_(pushed, Mediation.outcome == c.AGREED, Mediation.agreement_at < cutoff)
        received_cols += [c.count_if(agreed).label(f"n{i}"), c.count_if(pushed).label(f"d{i}")]
        decided = and_(c.concluded(window), Mediation.outcome.is_not(None))
        concluded_cols += [
            c.count_if(and_(decided, Mediation.outcome == c.AGREED)).label(f"n{i}"),
            c.count_if(decided).label(f"d{i}"),
        ]
    in_scope = c.in_regions(Case.region_code, regions)
    received = (
        select(literal("received").label("kind"), Case.channel.label("handoff"), *received_cols)
        .select_from(Case)
        .outerjoin(Mediation, Mediation.case_id == Case.id)
        .where(
            in_scope,
            c.any_within(Case.received_at, windows),
            c.not_cancelled(),
            Case.channel.in_(c.HANDOFFS),
        )
        .group_by(Case.channel)
    )
    concluded = (
        select(literal("concluded"), Mediation.handoff, *concluded_cols)
        .join(Case, Case.id == Mediation.case_id)
        .where(in_scope, c.concluded_in_any(windows))
        .group_by(Mediation.handoff)
    )
    found: dict[str, dict[str, list[Pair]]] = {"received": {}, "concluded": {}}
    for row in session.execute(union_all(received, concluded)).mappings():
        found[row["kind"]][row["handoff"]] = [
            Pair(int(row[f"n{i}"] or 0), int(row[f"d{i}"] or 0)) for i in range(len(windows))
        ]
    return MediationCounts(**found)


def callback_counts(
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> list[Pair]:
    """For each window: (callbacks answered 满意 or 基本满意, all callbacks), by ``at``."""
    columns = []
    for i, window in enumerate(windows):
        made = c.within(CallbackRecord.at, window)
        satisfied = and_(made, CallbackRecord.evaluation.in_(c.SATISFIED))
        columns += [c.count_if(satisfied).label(f"n{i}"), c.count_if(made).label(f"d{i}")]
    query = select(*columns).where(c.any_within(CallbackRecord.at, windows))
    if regions is not None:  # the case says where: join it only to filter by region
        query = query.join(Case, Case.id == CallbackRecord.case_id).where(
            c.in_regions(Case.region_code, regions)
        )
    row = session.execute(query).mappings().one()
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
    session: Session, *, regions: Collection[str] | None, windows: Sequence[Window]
) -> list[list[tuple[date, date, int]]]:
    """For each window: (local day received, local day resolved, how many cases) over the
    cases resolved in it, grouped in SQL: the input of the working-day average."""
    groups = c.disjoint_groups(windows)
    if len(groups) > 1:
        result: dict[int, list[tuple[date, date, int]]] = {}
        for group in groups:
            found = handling_day_pairs(
                session, regions=regions, windows=[windows[i] for i in group]
            )
            result.update(zip(group, found, strict=True))
        return [result[i] for i in range(len(windows))]
    bucket = c.bucket(Case.resolved_at, windows)
    received_day, resolved_day = c.local_day(Case.received_at), c.local_day(Case.resolved_at)
    query = (
        select(bucket, received_day, resolved_day, func.count())
        .where(c.in_regions(Case.region_code, regions), c.any_within(Case.resolved_at, windows))
        .group_by(bucket, received_day, resolved_day)
    )
    pairs: list[list[tuple[date, date, int]]] = [[] for _ in windows]
    for i, received, resolved, n in session.execute(query):
        pairs[i].append((c.as_date(received), c.as_date(resolved), n))
    return pairs
