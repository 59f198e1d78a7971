"""One region's report for one period: the dict snapshots store and pages render.

``build_report`` reads the region tree, then answers the period, the period before (环比),
the same period a year ago (同比) and the trend with batched aggregate queries (eleven in
all, whatever the number of cases: ``counts``, ``groups``, ``related``, ``open_cases``),
and the open-case figures as of ``as_of``. 化解率 and 调解成功率 count the resolutions and
agreements of each period's received cases up to that period's ``metrics.cutoff``. The
dict is JSON-serialisable and carries no personal data (no party, summary or free text;
cases by code only).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..calendar import WorkCalendar, load_calendar
from ..field.ledger import screenings_by_grid
from ..models import DisputeType
from . import counts, open_cases, related, sections
from .groups import grouped_counts
from .metrics import FIGURES, PERCENT, Rate, average_working_days, court_total, cutoff, rate
from .periods import Period, PeriodKind
from .regions import RegionTree

HEADLINE_KEYS = (
    "received",
    "concluded",
    "resolved",
    "received_resolution_rate",
    "resolution_rate",
    "received_mediation_success_rate",
    "mediation_success_rate",
    "satisfaction_rate",
    "avg_handling_days",
    "overdue_rate",
    "overdue_open",
    "township_share",
    "diversion_rate",
)
"""The headline figures in order (``metrics.FIGURES`` has their labels, units, 口径); each
published figure is followed by its second definition."""
HEADLINE = tuple((key, FIGURES[key].label, FIGURES[key].unit) for key in HEADLINE_KEYS)
"""key, label, unit of each headline figure (rates are fractions 0..1)."""
RATE_KEYS = tuple(key for key, _, unit in HEADLINE if unit == PERCENT)


def build_report(
    session: Session, *, region_code: str, period: Period, as_of: datetime
) -> dict[str, Any]:
    """The report of ``region_code`` and every region below it for ``period``; open cases
    (超期在办, risk colours, overdue list) as of ``as_of``. See the module ``metrics`` for
    each figure's definition."""
    tree = RegionTree.load(session)
    region = tree.get(region_code)
    regions = tree.scope(region_code)
    calendar = load_calendar(session)
    trend = period.trend()
    periods = [period, period.previous(), period.year_ago()]
    figures, mediation, trend_counts = _period_figures(
        session, regions, periods, trend, calendar, as_of
    )
    groups = grouped_counts(
        session,
        regions=regions,
        window=(period.start, period.end),
        previous=(periods[1].start, periods[1].end),
        cutoff=as_of,
    )
    type_names = _type_names(session)
    colours, overdue_open = open_cases.open_by_colour(session, regions=regions, as_of=as_of)
    figures[0]["overdue_open"] = overdue_open  # as of now: the past is not reconstructed
    report = {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": {**period.to_dict(), "key": period.key, "label": period.label},
        "as_of": as_of.astimezone(UTC).isoformat(),
        "headline": _headline(figures),
        "rates": {key: figures[0][key] for key in RATE_KEYS},
        "breakdowns": sections.breakdowns(
            groups, type_names=type_names, tree=tree, root=region_code
        ),
        "handoffs": sections.handoffs(
            groups, mediation=mediation, diversion=figures[0]["diversion_rate"]
        ),
        "risk_open": colours,
        "hotspots": sections.hotspots(groups, type_names=type_names),
        "trend": _trend(trend, trend_counts),
        "overdue": open_cases.overdue_list(
            session, regions=regions, as_of=as_of, calendar=calendar
        ),
    }
    if period.kind is PeriodKind.WEEK:  # 周研判 counts each grid's screening rounds
        report["screenings"] = screenings_by_grid(
            session, regions=regions, first=period.first, last=period.last
        )
    return report


def _period_figures(
    session: Session,
    regions: Collection[str] | None,
    periods: list[Period],
    trend: list[Period],
    calendar: WorkCalendar,
    as_of: datetime,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Rate]], list[counts.CaseCounts]]:
    """Every headline figure (rates as ``Rate``) of each of ``periods`` (the period, the
    one before, the one a year ago); the period's two mediation success rates by hand-off
    (``{"received": {hand-off: Rate}, "concluded": {...}}``); and the case counts of each
    ``trend`` period (which ends with the period and the one before it: one statement
    counts them all with the year-ago period)."""
    windows = [(p.start, p.end) for p in periods]
    cutoffs = [cutoff(p, report=periods[0], as_of=as_of) for p in periods]
    counted = trend if periods[2] in trend else [*trend, periods[2]]
    found = counts.case_counts(
        session,
        regions=regions,
        windows=[(p.start, p.end) for p in counted],
        cutoffs=[cutoff(p, report=periods[0], as_of=as_of) for p in counted],
    )
    case = [found[counted.index(p)] for p in periods]
    mediation = related.mediation_counts(session, regions=regions, windows=windows, cutoffs=cutoffs)
    callbacks = related.callback_counts(session, regions=regions, windows=windows)
    handling = related.handling_day_pairs(session, regions=regions, windows=windows)
    months = {month for p in periods for month in p.months() or []}
    filed = related.court_filings(session, regions=regions, months=months)
    result = []
    for i, period in enumerate(periods):
        figures = case[i]
        agreed = sum((pairs[i] for pairs in mediation.received.values()), related.Pair())
        success = sum((pairs[i] for pairs in mediation.concluded.values()), related.Pair())
        result.append(
            {
                "received": figures.received,
                "concluded": figures.concluded,
                "resolved": figures.resolved,
                "received_resolution_rate": rate(figures.received_resolved, figures.received),
                "resolution_rate": rate(figures.resolved, figures.concluded),
                "received_mediation_success_rate": rate(agreed.n, agreed.d),
                "mediation_success_rate": rate(success.n, success.d),
                "satisfaction_rate": rate(callbacks[i].n, callbacks[i].d),
                "avg_handling_days": average_working_days(handling[i], calendar),
                "overdue_rate": rate(figures.overdue_concluded, figures.concluded),
                "overdue_open": None,
                "township_share": rate(figures.township_resolved, figures.resolved),
                "diversion_rate": rate(figures.court_received, court_total(filed, period)),
            }
        )
    by_handoff = {
        "received": {
            key: rate(pairs[0].n, pairs[0].d) for key, pairs in mediation.received.items()
        },
        "concluded": {
            key: rate(pairs[0].n, pairs[0].d) for key, pairs in mediation.concluded.items()
        },
    }
    return result, by_handoff, found[: len(trend)]


def _value(figure: Any) -> float | int | None:
    return figure["value"] if isinstance(figure, dict) else figure


def change(value: float | None, before: float | None, *, unit: str) -> float | None:
    """环比/同比: for a rate the difference in points (as a fraction); for a count or a
    number of days the relative change (v - p) / p, ``None`` when p is 0."""
    if value is None or before is None:
        return None
    if unit == PERCENT:
        return value - before
    return (value - before) / before if before else None


def _headline(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    current, previous, year_ago = figures
    result = []
    for key, label, unit in HEADLINE:
        value, before, last_year = (_value(f[key]) for f in (current, previous, year_ago))
        result.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "variant_of": FIGURES[key].variant_of,
                "value": value,
                "previous": before,
                "year_ago": last_year,
                "mom": change(value, before, unit=unit),
                "yoy": change(value, last_year, unit=unit),
            }
        )
    return result


def _trend(trend: list[Period], found: list[counts.CaseCounts]) -> list[dict[str, Any]]:
    return [
        {
            "label": p.label,
            "key": p.key,
            "first": p.first.isoformat(),
            "last": p.last.isoformat(),
            "received": figures.received,
            "resolved": figures.resolved,
            "received_resolution_rate": rate(figures.received_resolved, figures.received),
            "resolution_rate": rate(figures.resolved, figures.concluded),
        }
        for p, figures in zip(trend, found, strict=True)
    ]


def _type_names(session: Session) -> dict[str, str]:
    """First-level dispute types by code, in code order."""
    query = (
        select(DisputeType.code, DisputeType.name)
        .where(DisputeType.parent_code.is_(None))
        .order_by(DisputeType.code)
    )
    return dict(session.execute(query).all())
