"""节假日调整: the admins' corrections to the official working-day calendar.

For a year the built-in calendar does not know (e.g. next year before the library is
updated) the page says so: deadlines count Monday–Friday until the schedule is entered.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.calendar import (
    CalendarError,
    list_overrides,
    remove_override,
    set_override,
    year_coverage_warning,
)
from processes.deadlines import local

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import day_value, text
from .views import bp

FIRST_YEAR, LAST_YEAR = 2000, 2100


@bp.get("/calendar")
@roles_required(ADMIN_ROLES)
def calendar():
    year = request.args.get("year", type=int) or _this_year()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return _page(year)


@bp.post("/calendar")
@roles_required(ADMIN_ROLES)
def set_day():
    day, problem = day_value(request.form, "day")
    typed = {
        "day": text(request.form, "day"),
        "kind": text(request.form, "kind"),
        "note": text(request.form, "note"),
    }
    errors: dict[str, list[str]] = {}
    if problem:
        errors["day"] = [problem]
    if typed["kind"] not in ("workday", "holiday"):
        errors["kind"] = ["请选择工作日或休息日"]
    if errors or day is None:
        return _page(day.year if day else _this_year(), typed=typed, errors=errors)
    engine = current_engine()
    try:
        set_override(
            db.session,
            day=day,
            is_workday=typed["kind"] == "workday",
            note=typed["note"],
            actor=current_user.username,
            now=engine.clock.now(),
            record=engine.record_operation,
        )
    except CalendarError as exc:
        db.session.rollback()
        return _page(day.year, typed=typed, errors={"note": [str(exc)]})
    db.session.commit()
    kind = "工作日" if typed["kind"] == "workday" else "休息日"
    flash(f"已将 {day.isoformat()} 设为{kind}。", "info")
    return redirect(url_for("admin.calendar", year=day.year))


@bp.post("/calendar/<day>/remove")
@roles_required(ADMIN_ROLES)
def remove_day(day: str):
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        abort(404)
    try:
        remove_override(
            db.session,
            day=the_day,
            actor=current_user.username,
            record=current_engine().record_operation,
        )
    except CalendarError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.calendar", year=the_day.year))
    db.session.commit()
    flash(f"已删除 {the_day.isoformat()} 的调整，恢复内置日历。", "info")
    return redirect(url_for("admin.calendar", year=the_day.year))


def _this_year() -> int:
    return local(current_engine().clock.now()).year


def _page(year: int, *, typed: dict | None = None, errors: dict | None = None):
    return render_template(
        "admin/calendar.html",
        year=year,
        overrides=list_overrides(db.session, year),
        warning=year_coverage_warning(db.session, year),
        typed=typed or {"day": "", "kind": "holiday", "note": ""},
        errors=errors or {},
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )
