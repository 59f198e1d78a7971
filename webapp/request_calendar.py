"""The work calendar, read once per request: a page's deadlines and the banner that warns
of a missing year (``webapp.calendar_notice``) share it."""

from __future__ import annotations

from flask import g

from engine.db import db
from processes.calendar import WorkCalendar, load_calendar


def request_calendar() -> WorkCalendar:
    """The calendar as this request first read it (``load_calendar``: its revision, and
    the whole calendar when that changed); a work-list page read it twice, once for its
    deadlines and once for the banner."""
    if "work_calendar" not in g:
        g.work_calendar = load_calendar(db.session)
    return g.work_calendar
