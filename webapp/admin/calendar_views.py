"""节假日: the working-day calendar for admins.

A year's page shows where its days come from (an imported 国务院办公厅 notice, the
built-in calendar, or only the statutory holidays: then deadlines into it are 暂定), the
whole year month by month, and the single-day corrections. Importing a year's notice is
two steps: upload (the file is checked, errors name the line and date) and a preview of
every day and deadline it changes; confirming stores it and re-times the deadlines.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine import Actor
from engine.db import db
from processes.calendar import CalendarError, load_calendar
from processes.calendar_overrides import list_overrides, remove_override, set_override
from processes.calendar_years import (
    FIRST_YEAR,
    LAST_YEAR,
    Problem,
    YearFileInvalid,
    import_year,
    preview,
    read_year_file,
)
from processes.deadlines import local
from processes.retime import Report, retime_pending

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from ..validation import parse_int
from .calendar_grid import year_grid
from .forms import day_value, text
from .views import bp

MAX_FILE_BYTES = 64 * 1024
RETIME_BUDGET_SECONDS = 10
"""How long a page waits for re-timing; what is left the scheduler finishes."""


@bp.get("/calendar")
@roles_required(ADMIN_ROLES)
def calendar():
    year = request.args.get("year", type=int) or _this_year()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return _page(year)


@bp.post("/calendar/import")
@roles_required(ADMIN_ROLES)
def import_preview():
    content, problem = _uploaded()
    year = parse_int(request.form.get("year"), minimum=FIRST_YEAR, maximum=LAST_YEAR)
    year = year or _this_year()
    if problem:
        return _page(year, import_problems=[problem], content=content), 422
    try:
        year_file = read_year_file(content)
    except YearFileInvalid as error:
        return _page(year, import_problems=error.problems, content=content), 422
    shown = preview(db.session, year_file, now=current_engine().clock.now())
    return render_template("admin/calendar_import.html", preview=shown, content=content)


@bp.post("/calendar/import/confirm")
@roles_required(ADMIN_ROLES)
def import_confirm():
    content = request.form.get("content", "")
    try:
        year_file = read_year_file(content)
    except YearFileInvalid as error:
        return _page(_this_year(), import_problems=error.problems, content=content), 422
    engine = current_engine()
    import_year(
        db.session,
        year_file,
        actor=current_user.username,
        now=engine.clock.now(),
        record=engine.record_operation,
    )
    db.session.commit()
    year = year_file.schedule.year
    flash(f"已导入 {year} 年放假安排（{year_file.schedule.source}）。{_retimed()}", "info")
    return redirect(url_for("admin.calendar", year=year))


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
    flash(f"已将 {day.isoformat()} 设为{kind}。{_retimed()}", "info")
    return redirect(url_for("admin.calendar", year=day.year))


@bp.post("/calendar/<day>/remove")
@roles_required(ADMIN_ROLES)
def remove_day(day: str):
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        abort(404)
    engine = current_engine()
    try:
        remove_override(
            db.session,
            day=the_day,
            actor=current_user.username,
            now=engine.clock.now(),
            record=engine.record_operation,
        )
    except CalendarError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.calendar", year=the_day.year))
    db.session.commit()
    flash(f"已删除 {the_day.isoformat()} 的调整，恢复原日历。{_retimed()}", "info")
    return redirect(url_for("admin.calendar", year=the_day.year))


def _uploaded() -> tuple[str, Problem | None]:
    """The year file's text, from the upload or the text box, or why it cannot be read."""
    upload = request.files.get("file")
    raw = upload.read(MAX_FILE_BYTES + 1) if upload and upload.filename else None
    if raw is None:
        content = request.form.get("content", "")
        raw = content.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_BYTES:
        return "", Problem(f"文件超过 {MAX_FILE_BYTES // 1024} KB，不是一年的放假安排")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", Problem("文件不是 UTF-8 编码的文本")
    if not content.strip():
        return "", Problem("请选择放假安排文件，或把文件内容粘贴到文本框中")
    return content, None


def _retimed() -> str:
    """Re-time the deadlines the change moved; a sentence saying what happened."""
    report: Report = retime_pending(
        current_engine(),
        actor=Actor.of(current_user.username),
        budget_seconds=RETIME_BUDGET_SECONDS,
    )
    words = f"已按新日历重新计算 {len(report.moved)} 个期限（{report.instances} 个案件流程）"
    if report.passed:
        words += f"；{len(report.passed)} 个已到期的期限按原日历处理，不撤销"
    if report.remaining:
        words += f"；其余 {report.remaining} 个流程由定时调度稍后完成"
    return words + "。"


def _this_year() -> int:
    return local(current_engine().clock.now()).year


def _page(
    year: int,
    *,
    typed: dict | None = None,
    errors: dict | None = None,
    import_problems: list[Problem] | None = None,
    content: str = "",
):
    calendar = load_calendar(db.session)
    return render_template(
        "admin/calendar.html",
        year=year,
        schedule=calendar.schedule(year),
        covered=calendar.covered(year),
        grid=year_grid(calendar, year),
        overrides=list_overrides(db.session, year),
        warning=calendar.coverage_warning(year),
        typed=typed or {"day": "", "kind": "holiday", "note": ""},
        errors=errors or {},
        import_problems=import_problems or [],
        content=content,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )
