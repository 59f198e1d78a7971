"""法院收案数: the court's first-instance civil filings per county and month, entered by the
county center (the denominator of 诉前分流率). Reading the form, saving a figure with its
operation-log entry (not committed: the view's unit of work commits), listing a year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.calendar import OperationRecorder
from processes.models import CourtFiling

from ..validation import parse_int

COURT_FILING_CHANGED = "court_filing_changed"
"""Operation-log event: a court figure entered or changed (data: region, month, before, after)."""
MAX_CASES = 1_000_000
FIRST_YEAR = 2000
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass
class FilingForm:
    """The entry form as typed, and what was wrong with it, by field."""

    region: str = ""
    month: str = ""
    civil_cases: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, str]) -> FilingForm:
        return cls(
            region=(form.get("region") or "").strip(),
            month=(form.get("month") or "").strip(),
            civil_cases=(form.get("civil_cases") or "").strip(),
        )

    def check(self, counties: Mapping[str, str], this_month: date) -> tuple[str, date, int] | None:
        """The region, month and figure, or ``None`` with ``errors`` filled in."""
        if self.region not in counties:
            self.errors["region"] = "区域：请选择本辖区内的县（区）"
        month = self._month(this_month)
        cases = self._cases()
        if self.errors or month is None or cases is None:
            return None
        return self.region, month, cases

    def _month(self, this_month: date) -> date | None:
        match = _MONTH.match(self.month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            self.errors["month"] = "月份：请按“年-月”填写，如 2026-11"
            return None
        month = date(int(match.group(1)), int(match.group(2)), 1)
        if month.year < FIRST_YEAR:
            self.errors["month"] = f"月份：不能早于 {FIRST_YEAR} 年"
        elif month > this_month:
            self.errors["month"] = "月份：不能晚于本月（尚未发生的月份没有收案数）"
        return None if "month" in self.errors else month

    def _cases(self) -> int | None:
        text = self.civil_cases.replace(",", "").replace("，", "")
        number = parse_int(text, maximum=MAX_CASES)
        if number is None:
            self.errors["civil_cases"] = f"一审民事收案数：请填写 0 到 {MAX_CASES} 之间的整数（件）"
        return number


@dataclass(frozen=True)
class Saved:
    row: CourtFiling
    changed: bool
    before: int | None


def save_filing(
    session: Session,
    *,
    region_code: str,
    month: date,
    civil_cases: int,
    actor: str,
    now: datetime,
    record: OperationRecorder,
) -> Saved:
    """Enter or correct one figure and log the change; an unchanged figure logs nothing."""
    row = session.scalar(
        select(CourtFiling).where(
            CourtFiling.region_code == region_code, CourtFiling.month == month
        )
    )
    if row is not None and row.civil_cases == civil_cases:
        return Saved(row, changed=False, before=civil_cases)
    before = row.civil_cases if row is not None else None
    if row is None:
        row = CourtFiling(region_code=region_code, month=month)
        session.add(row)
    row.civil_cases, row.entered_by, row.entered_at = civil_cases, actor, now
    session.flush()
    record(
        session,
        event_type=COURT_FILING_CHANGED,
        actor=actor,
        data={
            "region": region_code,
            "month": month.strftime("%Y-%m"),
            "before": before,
            "after": civil_cases,
        },
    )
    return Saved(row, changed=True, before=before)


@dataclass(frozen=True)
class FilingCell:
    civil_cases: int
    entered_by: str
    entered_at: datetime


def year_figures(
    session: Session, counties: Mapping[str, str], year: int
) -> dict[str, dict[int, FilingCell]]:
    """The figures of ``year`` by county code and month number."""
    figures: dict[str, dict[int, FilingCell]] = {code: {} for code in counties}
    if not counties:
        return figures
    query = select(
        CourtFiling.region_code,
        CourtFiling.month,
        CourtFiling.civil_cases,
        CourtFiling.entered_by,
        CourtFiling.entered_at,
    ).where(
        CourtFiling.region_code.in_(sorted(counties)),
        CourtFiling.month >= date(year, 1, 1),
        CourtFiling.month <= date(year, 12, 1),
    )
    for code, month, cases, by, at in session.execute(query):
        figures[code][month.month] = FilingCell(cases, by, at)
    return figures
