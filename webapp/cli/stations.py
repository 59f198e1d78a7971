"""``zongzhi stations`` and ``zongzhi rota``: departments stationed at centers, and who is
on duty there each day."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine.db import db
from processes.deadlines import local
from processes.enums import StationMode
from processes.models import Station
from processes.stations import (
    StationInvalid,
    liaison_on_duty,
    list_stations,
    rota,
    save_station,
    set_duty,
    station_view,
    week_of,
)

from ..accounts.service import account_problem
from ..engine_binding import current_engine
from .common import CliFailure
from .units import apply, audit, cleared

MODE_HELP = "进驻方式：" + "、".join(mode.value for mode in StationMode)
NOBODY = "-"


@click.group("stations")
def stations_group() -> None:
    """管理部门进驻：哪个部门以何种方式（常驻、轮驻、随叫随驻）进驻哪个综治中心。"""


@stations_group.command("list")
@with_appcontext
def list_command() -> None:
    """列出驻点（编号用于 zongzhi rota）。"""
    stations = list_stations(db.session)
    if not stations:
        click.echo("还没有驻点。可用 zongzhi stations set DEPARTMENT UNIT --mode 常驻 新增。")
    for s in stations:
        liaison = f"  默认值班人 {s.liaison}" if s.liaison else ""
        state = "" if s.active else "  （已停用）"
        click.echo(f"{s.id:>4}  {s.unit_name}  {s.department_name}  {s.mode}{liaison}{state}")


@stations_group.command("set")
@click.argument("department_code")
@click.argument("unit_code")
@click.option("--mode", help=MODE_HELP)
@click.option("--liaison", help="默认值班人的用户名（仅常驻）。")
@click.option("--no-liaison", is_flag=True, help="取消默认值班人。")
@click.option("--active/--inactive", default=None, help="启用或停用。")
@with_appcontext
def set_command(
    department_code: str,
    unit_code: str,
    mode: str | None,
    liaison: str | None,
    no_liaison: bool,
    active: bool | None,
) -> None:
    """新建或修改部门 DEPARTMENT_CODE 在综治中心 UNIT_CODE 的驻点（只改给出的项）。"""
    values = {field: v for field, v in (("mode", mode), ("active", active)) if v is not None}
    if given := cleared(liaison, no_liaison, option="liaison"):
        values["liaison"] = given["value"]
    problem = account_problem(db.session, values.get("liaison"), department_code=department_code)
    station_id = db.session.scalar(
        select(Station.id).where(
            Station.department_code == department_code, Station.unit_code == unit_code
        )
    )

    def change():
        if problem:
            raise StationInvalid(problem, field="liaison")
        return save_station(
            db.session,
            station_id=station_id,
            department_code=department_code,
            unit_code=unit_code,
            values=values,
            **audit(),
        )

    station = apply(change)
    click.echo(f"已保存驻点 {station.id}：{station_view(db.session, station.id).label}")


@click.group("rota")
def rota_group() -> None:
    """管理值班表：每个驻点每天由谁值班（随叫随驻的部门不排班）。"""


@rota_group.command("set")
@click.argument("station_id", type=int)
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("username")
@with_appcontext
def rota_set_command(station_id: int, day, username: str) -> None:
    """驻点 STATION_ID 在 DAY（YYYY-MM-DD）由 USERNAME 值班；USERNAME 为 - 表示取消。"""
    view = station_view(db.session, station_id)
    if view is None:
        raise CliFailure(f"没有编号为 {station_id} 的驻点（见 zongzhi stations list）")
    person = None if username == NOBODY else username
    problem = account_problem(db.session, person, department_code=view.department_code)

    def change():
        if problem:
            raise StationInvalid(problem, field="username")
        return set_duty(
            db.session, station_id=station_id, day=day.date(), username=person, **audit()
        )

    changed = apply(change)
    who = person or "（无人，按默认）"
    click.echo(f"{view.label} {day:%Y-%m-%d} 值班：{who}{'' if changed else '（未变）'}")


@rota_group.command("list")
@click.argument("station_id", type=int)
@click.option(
    "--week", type=click.DateTime(formats=["%Y-%m-%d"]), help="这一周的任一天；默认本周。"
)
@with_appcontext
def rota_list_command(station_id: int, week) -> None:
    """列出驻点 STATION_ID 一周（周一至周日）的值班人。"""
    view = station_view(db.session, station_id)
    if view is None:
        raise CliFailure(f"没有编号为 {station_id} 的驻点（见 zongzhi stations list）")
    days = week_of(week.date() if week else _today())
    click.echo(view.label)
    if not view.has_rota:
        click.echo("随叫随驻：不排班，被召集时由部门全体联络人接收。")
        return
    named = rota(db.session, station_id=station_id, first=days[0], last=days[-1])
    default = view.liaison if view.mode == StationMode.RESIDENT else None
    for day in days:
        who = named.get(day) or (f"{default}（默认）" if default else "无人值班")
        click.echo(f"  {day:%Y-%m-%d} 周{'一二三四五六日'[day.weekday()]}  {who}")


@rota_group.command("who")
@click.argument("department_code")
@click.argument("region_code")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), help="日期；默认今天。")
@with_appcontext
def rota_who_command(department_code: str, region_code: str, day) -> None:
    """召集部门 DEPARTMENT_CODE 处理区划 REGION_CODE 的案件时，当天交给谁。"""
    the_day = day.date() if day else _today()
    username = liaison_on_duty(
        db.session, department_code=department_code, region_code=region_code, day=the_day
    )
    click.echo(username or "无指定值班人：交部门全体联络人")


def _today() -> date:
    return local(current_engine().clock.now()).date()
