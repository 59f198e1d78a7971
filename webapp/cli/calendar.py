"""``zongzhi calendar``: the working-day calendar from the command line.

``import`` a year's official schedule, ``due`` to count a deadline, ``retime`` the
deadlines a change moved, ``list``/``set``/``remove`` the admins' single-day corrections.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from engine import Actor
from engine.db import db
from processes.calendar import CalendarError, load_calendar, year_coverage_warning
from processes.calendar_overrides import list_overrides, remove_override, set_override
from processes.calendar_years import YearFileInvalid, import_year, preview, read_year_file
from processes.deadlines import due_after, local
from processes.enums import DeadlineUnit
from processes.retime import Move, plan, retime_pending

from ..engine_binding import current_engine
from .common import CliFailure, os_user

SHOWN_MOVES = 50
"""How many moved deadlines a listing prints before summing up the rest."""


@click.group("calendar")
def calendar_group() -> None:
    """管理工作日日历：导入全年放假安排、计算期限、管理员的单日调整。"""


def _actor() -> str:
    return f"cli:{os_user()}"


def _today() -> date:
    return local(current_engine().clock.now()).date()


# -- a year's schedule ----------------------------------------------------------------------


@calendar_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接导入。")
@click.option("--dry-run", is_flag=True, help="只显示将发生的变化，不导入。")
@with_appcontext
def import_command(file: Path, yes: bool, dry_run: bool) -> None:
    """导入 FILE：国务院办公厅某一年节假日安排通知（JSON），并重新计算受影响的期限。"""
    try:
        year_file = read_year_file(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CliFailure(f"{file}：不是 UTF-8 编码的文本文件") from None
    except YearFileInvalid as error:
        lines = "\n".join(f"  {file.name} {problem}" for problem in error.problems)
        raise CliFailure(f"{file} 未导入，请修改后重试：\n{lines}") from None
    engine = current_engine()
    shown = preview(db.session, year_file, now=engine.clock.now())
    schedule = year_file.schedule
    click.echo(f"{schedule.year} 年放假安排（{schedule.source}）：")
    if shown.replaces:
        click.echo(f"  将替换此前导入的安排（{shown.replaces}）")
    for warning in year_file.warnings:
        click.echo(f"  注意：{warning}")
    _echo_days(shown.days)
    _echo_plan(shown.deadlines.moves, shown.deadlines.passed)
    if dry_run:
        click.echo("（试运行，未导入）")
        return
    if not yes and not click.confirm("确认导入？", default=False):
        raise CliFailure("已取消，未导入")
    import_year(
        db.session,
        year_file,
        actor=_actor(),
        now=engine.clock.now(),
        record=engine.record_operation,
    )
    db.session.commit()
    click.echo(f"已导入 {schedule.year} 年放假安排。")
    _retime(engine)


def _echo_days(days) -> None:
    if not days:
        click.echo("  与当前日历相比，没有日期变化")
        return
    click.echo(f"  与当前日历相比，{len(days)} 天有变化：")
    for change in days:
        what = "休息日 → 工作日" if change.is_workday else "工作日 → 休息日"
        name = f"（{change.holiday}）" if change.holiday else ""
        click.echo(f"    {change.day.isoformat()} {change.weekday}  {what}{name}")


def _describe(move: Move) -> str:
    case = move.case_code or f"流程实例 {move.instance_id}"
    mark = "（暂定）" if move.provisional else ""
    return f"{case}  {move.label}  {move.old:%Y-%m-%d %H:%M} → {move.new:%Y-%m-%d %H:%M}{mark}"


def _echo_plan(moves: Iterable[Move], passed: Iterable[Move]) -> None:
    moves, passed = list(moves), list(passed)
    click.echo(f"  将重新计算的期限：{len(moves)} 个")
    for move in moves[:SHOWN_MOVES]:
        click.echo(f"    {_describe(move)}")
    if len(moves) > SHOWN_MOVES:
        click.echo(f"    …… 另有 {len(moves) - SHOWN_MOVES} 个")
    if passed:
        click.echo(f"  已到期、不再撤销的期限：{len(passed)} 个（定时器已触发，按原日历处理）")
        for move in passed[:SHOWN_MOVES]:
            click.echo(f"    {_describe(move)}")


def _retime(engine) -> None:
    report = retime_pending(engine, actor=Actor.of(_actor()))
    click.echo(f"已重新计算 {report.instances} 个案件流程中的 {len(report.moved)} 个期限。")
    if report.passed:
        click.echo(f"{len(report.passed)} 个已到期的期限按原日历处理，不撤销。")
    if report.remaining:
        click.echo(f"{report.remaining} 个流程正被他人处理，将由定时调度稍后重新计算。")


@calendar_group.command("retime")
@click.option("--dry-run", is_flag=True, help="只列出将移动的期限，不修改。")
@with_appcontext
def retime_command(dry_run: bool) -> None:
    """按当前日历重新计算尚未重新计算的期限（导入或调整后会自动执行）。"""
    engine = current_engine()
    if dry_run:
        calendar = load_calendar(db.session)
        found = plan(db.session, calendar, now=engine.clock.now(), stale_only=True)
        _echo_plan(found.moves, found.passed)
        return
    _retime(engine)


@calendar_group.command("due")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("n", type=click.IntRange(min=1, max=3650))
@click.option(
    "--unit",
    type=click.Choice([DeadlineUnit.WORKING_DAYS.value, DeadlineUnit.CALENDAR_DAYS.value]),
    default=DeadlineUnit.WORKING_DAYS.value,
    show_default=True,
    help="按工作日或自然日计算。",
)
@with_appcontext
def due_command(start: datetime, n: int, unit: str) -> None:
    """START（YYYY-MM-DD）之后第 N 个工作日（起算日不计入）。

    跨越尚未导入放假安排的年份时标明暂定。
    """
    calendar = load_calendar(db.session)
    first = start.date()
    last = due_after(datetime.combine(first, datetime.min.time()), n, unit, calendar).date()
    line = last.isoformat()
    uncovered = [y for y in range(first.year, last.year + 1) if not calendar.covered(y)]
    if uncovered:
        years = "、".join(f"{y} 年" for y in uncovered)
        line += f" 暂定（{years}的放假和调休安排尚未导入，按法定节假日计算）"
    click.echo(line)


# -- single-day corrections -------------------------------------------------------------------


@calendar_group.command("list")
@click.argument("year", type=int, required=False)
@with_appcontext
def list_command(year: int | None) -> None:
    """说明 YEAR 年（默认今年）的日历来源，并列出管理员设置的单日调整。"""
    year = year or _today().year
    calendar = load_calendar(db.session)
    schedule = calendar.schedule(year)
    if schedule is not None:
        click.echo(f"{year} 年：已导入放假安排（{schedule.source}）")
    elif calendar.covered(year):
        click.echo(f"{year} 年：内置日历（chinese_calendar）")
    warning = year_coverage_warning(db.session, year)
    if warning:
        click.echo(f"注意：{warning}")
    views = list_overrides(db.session, year)
    if not views:
        click.echo(f"{year} 年没有管理员设置的调整。")
        return
    for view in views:
        official = "工作日" if view.official_workday else "休息日"
        kind = "工作日" if view.is_workday else "休息日"
        click.echo(
            f"{view.day.isoformat()}  {kind}（原为{official}）  {view.note}  [{view.updated_by}]"
        )


@calendar_group.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--workday/--holiday", "is_workday", required=True, help="设为工作日或休息日。")
@click.option("--note", default="", help="依据，例如 国办发明电〔2026〕N号。")
@with_appcontext
def set_command(day: datetime, is_workday: bool, note: str) -> None:
    """把 DAY（YYYY-MM-DD）设为工作日或休息日，并重新计算受影响的期限。"""
    the_day: date = day.date()
    engine = current_engine()
    try:
        set_override(
            db.session,
            day=the_day,
            is_workday=is_workday,
            note=note,
            actor=_actor(),
            now=engine.clock.now(),
            record=engine.record_operation,
        )
        db.session.commit()
    except CalendarError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    click.echo(f"已将 {the_day.isoformat()} 设为{'工作日' if is_workday else '休息日'}")
    _retime(engine)


@calendar_group.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
def remove_command(day: datetime) -> None:
    """删除 DAY（YYYY-MM-DD）的调整，恢复原日历，并重新计算受影响的期限。"""
    the_day: date = day.date()
    engine = current_engine()
    try:
        remove_override(
            db.session,
            day=the_day,
            actor=_actor(),
            now=engine.clock.now(),
            record=engine.record_operation,
        )
        db.session.commit()
    except CalendarError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    click.echo(f"已删除 {the_day.isoformat()} 的调整，恢复原日历")
    _retime(engine)
