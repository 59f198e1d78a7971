"""Working days counted fast: a cumulative index over a span of days.

``WorkCalendar.working_days_between`` walks day by day; a report counts working days for
thousands of cases, so it builds one running total over the span once and answers each
count with a subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..calendar import WorkCalendar


class WorkdayIndex:
    """Running totals of working days over ``first`` .. ``last`` (both included)."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date):
        self.calendar, self.first, self.last = calendar, first, last
        self._totals: list[int] = []
        total, day = 0, first
        while day <= last:
            total += calendar.is_workday(day)
            self._totals.append(total)
            day += timedelta(days=1)

    @classmethod
    def covering(cls, calendar: WorkCalendar, days: Iterable[date]) -> WorkdayIndex:
        """An index spanning every one of ``days`` (an empty one when there are none)."""
        days = list(days)
        if not days:
            today = date.today()
            return cls(calendar, today, today)
        return cls(calendar, min(days), max(days))

    def _upto(self, day: date) -> int:
        """Working days in ``first`` .. ``day``."""
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} 不在工作日索引范围 {self.first}—{self.last} 内")
        return self._totals[(day - self.first).days]

    def after(self, start: date, end: date) -> int:
        """Working days after ``start`` up to ``end`` (start day not counted, end day
        counted): received on Monday and resolved on Wednesday is 2; 0 when ``end`` is
        not after ``start``."""
        if end <= start:
            return 0
        return self._upto(end) - self._upto(start)
