"""How a deadline reads on a page: working days left, near-due and overdue marked; or, when
none runs (``processes.current_deadline``), why: 无时限, 已化解, 已办结, 已办理."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from processes.calendar import WorkCalendar
from processes.current_deadline import CurrentDeadline, DeadlineState
from processes.deadlines import local

NEAR_HOURS = 24


class DueState(StrEnum):
    """How close a deadline is; the CSS class of its badge is ``due-<state>``."""

    NONE = "none"
    """No deadline set."""
    DONE = "done"
    """No deadline running any more: the case is resolved or ended, the task done."""
    OK = "ok"
    """More than a working day left."""
    NEAR = "near"
    """Due today or on the next working day, or within 24 hours."""
    OVERDUE = "overdue"
    """Past the deadline."""


@dataclass(frozen=True)
class DueInfo:
    state: DueState
    label: str
    """e.g. 剩余 3 个工作日, 今日 17:30 到期, 已超期 2 个工作日."""
    at: datetime | None
    """The deadline in local (China Standard) time."""
    provisional: bool = False
    """Counted across a year whose official schedule is not imported yet (暂定): it moves
    when the year's 调休 is entered."""


def deadline_badge(deadline: CurrentDeadline, now: datetime, calendar: WorkCalendar) -> DueInfo:
    """The badge of a case's or task's current deadline (``processes.current_deadline``)."""
    if deadline.running:
        return due_info(deadline.at, now, calendar)
    state = DueState.NONE if deadline.state == DeadlineState.UNTIMED else DueState.DONE
    return DueInfo(state, deadline.note, None)


def due_info(due_at: datetime | None, now: datetime, calendar: WorkCalendar) -> DueInfo:
    if due_at is None:
        return DueInfo(DueState.NONE, "无时限", None)
    due, today = local(due_at), local(now)
    info = _due_info(due, today, calendar)
    # ahead: any year from today to the due; passed: the due's own year
    if calendar.spans_uncovered(min(today, due), due):
        return replace(info, provisional=True)
    return info


def _due_info(due: datetime, today: datetime, calendar: WorkCalendar) -> DueInfo:
    if due < today:
        late = calendar.working_days_between(due.date() + timedelta(days=1), today.date())
        if late:
            return DueInfo(DueState.OVERDUE, f"已超期 {late} 个工作日", due)
        hours = max(1, int((today - due).total_seconds() // 3600))
        return DueInfo(DueState.OVERDUE, f"已超期 {hours} 小时", due)
    if due.date() == today.date():
        return DueInfo(DueState.NEAR, f"今日 {due:%H:%M} 到期", due)
    left = calendar.working_days_between(today.date() + timedelta(days=1), due.date())
    near = left <= 1 or due - today <= timedelta(hours=NEAR_HOURS)
    label = f"剩余 {left} 个工作日（{due:%m-%d %H:%M} 到期）"
    return DueInfo(DueState.NEAR if near else DueState.OK, label, due)
