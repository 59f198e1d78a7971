"""The figures a center is judged by, one function each, with its exact definition.

Common to all: a case counts for a region set when its ``region_code`` is in the set
(``regions=None``: every region); a time stamp is in a period when ``period.start <= t
< period.end`` (local Asia/Shanghai days, stored as UTC). Only projection tables are read
(``dispute_case``, ``mediation``, ``callback_record``, ``court_filing``): never workflow
state. A trial run (试运行) writes none of these rows, so it is never counted.

A rate is a ``Rate`` dict ``{"n": numerator, "d": denominator, "value": n / d}`` with
``value`` ``None`` when ``d`` is 0. ``report.build_report`` computes the same figures in
batched queries built from the same conditions (``conditions``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TypedDict

from sqlalchemy.orm import Session

from ..calendar import WorkCalendar, load_calendar
from . import counts, open_cases, related
from .periods import Period
from .workdays import WorkdayIndex

Regions = Collection[str] | None


class Rate(TypedDict):
    """A rate with its parts, as reports store it: ``value`` is ``n / d`` or ``None``."""

    n: int
    d: int
    value: float | None


def rate(n: int, d: int) -> Rate:
    return {"n": n, "d": d, "value": n / d if d else None}


def _counts(session: Session, regions: Regions, period: Period) -> counts.CaseCounts:
    return counts.case_counts(session, regions=regions, windows=[(period.start, period.end)])[0]


def received(session: Session, *, regions: Regions, period: Period) -> int:
    """受理数: cases with ``received_at`` in the period, except cancelled ones (已撤销)."""
    return _counts(session, regions, period).received


def resolved(session: Session, *, regions: Regions, period: Period) -> int:
    """化解数: cases with ``resolved_at`` in the period (whatever their status now)."""
    return _counts(session, regions, period).resolved


def concluded(session: Session, *, regions: Regions, period: Period) -> int:
    """办结数: cases resolved in the period, plus cases never resolved (``resolved_at``
    empty) whose status is 已引导 (guided) or 已退回 (returned) with ``closed_at`` in the
    period."""
    return _counts(session, regions, period).concluded


def resolution_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """化解率 = 化解数 / 办结数 of the period."""
    figures = _counts(session, regions, period)
    return rate(figures.resolved, figures.concluded)


def mediation_success_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """调解成功率: among 三调 cases (those with a ``mediation`` row) concluded in the period
    whose mediation has an outcome, those whose outcome is 达成协议.

    d = such cases with any outcome; n = those with 达成协议. A matter returned at once
    as unfit for mediation has no outcome and is in neither.
    """
    window = (period.start, period.end)
    by_handoff = related.mediation_counts(session, regions=regions, windows=[window])
    total = sum((pairs[0] for pairs in by_handoff.values()), related.Pair())
    return rate(total.n, total.d)


def satisfaction_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """满意率: ``callback_record`` rows (every round of every case) with ``at`` in the
    period; n = those evaluated 满意 or 基本满意, d = all of them."""
    window = (period.start, period.end)
    pair = related.callback_counts(session, regions=regions, windows=[window])[0]
    return rate(pair.n, pair.d)


def avg_handling_days(
    session: Session,
    *,
    regions: Regions,
    period: Period,
    calendar: WorkCalendar | None = None,
) -> float | None:
    """平均办理时长 in working days, over the cases resolved in the period (``None`` when
    there are none).

    Per case: the working days after the local day of ``received_at`` up to and
    including the local day of ``resolved_at`` (the start day is not counted: received
    Monday, resolved Wednesday = 2; resolved the day it came = 0), on the official
    calendar with the admins' overrides (``load_calendar``). Cases are grouped by their
    (received day, resolved day) in SQL and counted with one cumulative index of working
    days over the span.
    """
    calendar = calendar or load_calendar(session)
    window = (period.start, period.end)
    pairs = related.handling_day_pairs(session, regions=regions, windows=[window])[0]
    return average_working_days(pairs, calendar)


def average_working_days(pairs: list[tuple], calendar: WorkCalendar) -> float | None:
    """The mean working days over (received day, resolved day, count) groups."""
    cases = sum(n for _, _, n in pairs)
    if not cases:
        return None
    index = WorkdayIndex.covering(calendar, [day for a, b, _ in pairs for day in (a, b)])
    return sum(n * index.after(a, b) for a, b, n in pairs) / cases


def overdue_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """超期率: of the cases concluded in the period (see ``concluded``), those whose
    ``overdue`` flag is set (they passed the 7-working-day limit or their deadline)."""
    figures = _counts(session, regions, period)
    return rate(figures.overdue_concluded, figures.concluded)


def overdue_open(session: Session, *, regions: Regions, as_of: datetime) -> int:
    """超期在办 as of a moment: cases open now (status 已受理 or 办理中) that are flagged
    ``overdue`` or whose ``due_at`` is before ``as_of``."""
    return open_cases.open_by_colour(session, regions=regions, as_of=as_of)[1]


def township_share(session: Session, *, regions: Regions, period: Period) -> Rate:
    """镇村化解占比: of the cases resolved in the period, those whose ``level`` (the level
    holding the case when it was resolved) is 网格员, 村调委会, 镇综治中心 or 镇党委政府.
    The goal is 95%."""
    figures = _counts(session, regions, period)
    return rate(figures.township_resolved, figures.resolved)


def diversion_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """诉前分流率: 诉调 cases received in the period (n) / the court's first-instance
    civil filings entered (``court_filing``) for the regions and the period's months (d).

    Only for a period made of whole months, each with at least one figure entered;
    otherwise d = 0 and the value is ``None``.
    """
    n = _counts(session, regions, period).court_received
    return rate(n, court_denominator(session, regions=regions, period=period))


def court_denominator(session: Session, *, regions: Regions, period: Period) -> int:
    """The court filings of the period's months (0 unless every month has a figure)."""
    filed = related.court_filings(session, regions=regions, months=period.months() or [])
    return court_total(filed, period)


def court_total(filed: dict, period: Period) -> int:
    """The sum of ``filed`` (figures by month) over the period's months; 0 when the period
    is not whole months or one of its months has no figure."""
    months = period.months()
    if not months or any(month not in filed for month in months):
        return 0
    return sum(filed[month] for month in months)
