"""The banner that warns admins and center staff while the calendar misses a year.

From 1 November until next year's official schedule (国务院办公厅 notice) is imported, and
whenever this year's is missing, every page of an admin or a center caseworker says so:
deadlines counted into that year are provisional (暂定) until then.
"""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from processes.calendar import pending_year_warning
from processes.deadlines import local
from processes.roles import Role

from .engine_binding import current_engine
from .request_calendar import request_calendar
from .security import ADMIN_ROLES

NOTICE_ROLES = ADMIN_ROLES | {Role.COUNTY_CENTER, Role.TOWNSHIP_CENTER, Role.SUPERVISOR}
"""Who is warned: the admins who import the schedule, and the center staff whose deadlines
it moves."""


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"calendar_notice": calendar_notice})


def calendar_notice() -> dict[str, object] | None:
    """The warning for the current user (with whether they can import), or None."""
    if not current_user.is_authenticated or not current_user.roles & NOTICE_ROLES:
        return None
    if "calendar_notice" not in g:
        today = local(current_engine().clock.now()).date()
        g.calendar_notice = pending_year_warning(request_calendar(), today)
    if g.calendar_notice is None:
        return None
    return {"text": g.calendar_notice, "can_import": bool(current_user.roles & ADMIN_ROLES)}
