"""The form that issues a report on demand: a region in scope and a period (a kind and a
day inside it, or a custom range of days), checked with a message naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from processes.reports.periods import Period

from .choices import KINDS, RegionOption, parse_day

CUSTOM = "custom"
MAX_CUSTOM_DAYS = 366
"""A custom report covers at most a year (its trend compares 12 spans as long)."""


@dataclass
class GenerateForm:
    """The form as typed, and what was wrong with it, by field."""

    region: str = ""
    kind: str = "month"
    date: str = ""
    first: str = ""
    last: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, str]) -> GenerateForm:
        def text(name: str) -> str:
            return (form.get(name) or "").strip()

        return cls(
            region=text("region"),
            kind=text("kind"),
            date=text("date"),
            first=text("first"),
            last=text("last"),
        )

    def check(self, options: list[RegionOption], today: date) -> tuple[str, Period] | None:
        """The region and period, or ``None`` with ``errors`` filled in."""
        if self.region not in {option.code for option in options}:
            self.errors["region"] = "区域：请选择本辖区内的市、县、镇或村"
        if self.kind == CUSTOM:
            period = self._custom(today)
        elif self.kind in KINDS:
            period = self._fixed(today)
        else:
            self.errors["kind"] = "报表类型：请选择日汇总、周研判、月总结、季汇报或自定义时段"
            period = None
        if self.errors or period is None:
            return None
        return self.region, period

    def _fixed(self, today: date) -> Period | None:
        day = parse_day(self.date)
        if day is None:
            self.errors["date"] = "日期：请选择报表周期内的任意一天"
            return None
        if day > today:
            self.errors["date"] = "日期：不能晚于今天（尚未开始的周期没有数据）"
            return None
        return Period.containing(KINDS[self.kind], day)

    def _custom(self, today: date) -> Period | None:
        first, last = parse_day(self.first), parse_day(self.last)
        if first is None:
            self.errors["first"] = "开始日期：请选择自定义时段的第一天"
        if last is None:
            self.errors["last"] = "结束日期：请选择自定义时段的最后一天"
        if first is None or last is None:
            return None
        if first > last:
            self.errors["last"] = "结束日期：不能早于开始日期"
        elif last > today:
            self.errors["last"] = "结束日期：不能晚于今天（尚未过去的日子没有数据）"
        elif (last - first).days + 1 > MAX_CUSTOM_DAYS:
            self.errors["last"] = f"结束日期：自定义时段最长 {MAX_CUSTOM_DAYS} 天"
        return None if self.errors else Period.custom(first, last)
