"""A year of the working-day calendar laid out month by month, as the admin page draws it."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from processes.calendar import WorkCalendar, holiday_name


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str
    """``work``, ``weekend`` (an ordinary weekend), ``off`` (a weekday off: a holiday) or
    ``makeup`` (a weekend worked: 调休上班); the CSS class is ``cal-<kind>``."""
    title: str


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[DayCell | None]]
    """Monday-first weeks; ``None`` pads the days of other months."""


KIND_WORDS = {"work": "工作日", "weekend": "周末", "off": "放假", "makeup": "调休上班"}


def year_grid(calendar: WorkCalendar, year: int) -> list[Month]:
    """The twelve months of ``year``: each day's kind on ``calendar``."""
    layout = month_calendar.Calendar(firstweekday=0)
    return [
        Month(
            f"{month} 月",
            [
                [_cell(calendar, day) if day.month == month else None for day in week]
                for week in layout.monthdatescalendar(year, month)
            ],
        )
        for month in range(1, 13)
    ]


def _cell(calendar: WorkCalendar, day: date) -> DayCell:
    workday, weekend, name = calendar.is_workday(day), day.weekday() >= 5, holiday_name(day)
    schedule = calendar.schedule(day.year)
    in_break = name is not None or (schedule is not None and day in schedule.holidays)
    if workday:
        kind = "makeup" if weekend else "work"
    else:
        kind = "off" if in_break or not weekend else "weekend"
    title = f"{day.isoformat()} {KIND_WORDS[kind]}" + (f"（{name}）" if name else "")
    return DayCell(day, kind, title)
