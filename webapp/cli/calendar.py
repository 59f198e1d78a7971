"""``zongzhi calendar``: list, set and remove the admins' corrections to the holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext

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
from .common import CliFailure, os_user


@click.group("calendar")
def calendar_group() -> None:
    """管理节假日与调休（工作日日历）。"""


@calendar_group.command("list")
@click.argument("year", type=int, required=False)
@with_appcontext
def list_command(year: int | None) -> None:
    """列出 YEAR 年（默认今年）管理员设置的调整。"""
    year = year or local(current_engine().clock.now()).year
    views = list_overrides(db.session, year)
    warning = year_coverage_warning(db.session, year)
    if warning:
        click.echo(f"注意：{warning}")
    if not views:
        click.echo(f"{year} 年没有管理员设置的调整。")
        return
    for view in views:
        official = {True: "工作日", False: "休息日", None: "未知"}[view.official_workday]
        kind = "工作日" if view.is_workday else "休息日"
        click.echo(
            f"{view.day.isoformat()}  {kind}（内置日历：{official}）  {view.note}  "
            f"[{view.updated_by}]"
        )


@calendar_group.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--workday/--holiday", "is_workday", required=True, help="设为工作日或休息日。")
@click.option("--note", default="", help="依据，例如 国办发明电〔2026〕N号。")
@with_appcontext
def set_command(day: datetime, is_workday: bool, note: str) -> None:
    """把 DAY（YYYY-MM-DD）设为工作日或休息日。"""
    the_day: date = day.date()
    engine = current_engine()
    try:
        set_override(
            db.session,
            day=the_day,
            is_workday=is_workday,
            note=note,
            actor=f"cli:{os_user()}",
            now=engine.clock.now(),
            record=engine.record_operation,
        )
        db.session.commit()
    except CalendarError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    click.echo(f"已将 {the_day.isoformat()} 设为{'工作日' if is_workday else '休息日'}")


@calendar_group.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
def remove_command(day: datetime) -> None:
    """删除 DAY（YYYY-MM-DD）的调整，恢复内置日历。"""
    the_day: date = day.date()
    try:
        remove_override(
            db.session,
            day=the_day,
            actor=f"cli:{os_user()}",
            record=current_engine().record_operation,
        )
        db.session.commit()
    except CalendarError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    click.echo(f"已删除 {the_day.isoformat()} 的调整，恢复内置日历")
