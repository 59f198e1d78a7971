"""Request-level pieces of the tasks pages: who is looking, the time, the calendar, the
filters in the query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from flask import g
from flask_login import current_user

from engine.db import db
from processes.calendar import WorkCalendar
from processes.current_deadline import CurrentDeadline, TaskLike, task_deadline
from processes.deadlines import local
from processes.enums import RiskColour

from ..accounts.stand_ins import standing_in_for
from ..due import DueInfo, deadline_badge
from ..engine_binding import current_engine
from ..request_calendar import request_calendar
from ..scope import region_scope
from ..security import user_units
from .filters import Clock, DueFilter, Filters, SortKey, Viewer, department_name, near_until
from .query import has_candidate_tasks, open_alert_instances

RISK_CHOICES = tuple(colour.value for colour in RiskColour)
"""The 三色预警 colours (红, 黄, 绿) the work list filters by."""
Q_MAX = 60


def current_viewer() -> Viewer:
    """The logged-in user as the work list sees them (read once per request)."""
    if "task_viewer" not in g:
        viewer = Viewer(
            username=current_user.username,
            roles=frozenset(current_user.roles),
            scope=region_scope(db.session, current_user),
            department=department_name(db.session, current_user),
            units=user_units(current_user),
            stands_in_for=standing_in_for(db.session, current_user.username, today()),
        )
        g.task_viewer = replace(
            viewer,
            alert_instances=open_alert_instances(db.session, viewer),
            candidate_tasks=has_candidate_tasks(db.session, viewer),
        )
    return g.task_viewer


def today() -> date:
    """Today in Beijing, by the engine's clock."""
    return local(_now()).date()


def _calendar() -> WorkCalendar:
    return request_calendar()


def _now() -> datetime:
    if "task_now" not in g:
        g.task_now = current_engine().clock.now()
    return g.task_now


def current_clock() -> Clock:
    now = _now()
    return Clock(now=now, near_until=near_until(now, _calendar()))


def due_of(deadline: CurrentDeadline) -> DueInfo:
    """The badge of a case's current deadline (``processes.current_deadline``), counted in
    working days."""
    return deadline_badge(deadline, _now(), _calendar())


def task_due(task: TaskLike) -> DueInfo:
    """The badge of a task's current deadline: its due time while it waits, none after."""
    return due_of(task_deadline(task))


def local_time(moment: datetime | None) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else ""


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The work list's filters from the query string; unknown values are ignored."""
    risk = args.get("risk", "")
    return Filters(
        q=(args.get("q") or "").strip()[:Q_MAX],
        risk=risk if risk in RISK_CHOICES else "",
        due=_choice(DueFilter, args.get("due"), DueFilter.ALL),
        mine=args.get("mine") == "1",
        sort=_choice(SortKey, args.get("sort"), SortKey.DUE),
    )


def filter_args(filters: Filters) -> dict[str, str]:
    """The non-default filters as query-string arguments (for page and sort links)."""
    args = {
        "q": filters.q,
        "risk": filters.risk,
        "due": str(filters.due),
        "mine": "1" if filters.mine else "",
        "sort": "" if filters.sort == SortKey.DUE else str(filters.sort),
    }
    return {key: value for key, value in args.items() if value}


def _choice(kind, value: str | None, default):
    try:
        return kind(value or default)
    except ValueError:
        return default
