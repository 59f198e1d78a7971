"""``zongzhi roster``: the roster of mediators and helpers: list, add or change, disable."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engine.db import db
from processes.enums import RosterKind
from processes.roster import RosterInvalid, list_entries, save_entry

from ..accounts.service import account_problem
from .units import apply, audit, cleared

KIND_HELP = "人员类别：" + "、".join(kind.value for kind in RosterKind)


@click.group("roster")
def roster_group() -> None:
    """管理调解员名册：人民调解员、特邀调解员、律师、心理咨询师、三官一师。"""


@roster_group.command("list")
@click.option("--region", "region_code", help="服务区划（含下级）。")
@click.option("--kind", help=KIND_HELP)
@click.option("--skill", help="擅长的纠纷类型代码（含不限类型的人员）。")
@click.option("--unit", "unit_code", help="所属单位代码。")
@click.option("--all", "include_inactive", is_flag=True, help="含已停用的人员。")
@with_appcontext
def list_command(**filters) -> None:
    """列出名册人员。"""
    entries = list_entries(db.session, **filters)
    if not entries:
        click.echo("没有符合条件的人员。可用 zongzhi roster set --name … 新增。")
    for e in entries:
        skills = "、".join(e.skills) or "不限"
        account = f"  账号 {e.username}" if e.username else ""
        state = "" if e.active else "  （已停用）"
        click.echo(
            f"{e.id:>4}  {e.name}  {e.kind}  {e.unit_name}  {e.region_name}  擅长 {skills}"
            f"{account}{state}"
        )


@roster_group.command("set")
@click.argument("entry_id", type=int, required=False)
@click.option("--name", help="姓名。")
@click.option("--kind", help=KIND_HELP)
@click.option("--unit", "unit_code", help="所属单位代码。")
@click.option("--region", "region_code", help="服务区划代码。")
@click.option(
    "--skill", "skills", multiple=True, help="擅长的纠纷类型代码（可多次指定，取代原有）。"
)
@click.option("--no-skills", is_flag=True, help="不限纠纷类型。")
@click.option("--user", "username", help="关联的登录用户名（可接收任务）。")
@click.option("--no-user", is_flag=True, help="取消关联账号。")
@click.option("--active/--inactive", default=None, help="启用或停用。")
@with_appcontext
def set_command(entry_id: int | None, **options) -> None:
    """新增人员（不给 ENTRY_ID），或修改编号为 ENTRY_ID 的人员（只改给出的项）。"""
    values = _values(options)
    if not values:
        raise click.UsageError("请至少指定一项：--name、--kind、--unit、--region、--skill …")
    problem = account_problem(db.session, values.get("username"))

    def change():
        if problem:
            raise RosterInvalid(problem, field="username")
        return save_entry(db.session, entry_id=entry_id, values=values, **audit())

    entry = apply(change)
    click.echo(f"已保存名册人员 {entry.id}：{entry.name}（{entry.kind}）")


@roster_group.command("disable")
@click.argument("entry_id", type=int)
@with_appcontext
def disable_command(entry_id: int) -> None:
    """停用编号为 ENTRY_ID 的人员（不再供指派；记录保留）。"""
    entry = apply(
        lambda: save_entry(db.session, entry_id=entry_id, values={"active": False}, **audit())
    )
    click.echo(f"已停用名册人员 {entry.id}：{entry.name}")


def _values(options: dict) -> dict:
    """The fields the options give (``--skill``/``--no-skills`` replace the list,
    ``--user``/``--no-user`` set or clear the account)."""
    skills, no_skills = options.pop("skills"), options.pop("no_skills")
    username, no_user = options.pop("username"), options.pop("no_user")
    if skills and no_skills:
        raise click.UsageError("--skill 与 --no-skills 不能同用")
    values = {field: value for field, value in options.items() if value is not None}
    if skills or no_skills:
        values["skills"] = list(skills)
    if given := cleared(username, no_user, option="user"):
        values["username"] = given["value"]
    return values
