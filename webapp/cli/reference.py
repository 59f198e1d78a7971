"""``zongzhi reference``: list and edit regions, dispute types and departments."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engine.db import db
from processes.reference import KINDS, ReferenceInvalid, list_rows, save_row

from ..engine_binding import current_engine
from .common import CliFailure, os_user

KIND_CHOICE = click.Choice(sorted(KINDS))


@click.group("reference")
def reference_group() -> None:
    """管理参考数据：区划（region）、纠纷类型（dispute_type）、部门（department）。"""


@reference_group.command("list")
@click.argument("kind", type=KIND_CHOICE)
@with_appcontext
def list_command(kind: str) -> None:
    """列出某类参考数据。"""
    for row in list_rows(db.session, kind):
        extra = [getattr(row, f) for f in ("level", "station", "parent_code") if hasattr(row, f)]
        state = "" if row.active else "  （已停用）"
        details = " ".join(str(v) for v in extra if v)
        click.echo(f"{row.code:<16} {row.name}  {details}{state}")


@reference_group.command("set")
@click.argument("kind", type=KIND_CHOICE)
@click.argument("code")
@click.option("--name", help="名称。")
@click.option("--parent", "parent_code", help="上级代码（区划、纠纷类型）。")
@click.option("--level", help="区划层级：县、镇、村、网格。")
@click.option("--station", help="部门驻点方式：常驻、轮驻、随叫随驻。")
@click.option("--active/--inactive", default=None, help="启用或停用。")
@with_appcontext
def set_command(kind: str, code: str, **options) -> None:
    """新建或修改一条参考数据（只改给出的字段）。"""
    values = {k: v for k, v in options.items() if v is not None and k in KINDS[kind].fields}
    try:
        row = save_row(
            db.session,
            kind,
            code=code,
            values=values,
            actor=f"cli:{os_user()}",
            record=current_engine().record_operation,
        )
        db.session.commit()
    except ReferenceInvalid as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    click.echo(f"已保存{KINDS[kind].label} {row.code} {row.name}")
