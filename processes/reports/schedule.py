"""Which scheduled reports are due: every ended period of each kind, for every active
region at 市/县/镇/村 level, that has no scheduled snapshot yet.

Periods end on local (Asia/Shanghai) midnights. A scheduler that was down catches up, but
only so far back (``CATCH_UP``: 31 days, 8 weeks, 3 months, 2 quarters) and never before
the first case was received: a new installation does not issue years of empty reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..deadlines import local
from ..models import Case, Region, ReportSnapshot
from .periods import Period, PeriodKind
from .regions import REPORT_LEVELS

CATCH_UP: dict[PeriodKind, int] = {
    PeriodKind.DAY: 31,
    PeriodKind.WEEK: 8,
    PeriodKind.MONTH: 3,
    PeriodKind.QUARTER: 2,
}
"""The scheduled kinds, in issuing order, and how many ended periods of each are caught up."""


@dataclass(frozen=True)
class Due:
    """One scheduled report to issue: a region's period."""

    region_code: str
    period: Period

    @property
    def kind(self) -> PeriodKind:
        return self.period.kind


def ended_periods(kind: PeriodKind, now: datetime, *, since: date) -> list[Period]:
    """The last ``CATCH_UP[kind]`` periods of ``kind`` that ended by ``now``, oldest first,
    leaving out those that ended before the local day ``since``."""
    latest = Period.containing(kind, local(now).date()).previous()
    periods: list[Period] = []
    for _ in range(CATCH_UP[kind]):
        if latest.last < since:
            break
        periods.append(latest)
        latest = latest.previous()
    return periods[::-1]


def first_receipt(session: Session) -> date | None:
    """The local day the first case was received, or ``None`` before any case."""
    first = session.scalar(select(func.min(Case.received_at)))
    return local(first).date() if first is not None else None


def report_regions(session: Session) -> list[str]:
    """Active regions reports are issued for, top level first."""
    rows = session.execute(
        select(Region.code, Region.level).where(
            Region.active.is_(True), Region.level.in_(REPORT_LEVELS)
        )
    ).all()
    return [code for code, level in sorted(rows, key=lambda r: (REPORT_LEVELS.index(r[1]), r[0]))]


def _issued(session: Session, since: date) -> set[tuple[str, str, date]]:
    rows = session.execute(
        select(ReportSnapshot.kind, ReportSnapshot.region_code, ReportSnapshot.first).where(
            ReportSnapshot.scheduled.is_(True), ReportSnapshot.first >= since
        )
    )
    return {(kind, region, first) for kind, region, first in rows}


def due_periods(session: Session, now: datetime) -> list[Due]:
    """Every ended period of each scheduled kind and report region without a scheduled
    snapshot, within the catch-up window and not before the first case's receipt; oldest
    period first (a day before its week, a week before its month)."""
    since = first_receipt(session)
    if since is None:
        return []
    periods = [p for kind in CATCH_UP for p in ended_periods(kind, now, since=since)]
    if not periods:
        return []
    regions = report_regions(session)
    issued = _issued(session, min(p.first for p in periods))
    ordered = sorted(periods, key=lambda p: (p.last, list(CATCH_UP).index(p.kind)))
    return [
        Due(region, period)
        for period in ordered
        for region in regions
        if (period.kind.value, region, period.first) not in issued
    ]
