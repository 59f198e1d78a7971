"""``zongzhi units``: list units and create or change one (every change logged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine.db import db
from processes.enums import UnitKind
from processes.models import Region
from processes.refusals import FieldRefused
from processes.units import list_units, save_unit

from ..engine_binding import current_engine
from .common import CliFailure, os_user

T = TypeVar("T")
KIND_HELP = "单位类型：" + "、".join(kind.value for kind in UnitKind)


def audit() -> dict:
    """The actor and recorder of a command's changes."""
    return {"actor": f"cli:{os_user()}", "record": current_engine().record_operation}


def apply(change: Callable[[], T]) -> T:
    """Run one change and commit it; or roll back and fail with its message."""
    try:
        result = change()
        db.session.commit()
    except FieldRefused as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    return result


def cleared(value: str | None, clear: bool, *, option: str) -> dict:
    """``{field: value}`` for ``--x VALUE`` / ``--no-x``, ``{}`` when neither was given."""
    if value and clear:
        raise click.UsageError(f"--{option} 与 --no-{option} 不能同用")
    return {"value": None} if clear else ({"value": value} if value else {})


@click.group("units")
def units_group() -> None:
    """管理单位：部门、综治中心、乡镇党委政府、村（社区）、调解组织等。"""


@units_group.command("list")
@click.option("--kind", help=KIND_HELP)
@with_appcontext
def list_command(kind: str | None) -> None:
    """列出单位（按类型、区划）。"""
    regions = dict(db.session.execute(select(Region.code, Region.name)).all())
    units = [u for u in list_units(db.session) if kind is None or u.kind == kind]
    if not units:
        click.echo("没有单位。可用 zongzhi units set CODE --name … --kind … 新建。")
    order = {k.value: i for i, k in enumerate(UnitKind)}
    for unit in sorted(units, key=lambda u: (order.get(u.kind, 99), u.region_code or "", u.code)):
        region = regions.get(unit.region_code, unit.region_code) if unit.region_code else "不限区划"
        parent = f"  上级 {unit.parent_code}" if unit.parent_code else ""
        state = "" if unit.active else "  （已停用）"
        click.echo(f"{unit.code:<16} {unit.name}  {unit.kind}  {region}{parent}{state}")


@units_group.command("set")
@click.argument("code")
@click.option("--name", help="名称。")
@click.option("--kind", help=KIND_HELP)
@click.option("--region", "region_code", help="所在区划代码。")
@click.option("--no-region", is_flag=True, help="不限区划。")
@click.option("--parent", "parent_code", help="上级单位代码。")
@click.option("--no-parent", is_flag=True, help="取消上级单位。")
@click.option("--active/--inactive", default=None, help="启用或停用。")
@with_appcontext
def set_command(
    code: str,
    name: str | None,
    kind: str | None,
    region_code: str | None,
    no_region: bool,
    parent_code: str | None,
    no_parent: bool,
    active: bool | None,
) -> None:
    """新建或修改单位 CODE（只改给出的项）。部门的单位随部门新增、改名和停用。"""
    values: dict = {"name": name, "kind": kind, "active": active}
    values = {field: value for field, value in values.items() if value is not None}
    for field, given in (
        ("region_code", cleared(region_code, no_region, option="region")),
        ("parent_code", cleared(parent_code, no_parent, option="parent")),
    ):
        if given:
            values[field] = given["value"]
    if not values:
        raise click.UsageError("请至少指定一项：--name、--kind、--region、--parent、--active …")
    unit = apply(lambda: save_unit(db.session, code=code, values=values, **audit()))
    where, state = unit.region_code or "不限区划", "启用" if unit.active else "已停用"
    click.echo(f"已保存单位 {unit.code} {unit.name}（{unit.kind}，{where}，{state}）")
