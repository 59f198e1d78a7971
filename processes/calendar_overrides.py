"""The admins' corrections of single days (a local extra day off, a notice corrected).

An override wins over every other layer of the calendar; each change is logged, raises
the calendar's revision and is followed by re-timing the deadlines it moves
(``processes.retime``, run by the caller after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import (
    CalendarError,
    OperationRecorder,
    bump_revision,
    load_calendar,
)
from .models import HolidayOverride

CALENDAR_CHANGED = "calendar_changed"
"""Operation-log event type for an added, changed or removed override."""

NOTE_MAX = 200


@dataclass(frozen=True)
class OverrideView:
    """One override as the admin pages and the CLI show it."""

    day: date
    is_workday: bool
    official_workday: bool
    """What the calendar says without this override (imported year, built-in, statutory)."""
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
    underneath = load_calendar(session).with_changes(overrides={row.day: None for row in rows})
    return [
        OverrideView(
            day=row.day,
            is_workday=row.is_workday,
            official_workday=underneath.is_workday(row.day),
            note=row.note,
            updated_by=row.updated_by,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


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
    bump_revision(session, now=now)
    record(
        session,
        event_type=CALENDAR_CHANGED,
        actor=actor,
        data={"action": "set", "day": day.isoformat(), "before": before, "after": _state(row)},
    )
    return row


def remove_override(
    session: Session, *, day: date, actor: str, now: datetime, record: OperationRecorder
) -> None:
    """Drop the override of ``day`` (the layers beneath apply again) and log it."""
    row = session.get(HolidayOverride, day)
    if row is None:
        raise CalendarError(f"{day.isoformat()} 没有管理员设置的调整，无需删除")
    before = _state(row)
    session.delete(row)
    session.flush()
    bump_revision(session, now=now)
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
