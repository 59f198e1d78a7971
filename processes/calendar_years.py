"""Importing one year's official schedule (国务院办公厅 关于YYYY年部分节假日安排的通知).

The file is JSON, as an admin copies it from the notice::

    {"year": 2027, "source": "国办发明电〔2026〕N号",
     "holidays": [["2027-01-01", "2027-01-03"], ["2027-02-05", "2027-02-13"], "2027-04-05"],
     "workdays": ["2027-02-20"]}

``holidays`` are the days off, as inclusive ranges (a single day may be a plain date);
``workdays`` the weekend days worked (调休). ``read_year_file`` checks it and names the line
and date of every problem; ``preview`` shows what the import would change (days and the
deadlines they move) before ``import_year`` stores it, logs it and raises the calendar's
revision. Importing a year again replaces it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from .calendar import (
    CalendarError,
    OperationRecorder,
    WorkCalendar,
    YearSchedule,
    bump_revision,
    holiday_name,
    load_calendar,
    statutory_holidays,
)
from .models import CalendarYear
from .retime import Plan, plan

YEAR_IMPORTED = "calendar_year_imported"
"""Operation-log event type of an imported year."""

FIRST_YEAR, LAST_YEAR = 2000, 2100
SOURCE_MAX = 200
FIELDS = ("year", "source", "holidays", "workdays")
WEEKDAYS = "一二三四五六日"

_JSON_MESSAGES = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键名必须用英文双引号括起",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Extra data": "文件末尾有多余的内容",
    "Invalid control character at": "字符串中有控制字符",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, with where it is."""

    message: str
    line: int | None = None
    day: str | None = None

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else "文件"
        if self.day:
            where += f"（{self.day}）"
        return f"{where}：{self.message}"


class YearFileInvalid(CalendarError):
    """The file was refused; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("；".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class YearFile:
    """A checked year file."""

    schedule: YearSchedule
    ranges: tuple[tuple[date, date], ...]
    workdays: tuple[date, ...]
    warnings: tuple[Problem, ...] = ()
    """Not blocking: e.g. a statutory holiday the file does not give as a day off."""


# -- reading ------------------------------------------------------------------------------


class _Lines:
    """Finds the line of each string value, in the order the file gives them."""

    def __init__(self, text: str):
        self._lines: dict[str, deque[int]] = defaultdict(deque)
        for match in re.finditer(r'"((?:[^"\\]|\\.)*)"', text):
            self._lines[match.group(1)].append(text.count("\n", 0, match.start()) + 1)

    def of(self, value: Any) -> int | None:
        """The line of ``value``'s next occurrence (the last one is kept for repeats)."""
        lines = self._lines.get(value) if isinstance(value, str) else None
        if not lines:
            return None
        return lines.popleft() if len(lines) > 1 else lines[0]


def read_year_file(text: str) -> YearFile:
    """Check a year file; raises ``YearFileInvalid`` naming each problem's line and date."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        message = next((v for k, v in _JSON_MESSAGES.items() if error.msg.startswith(k)), None)
        text = f"JSON 格式错误：{message or '无法解析'}（第 {error.colno} 列）"
        raise YearFileInvalid([Problem(text, line=error.lineno)]) from None
    problems: list[Problem] = []
    year = _checked_header(raw, problems)
    if problems:
        raise YearFileInvalid(problems)
    lines = _Lines(text)
    ranges = _checked_ranges(raw["holidays"], year, lines, problems)
    workdays = _checked_workdays(raw["workdays"], year, ranges, lines, problems)
    if problems:
        raise YearFileInvalid(problems)
    schedule = YearSchedule(
        year=year,
        source=raw["source"].strip(),
        holidays=frozenset(day for first, last in ranges for day in _days(first, last)),
        workdays=frozenset(workdays),
    )
    return YearFile(schedule, tuple(ranges), tuple(sorted(workdays)), _warnings(schedule))


def _checked_header(raw: Any, problems: list[Problem]) -> int:
    if not isinstance(raw, dict):
        problems.append(Problem("文件内容必须是一个 JSON 对象（{…}）"))
        return 0
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        problems.append(Problem(f"未知字段 {'、'.join(unknown)}，只能有 {'、'.join(FIELDS)}"))
    missing = [name for name in FIELDS if name not in raw]
    if missing:
        problems.append(Problem(f"缺少字段 {'、'.join(missing)}"))
        return 0
    year = raw["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(Problem(f"year 必须是 {FIRST_YEAR}–{LAST_YEAR} 之间的整数，实为 {year!r}"))
    source = raw["source"]
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem("source 必须写明通知文号，例如 国办发明电〔2026〕N号"))
    elif len(source.strip()) > SOURCE_MAX:
        problems.append(Problem(f"source 不能超过 {SOURCE_MAX} 个字"))
    for name in ("holidays", "workdays"):
        if not isinstance(raw[name], list):
            problems.append(Problem(f"{name} 必须是列表（[…]）"))
    if isinstance(raw["holidays"], list) and not raw["holidays"]:
        problems.append(Problem("holidays 不能为空：一年至少有法定节假日"))
    return year if isinstance(year, int) else 0


def _day(value: Any, year: int, line: int | None, problems: list[Problem]) -> date | None:
    if not isinstance(value, str):
        problems.append(Problem(f'日期必须写成 "YYYY-MM-DD" 文本，实为 {value!r}', line))
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem("不是有效的日期（应为 YYYY-MM-DD）", line, value))
        return None
    if day.year != year:
        problems.append(Problem(f"日期不在 {year} 年内", line, value))
        return None
    return day


def _checked_ranges(
    items: list[Any], year: int, lines: _Lines, problems: list[Problem]
) -> list[tuple[date, date]]:
    ranges: list[tuple[date, date, int | None]] = []
    for item in items:
        pair = [item, item] if isinstance(item, str) else item
        if not isinstance(pair, list) or len(pair) != 2:
            problems.append(Problem(f"holidays 的每一项应为 [起, 止] 或单个日期，实为 {item!r}"))
            continue
        line = lines.of(pair[0])
        first = _day(pair[0], year, line, problems)
        if isinstance(item, str):
            last = first
        else:
            last = _day(pair[1], year, lines.of(pair[1]) or line, problems)
        if first is None or last is None:
            continue
        if last < first:
            problems.append(Problem("放假区间的结束日早于开始日", line, f"{first}..{last}"))
            continue
        ranges.append((first, last, line))
    ranges.sort(key=lambda r: (r[0], r[1]))
    for (_, end, _), (first, last, line) in itertools.pairwise(ranges):
        if first <= end:
            problems.append(Problem("与前一个放假区间重叠", line, f"{first}..{last}"))
    return [(first, last) for first, last, _ in ranges]


def _checked_workdays(
    items: list[Any],
    year: int,
    ranges: list[tuple[date, date]],
    lines: _Lines,
    problems: list[Problem],
) -> set[date]:
    found: set[date] = set()
    for item in items:
        line = lines.of(item)
        day = _day(item, year, line, problems)
        if day is None:
            continue
        if day in found:
            problems.append(Problem("调休上班日重复", line, item))
        elif day.weekday() < 5:
            name = f"星期{WEEKDAYS[day.weekday()]}"
            problems.append(Problem(f"调休上班日必须是周六或周日，这天是{name}", line, item))
        elif any(first <= day <= last for first, last in ranges):
            problems.append(Problem("调休上班日落在放假区间内", line, item))
        found.add(day)
    return found


def _warnings(schedule: YearSchedule) -> tuple[Problem, ...]:
    return tuple(
        Problem(f"{name}是法定节假日，文件中却不是休息日，请核对通知", day=day.isoformat())
        for day, name in sorted(statutory_holidays(schedule.year).items())
        if "补假" not in name and schedule.is_workday(day)
    )


def _days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


# -- preview and import -----------------------------------------------------------------


@dataclass(frozen=True)
class DayChange:
    """A day the import turns from a working day into a day off, or back."""

    day: date
    was_workday: bool
    is_workday: bool
    holiday: str | None

    @property
    def weekday(self) -> str:
        return f"星期{WEEKDAYS[self.day.weekday()]}"


@dataclass
class Preview:
    """What importing a year would change: its days, and the deadlines they move."""

    year_file: YearFile
    replaces: str | None
    """The source of the year's schedule imported before, if any."""
    days: list[DayChange] = field(default_factory=list)
    deadlines: Plan = field(default_factory=Plan)


def preview(session: Session, year_file: YearFile, *, now: datetime) -> Preview:
    """What ``import_year`` would change, computed without storing anything."""
    current = load_calendar(session)
    candidate = current.with_changes(years=[year_file.schedule])
    previous = session.get(CalendarYear, year_file.schedule.year)
    result = Preview(year_file, previous.source if previous is not None else None)
    result.days = _day_changes(current, candidate, year_file)
    if result.days:  # a deadline before the first changed day cannot move
        result.deadlines = plan(session, candidate, now=now, since=result.days[0].day)
    return result


def _day_changes(before: WorkCalendar, after: WorkCalendar, year_file: YearFile) -> list[DayChange]:
    year = year_file.schedule.year
    return [
        DayChange(day, was, now, _occasion(day, now, year_file))
        for day in _days(date(year, 1, 1), date(year, 12, 31))
        if (was := before.is_workday(day)) != (now := after.is_workday(day))
    ]


def _occasion(day: date, is_workday: bool, year_file: YearFile) -> str | None:
    """What the day is for: its holiday, the holiday whose break it extends, or the
    holiday it is worked for (调休上班: the nearest break)."""
    if not is_workday:
        name = holiday_name(day)
        if name:
            return name
        ranges = [r for r in year_file.ranges if r[0] <= day <= r[1]]
        return f"{_range_name(ranges[0])}假期" if ranges and _range_name(ranges[0]) else None
    if not year_file.ranges:
        return None
    nearest = min(
        year_file.ranges, key=lambda r: min(abs((day - r[0]).days), abs((day - r[1]).days))
    )
    name = _range_name(nearest)
    return f"{name}调休上班" if name else "调休上班"


def _range_name(holiday_range: tuple[date, date]) -> str | None:
    first, last = holiday_range
    names = [holiday_name(day) for day in _days(first, last)]
    found = [n.replace("（补假）", "") for n in names if n and n != "农历除夕"]
    return found[0] if found else None


def import_year(
    session: Session,
    year_file: YearFile,
    *,
    actor: str,
    now: datetime,
    record: OperationRecorder,
) -> CalendarYear:
    """Store the year's schedule (replacing an earlier import), raise the calendar's revision
    and log it; not committed. Re-time the deadlines afterwards (``retime_pending``)."""
    schedule = year_file.schedule
    changed = len(preview(session, year_file, now=now).days)
    row = session.get(CalendarYear, schedule.year)
    before = _content(row) if row is not None else None
    if row is None:
        row = CalendarYear(year=schedule.year)
        session.add(row)
    row.source = schedule.source
    row.holidays = [[first.isoformat(), last.isoformat()] for first, last in year_file.ranges]
    row.workdays = [day.isoformat() for day in year_file.workdays]
    row.imported_by, row.imported_at = actor, now
    session.flush()
    bump_revision(session, now=now)
    record(
        session,
        event_type=YEAR_IMPORTED,
        actor=actor,
        data={
            "year": schedule.year,
            "before": before,
            "after": _content(row),
            "changed_days": changed,
        },
    )
    return row


def _content(row: CalendarYear) -> dict[str, Any]:
    return {"source": row.source, "holidays": row.holidays, "workdays": row.workdays}
