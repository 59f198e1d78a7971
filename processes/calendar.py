"""The working-day calendar: China's official schedule, year by year, and the admins' corrections.

Which day is a working day is decided by the first layer that knows it:

1. an admin's correction of one day (``HolidayOverride``);
2. a year's schedule imported from the State Council's notice (``CalendarYear``,
   ``processes.calendar_years``): its holidays and make-up working days (调休);
3. the ``chinese_calendar`` package, for the years it was released with;
4. for a year nobody has entered: the statutory holidays that 《全国年节及纪念日放假办法》
   fixes (13 days since 2025, lunar dates and the Art.6 substitute days included, computed
   by the ``holidays`` package), otherwise Monday–Friday. Such a year is *uncovered*: a
   deadline counted across it is provisional (暂定) until the year's schedule is imported.

Layers 2 and 3 make a year *covered*; one corrected day does not (``covered``).
Every change of layers 1 and 2 raises the calendar's revision (``CalendarRevision``), so
deadlines computed on an older revision are found and re-timed (``processes.retime``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import chinese_calendar
import holidays
from sqlalchemy import event, select, true
from sqlalchemy.orm import Session, object_session

from engine.context import step_or_none

from .kept import KeptPerDatabase
from .models import CalendarRevision, CalendarYear, HolidayOverride

log = logging.getLogger(__name__)

CACHE_KEY = "processes.work_calendar"
"""Where ``load_calendar`` keeps the calendar in the step's cache."""

MAX_SEARCH_DAYS = 366
"""No real calendar has a year without working days; a longer search is a data error."""

WARN_FROM_MONTH = 11
"""From 1 November (the State Council publishes next year's schedule in early November)
admin and center pages warn until next year is covered."""


class OperationRecorder(Protocol):
    """Writes an operation-log entry in the caller's transaction (``Engine.record_operation``)."""

    def __call__(
        self, session: Session, *, event_type: str, actor: str, data: Mapping[str, Any]
    ) -> None: ...


class CalendarError(ValueError):
    """An admin's calendar change was refused; the message says why, in Chinese."""


# -- the layers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule as the 国务院办公厅 notice gives it."""

    year: int
    source: str
    """The notice, e.g. 国办发明电〔2026〕N号."""
    holidays: frozenset[date]
    """Every day off of the holidays, weekends inside them included."""
    workdays: frozenset[date]
    """The weekend days worked (调休)."""

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5


@functools.cache
def library_covers(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` has the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def statutory_holidays(year: int) -> Mapping[date, str]:
    """The statutory days off of ``year`` by rule (放假办法 Arts.2 and 6), with their names."""
    return dict(holidays.China(years=year, language="zh_CN"))


@functools.lru_cache(maxsize=8192)
def _package_workday(day: date) -> bool:
    """Layers 3 and 4 (cached: ``chinese_calendar`` costs ~30 µs a day, and lists count
    working days for every overdue row)."""
    if library_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day not in statutory_holidays(day.year) and day.weekday() < 5


def holiday_name(day: date) -> str | None:
    """The statutory holiday ``day`` belongs to (元旦, 春节 …), if any."""
    return statutory_holidays(day.year).get(day)


class WorkCalendar:
    """Which days are working days, layer by layer (see the module's docstring)."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        years: Iterable[YearSchedule] = (),
        *,
        revision: int = 0,
    ):
        self._overrides = dict(overrides or {})
        self._years = {schedule.year: schedule for schedule in years}
        self.revision = revision
        """The stored calendar's revision when this one was read (0: not from the database)."""
        self._running_counts: dict[int, list[int]] = {}

    def is_workday(self, day: date) -> bool:
        """True for a working day (including a make-up weekend), False for a day off."""
        day = _as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        schedule = self._years.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day)
        return _package_workday(day)

    def covered(self, year: int) -> bool:
        """Whether ``year`` has its whole official schedule: imported, or built in.

        An uncovered year counts only the statutory holidays, without its 调休: deadlines
        across it are provisional. One corrected day never covers a year.
        """
        return year in self._years or library_covers(year)

    def schedule(self, year: int) -> YearSchedule | None:
        """The imported schedule of ``year``, if any."""
        return self._years.get(year)

    def spans_uncovered(self, first: date | datetime, last: date | datetime) -> bool:
        """Whether any year from ``first``'s to ``last``'s is uncovered: a deadline counted
        over that stretch is provisional (暂定)."""
        first_year, last_year = _as_date(first).year, _as_date(last).year
        return any(not self.covered(y) for y in range(first_year, last_year + 1))

    def coverage_warning(self, year: int) -> str | None:
        """The message to show an admin when ``year`` is not covered, else None."""
        return None if self.covered(year) else uncovered_message(year)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.workday_on_or_after(_as_date(day) + timedelta(days=1))

    def workday_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day."""
        first = _as_date(day)
        for offset in range(MAX_SEARCH_DAYS):
            candidate = first + timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise CalendarError(f"{first.isoformat()} 起一年内没有工作日，请检查节假日设置")

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The ``n``-th working day after ``start``'s day; the start day is not counted."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"工作日天数必须是非负整数，实为 {n!r}")
        day = _as_date(start)
        for _ in range(n):
            day = self.next_workday(day)
        return day

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days lie in ``first`` .. ``last``, both included (by each
        year's running count: a work list asks it for every overdue row, over months)."""
        first, last = _as_date(first), _as_date(last)
        count = 0
        for year in range(first.year, last.year + 1) if first <= last else ():
            running = self._running_count(year)
            start = first if first.year == year else date(year, 1, 1)
            end = last if last.year == year else date(year, 12, 31)
            count += running[end.timetuple().tm_yday] - running[start.timetuple().tm_yday - 1]
        return count

    def _running_count(self, year: int) -> list[int]:
        """``[n0, n1, …]``: ``n_k`` working days from 1 January to day ``k`` of ``year``."""
        running = self._running_counts.get(year)
        if running is None:
            running, day = [0], date(year, 1, 1)
            while day.year == year:
                running.append(running[-1] + self.is_workday(day))
                day += timedelta(days=1)
            self._running_counts[year] = running
        return running

    def with_changes(
        self,
        *,
        overrides: Mapping[date, bool | None] | None = None,
        years: Iterable[YearSchedule] = (),
    ) -> WorkCalendar:
        """This calendar with some overrides set (``None`` removes one) and some years'
        schedules replaced: what a change would make of it, before it is saved."""
        merged = dict(self._overrides)
        for day, value in (overrides or {}).items():
            if value is None:
                merged.pop(day, None)
            else:
                merged[day] = value
        schedules = {**self._years, **{schedule.year: schedule for schedule in years}}
        return WorkCalendar(merged, schedules.values(), revision=self.revision)


def uncovered_message(year: int) -> str:
    return (
        f"{year} 年的放假和调休安排尚未导入：期限暂按法定节假日（元旦、春节、清明、劳动节、"
        "端午、中秋、国庆）计算，不含调休，显示为「暂定」；国务院办公厅通知发布后，请在"
        "系统管理 › 节假日导入该年安排（或 zongzhi calendar import），已计算的期限将自动重新计算"
    )


def _as_date(value: date | datetime) -> date:
    """A date; a datetime is taken as its own (local) calendar day."""
    return value.date() if isinstance(value, datetime) else value


# -- loading ------------------------------------------------------------------------------


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar with every imported year and override in the database.

    Inside a diagram step on the same session it is loaded once and kept in the step's
    cache, so the timers and helpers of one step share it. Elsewhere (a page) the last
    calendar read from the same database is kept by its revision: a page reads the
    revision alone and counts working days on the kept calendar, whose running counts
    stay (a work list counts them for every overdue row). A session that wrote the
    calendar reads it whole, its own changes included, and keeps nothing.
    """
    step = step_or_none()
    if step is not None and step.session is session:
        cached = step.cache.get(CACHE_KEY)
        if cached is None:
            cached = step.cache[CACHE_KEY] = _read_calendar(session)
        return cached
    if session.info.get(WRITTEN_KEY):
        return _read_calendar(session)
    return _KEPT.get(session, current_revision(session), lambda: _read_calendar(session))


_KEPT: KeptPerDatabase[WorkCalendar] = KeptPerDatabase()
"""The last calendar read per database, outside a step, by its revision."""


WRITTEN_KEY = "processes.calendar_written"
"""Set in ``Session.info`` when the session writes a calendar row (``_note_written``)."""


@event.listens_for(HolidayOverride, "after_insert")
@event.listens_for(HolidayOverride, "after_update")
@event.listens_for(HolidayOverride, "after_delete")
@event.listens_for(CalendarYear, "after_insert")
@event.listens_for(CalendarYear, "after_update")
@event.listens_for(CalendarYear, "after_delete")
@event.listens_for(CalendarRevision, "after_insert")
@event.listens_for(CalendarRevision, "after_update")
def _note_written(_mapper, _connection, target) -> None:
    session = object_session(target)
    if session is not None:
        session.info[WRITTEN_KEY] = True


def _read_calendar(session: Session) -> WorkCalendar:
    """Two statements: the overrides; the revision with every imported year."""
    overrides = session.execute(select(HolidayOverride.day, HolidayOverride.is_workday)).all()
    rows = session.execute(
        select(CalendarRevision.revision, CalendarYear).outerjoin(CalendarYear, true())
    ).all()
    if rows:
        revision, years = rows[0][0], [year for _, year in rows if year is not None]
    else:  # no revision row (it is seeded by the migration): the years alone
        revision, years = 0, list(session.scalars(select(CalendarYear)))
    return WorkCalendar(
        {day: is_workday for day, is_workday in overrides},
        (year_schedule(row) for row in years),
        revision=revision,
    )


def year_schedule(row: CalendarYear) -> YearSchedule:
    """The schedule a stored year holds."""
    days_off = set()
    for first, last in row.holidays:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            days_off.add(day)
            day += timedelta(days=1)
    return YearSchedule(
        year=row.year,
        source=row.source,
        holidays=frozenset(days_off),
        workdays=frozenset(date.fromisoformat(day) for day in row.workdays),
    )


def current_revision(session: Session) -> int:
    """The stored calendar's revision: raised by every import and override change."""
    return session.execute(select(CalendarRevision.revision)).scalar() or 0


def bump_revision(session: Session, *, now: datetime) -> int:
    """Raise the revision (in the caller's transaction) and forget the step's cached calendar."""
    row = session.execute(select(CalendarRevision).with_for_update()).scalar()
    if row is None:
        row = CalendarRevision(id=1, revision=0)
        session.add(row)
    row.revision, row.changed_at = row.revision + 1, now
    session.flush()
    forget_cached_calendar(session)
    return row.revision


def forget_cached_calendar(session: Session) -> None:
    step = step_or_none()
    if step is not None and step.session is session:
        step.cache.pop(CACHE_KEY, None)


def year_coverage_warning(session: Session, year: int) -> str | None:
    """The warning for an admin when ``year`` has no schedule yet, else None."""
    return load_calendar(session).coverage_warning(year)


def pending_year_warning(calendar: WorkCalendar, today: date) -> str | None:
    """What admin and center pages say while a year that deadlines reach is uncovered:
    this year at any time, next year from 1 November."""
    if not calendar.covered(today.year):
        return uncovered_message(today.year)
    if today.month >= WARN_FROM_MONTH and not calendar.covered(today.year + 1):
        return uncovered_message(today.year + 1)
    return None
