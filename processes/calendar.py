"""The working-day calendar: China's official schedule plus the admins' corrections.

``chinese_calendar`` knows the State Council's holidays and make-up working days (调休)
for the years it was released with. An admin's ``HolidayOverride`` row wins over it, so
next year's schedule (国办 publishes it each November) can be entered without a release.
For a year the library does not know and no admin has entered, the calendar falls back
to Monday–Friday and says so (``covered``, ``coverage_warning``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import step_or_none

from .models import HolidayOverride

log = logging.getLogger(__name__)

CACHE_KEY = "processes.work_calendar"
"""Where ``load_calendar`` keeps the calendar in the step's cache."""

CALENDAR_CHANGED = "calendar_changed"
"""Operation-log event type for an added, changed or removed override."""

NOTE_MAX = 200
MAX_SEARCH_DAYS = 366
"""No real calendar has a year without working days; a longer search is a data error."""


class OperationRecorder(Protocol):
    """Writes an operation-log entry in the caller's transaction (``Engine.record_operation``)."""

    def __call__(
        self, session: Session, *, event_type: str, actor: str, data: Mapping[str, Any]
    ) -> None: ...


class CalendarError(ValueError):
    """An admin's calendar change was refused; the message says why, in Chinese."""


@functools.cache
def library_covers(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` has the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def _official_workday(day: date) -> bool:
    """The official schedule (cached: ``chinese_calendar`` costs ~30 µs a day, and lists
    count working days for every overdue row)."""
    if library_covers(day.year):
        return chinese_calendar.is_workday(day)
    _warn_fallback(day.year)
    return day.weekday() < 5


@functools.cache
def _warn_fallback(year: int) -> None:
    log.warning("%s", _fallback_message(year))


def _fallback_message(year: int) -> str:
    return (
        f"{year} 年的法定节假日安排尚未录入（内置日历不含该年，也没有管理员设置），"
        "暂按周一至周五为工作日计算；请按国务院办公厅通知录入放假和调休日期"
    )


class WorkCalendar:
    """Which days are working days: an admin's override first, then the official schedule."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._overrides = dict(overrides or {})
        self._override_years = frozenset(day.year for day in self._overrides)

    def is_workday(self, day: date) -> bool:
        """True for a working day (including a make-up weekend), False for a day off."""
        day = _as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        return _official_workday(day)

    def covered(self, year: int) -> bool:
        """Whether ``year`` has a real schedule: built in, or entered by an admin.

        An uncovered year is counted Monday–Friday, without its holidays.
        """
        return library_covers(year) or year in self._override_years

    def known(self, day: date) -> bool:
        """Whether ``day``'s year is covered (see ``covered``)."""
        return self.covered(_as_date(day).year)

    def coverage_warning(self, year: int) -> str | None:
        """The message to show an admin when ``year`` is not covered, else None."""
        return None if self.covered(year) else _fallback_message(year)

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
        """How many working days lie in ``first`` .. ``last``, both included."""
        first, last = _as_date(first), _as_date(last)
        count = 0
        while first <= last:
            count += self.is_workday(first)
            first += timedelta(days=1)
        return count


def _as_date(value: date | datetime) -> date:
    """A date; a datetime is taken as its own (local) calendar day."""
    return value.date() if isinstance(value, datetime) else value


# -- loading ------------------------------------------------------------------------------


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar with every override in the database.

    Inside a diagram step on the same session it is loaded once and kept in the step's
    cache, so the timers and helpers of one step share it.
    """
    step = step_or_none()
    if step is not None and step.session is session:
        cached = step.cache.get(CACHE_KEY)
        if cached is None:
            cached = step.cache[CACHE_KEY] = _read_calendar(session)
        return cached
    return _read_calendar(session)


def _read_calendar(session: Session) -> WorkCalendar:
    rows = session.execute(select(HolidayOverride.day, HolidayOverride.is_workday)).all()
    return WorkCalendar({day: is_workday for day, is_workday in rows})


def _forget_cached_calendar(session: Session) -> None:
    step = step_or_none()
    if step is not None and step.session is session:
        step.cache.pop(CACHE_KEY, None)


# -- admin --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverrideView:
    """One override as the admin pages and the CLI show it."""

    day: date
    is_workday: bool
    official_workday: bool | None
    """What the built-in calendar says (None for a year it does not know)."""
    note: str
    updated_by: str
    updated_at: datetime


def list_overrides(session: Session, year: int) -> list[OverrideView]:
    """The overrides of ``year``, by day."""
    rows = session.scalars(
        select(HolidayOverride)
        .where(HolidayOverride.day >= date(year, 1, 1), HolidayOverride.day <= date(year, 12, 31))
        .order_by(HolidayOverride.day)
    ).all()
    return [
        OverrideView(
            day=row.day,
            is_workday=row.is_workday,
            official_workday=chinese_calendar.is_workday(row.day)
            if library_covers(row.day.year)
            else None,
            note=row.note,
            updated_by=row.updated_by,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def year_coverage_warning(session: Session, year: int) -> str | None:
    """The warning for an admin when ``year`` has no schedule yet, else None."""
    return load_calendar(session).coverage_warning(year)


def set_override(
    session: Session,
    *,
    day: date,
    is_workday: bool,
    note: str,
    actor: str,
    now: datetime,
    record: OperationRecorder,
) -> HolidayOverride:
    """Make ``day`` a working day or a day off, and log the change (not committed)."""
    note = _checked_note(note)
    if not isinstance(is_workday, bool):
        raise CalendarError(f"是否工作日必须是布尔值，实为 {is_workday!r}")
    row = session.get(HolidayOverride, day)
    before = _state(row)
    if row is None:
        row = HolidayOverride(day=day)
        session.add(row)
    row.is_workday, row.note, row.updated_by, row.updated_at = is_workday, note, actor, now
    session.flush()
    _forget_cached_calendar(session)
    record(
        session,
        event_type=CALENDAR_CHANGED,
        actor=actor,
        data={"action": "set", "day": day.isoformat(), "before": before, "after": _state(row)},
    )
    return row


def remove_override(session: Session, *, day: date, actor: str, record: OperationRecorder) -> None:
    """Drop the override of ``day`` (the official calendar applies again) and log it."""
    row = session.get(HolidayOverride, day)
    if row is None:
        raise CalendarError(f"{day.isoformat()} 没有管理员设置的调整，无需删除")
    before = _state(row)
    session.delete(row)
    session.flush()
    _forget_cached_calendar(session)
    record(
        session,
        event_type=CALENDAR_CHANGED,
        actor=actor,
        data={"action": "remove", "day": day.isoformat(), "before": before, "after": None},
    )


def _checked_note(note: str) -> str:
    if not isinstance(note, str):
        raise CalendarError("说明必须是文本")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise CalendarError(f"说明不能超过 {NOTE_MAX} 个字")
    return note


def _state(row: HolidayOverride | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"is_workday": row.is_workday, "note": row.note}
