"""Report periods: 日汇总、周研判、月总结、季汇报 and any span on demand (按需).

A period is a run of local (Asia/Shanghai) calendar days, both ends included. Its
``start``/``end`` are the UTC instants of its first midnight and of the midnight after its
last day, so a time stamp ``t`` lies in the period when ``start <= t < end``. Weeks are ISO
weeks, Monday to Sunday; quarters are calendar quarters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from ..deadlines import SHANGHAI


class PeriodKind(StrEnum):
    """How long a report's period is; each value is the report's name users see."""

    DAY = "日汇总"
    WEEK = "周研判"
    MONTH = "月总结"
    QUARTER = "季汇报"
    CUSTOM = "按需"
    """Any span of whole days someone asked for."""


TREND_LENGTH = {PeriodKind.DAY: 30, PeriodKind.QUARTER: 8}
"""How many periods a trend shows; 12 for the kinds not listed."""

QUARTER_NAMES = "一二三四"
_PARSERS = {
    PeriodKind.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    PeriodKind.WEEK: re.compile(r"^(\d{4})-W(\d{1,2})$"),
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{1,2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.CUSTOM: re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"),
}


class PeriodInvalid(ValueError):
    """A period that cannot be: the message says why, in Chinese."""


def _day(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _month_start(year: int, month: int) -> date:
    """The first day of ``month`` of ``year``; months outside 1..12 roll over the year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """A report's period: its kind and its first and last local day (both included)."""

    kind: PeriodKind
    first: date
    last: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PeriodKind(self.kind))
        if self.first > self.last:
            raise PeriodInvalid(f"开始日期 {self.first} 晚于结束日期 {self.last}")

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        """The day, ISO week, month or quarter that contains ``day``."""
        kind = PeriodKind(kind)
        if kind is PeriodKind.DAY:
            return cls(kind, day, day)
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        if kind is PeriodKind.MONTH:
            first = day.replace(day=1)
            return cls(kind, first, _month_start(first.year, first.month + 1) - timedelta(1))
        if kind is PeriodKind.QUARTER:
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(kind, first, _month_start(first.year, first.month + 3) - timedelta(1))
        raise PeriodInvalid("按需报表没有固定周期，请用 Period.custom(开始, 结束)")

    @classmethod
    def custom(cls, first: date, last: date) -> Period:
        """Any span of whole days, ``first`` .. ``last``."""
        return cls(PeriodKind.CUSTOM, first, last)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Period:
        """The period ``to_dict`` wrote; a fixed kind must span exactly one such period."""
        try:
            kind = PeriodKind(d["kind"])
            first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PeriodInvalid(f"无法识别的报表周期：{d!r}") from exc
        if kind is PeriodKind.CUSTOM:
            return cls.custom(first, last)
        period = cls.containing(kind, first)
        if period.first != first or period.last != last:
            raise PeriodInvalid(f"{first}—{last} 不是一个完整的{kind}周期")
        return period

    @classmethod
    def parse(cls, kind: PeriodKind | str, text: str) -> Period:
        """The period named by its ``key``: ``2026-11-23``, ``2026-W48``, ``2026-11``,
        ``2026-Q4`` or ``2026-11-01..2026-11-15`` (按需)."""
        kind = PeriodKind(kind)
        match = _PARSERS[kind].match((text or "").strip())
        try:
            if match is None:
                raise ValueError(text)
            if kind is PeriodKind.CUSTOM:
                return cls.custom(*(date.fromisoformat(g) for g in match.groups()))
            if kind is PeriodKind.DAY:
                return cls.containing(kind, date(*map(int, match.groups())))
            year, number = map(int, match.groups())
            if kind is PeriodKind.WEEK:
                return cls.containing(kind, date.fromisocalendar(year, number, 1))
            month = number if kind is PeriodKind.MONTH else number * 3 - 2
            return cls.containing(kind, date(year, month, 1))
        except ValueError as exc:
            raise PeriodInvalid(f"无法识别的{kind}周期：{text!r}") from exc

    # -- what it is -----------------------------------------------------------------------

    @property
    def key(self) -> str:
        """A short name for URLs and the CLI; ``Period.parse(kind, key)`` gives it back."""
        if self.kind is PeriodKind.DAY:
            return self.first.isoformat()
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        """The period as a report's title names it."""
        first, last = self.first, self.last
        if self.kind is PeriodKind.DAY:
            return _day(first)
        if self.kind is PeriodKind.WEEK:
            year, week, _ = first.isocalendar()
            span = f"{first.month:02d}月{first.day:02d}日—{last.month:02d}月{last.day:02d}日"
            return f"{year}年第{week}周（{span}）"
        if self.kind is PeriodKind.MONTH:
            return f"{first.year}年{first.month}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{first.year}年第{QUARTER_NAMES[(first.month - 1) // 3]}季度"
        return f"{_day(first)}—{_day(last)}"

    @property
    def days(self) -> int:
        """How many calendar days the period has."""
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The UTC instant the period begins (local midnight of ``first``)."""
        return datetime.combine(self.first, time(), tzinfo=SHANGHAI).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The UTC instant just after the period (local midnight after ``last``)."""
        following = self.last + timedelta(days=1)
        return datetime.combine(following, time(), tzinfo=SHANGHAI).astimezone(UTC)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def months(self) -> list[date] | None:
        """The first days of the months the period is made of, or ``None`` when it does
        not start on a month's first day and end on a month's last day."""
        if self.first.day != 1 or (self.last + timedelta(days=1)).day != 1:
            return None
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = _month_start(month.year, month.month + 1)
        return months

    def to_dict(self) -> dict[str, str]:
        """``{"kind", "first", "last"}`` with ISO dates: JSON for snapshots and URLs."""
        return {
            "kind": self.kind.value,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }

    # -- neighbours -----------------------------------------------------------------------

    def previous(self) -> Period:
        """The period just before (环比); for 按需, as many days ending the day before."""
        if self.kind is PeriodKind.CUSTOM:
            last = self.first - timedelta(days=1)
            return Period.custom(last - timedelta(days=self.days - 1), last)
        return Period.containing(self.kind, self.first - timedelta(days=1))

    def year_ago(self) -> Period:
        """The same period a year earlier (同比): the same date, ISO week number (week 52
        for a week 53 the earlier year lacks), month or quarter; 按需 moves both ends."""
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            weeks = date(year - 1, 12, 28).isocalendar()[1]  # 28 Dec is in the last week
            monday = date.fromisocalendar(year - 1, min(week, weeks), 1)
            return Period.containing(self.kind, monday)
        if self.kind is PeriodKind.CUSTOM:
            return Period.custom(_shift_year(self.first, -1), _shift_year(self.last, -1))
        return Period.containing(self.kind, _shift_year(self.first, -1))

    def trend(self) -> list[Period]:
        """The periods of this kind ending with this one, oldest first: 30 days, 8
        quarters, else 12."""
        periods = [self]
        for _ in range(TREND_LENGTH.get(self.kind, 12) - 1):
            periods.append(periods[-1].previous())
        return periods[::-1]
