"""``zongzhi users``: create logins, list them, grant and revoke roles, set a user's region,
department, unit, name or status, reset a password, lift a login lock."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from engine.db import db
from processes.roles import Role

from ..accounts import lockout
from ..accounts.models import User
from ..accounts.service import (
    AccountError,
    change_profile,
    create_user,
    find_user,
    grant_roles,
    list_users,
    record_lock_change,
    record_user_change,
    reset_password,
    revoke_roles,
    user_state,
)
from ..engine_binding import current_engine
from .common import CliFailure, os_user

_ROLE_HELP = "角色（可多次指定）：" + "、".join(role.value for role in Role)
_REGION_HELP = "所属区划代码（只看本区划及下级的案件）；不指定则不限区划。"
_DEPARTMENT_HELP = "所属部门代码（部门联络人），如 court、police。"
_UNIT_HELP = "所属单位代码（综治中心、村委会、调解组织、部门…）；部门联络人不指定时为所属部门。"


@click.group("users")
def users_group() -> None:
    """管理登录用户与角色。"""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="姓名（显示名）。")
@click.option("--password", help="密码；不指定时在终端中输入。")
@click.option("--role", "roles", multiple=True, help=_ROLE_HELP)
@click.option("--region", "region_code", help=_REGION_HELP)
@click.option("--department", "department_code", help=_DEPARTMENT_HELP)
@click.option("--unit", "unit_code", help=_UNIT_HELP)
@with_appcontext
def create_command(
    username: str,
    display_name: str,
    password: str | None,
    roles: tuple[str, ...],
    region_code: str | None,
    department_code: str | None,
    unit_code: str | None,
) -> None:
    """新建用户 USERNAME。"""
    if password is None:
        password = _prompt_password()
    user = _apply(
        action="create",
        username=username,
        change=lambda: create_user(
            db.session,
            username=username,
            display_name=display_name,
            password=password,
            roles=roles,
            region_code=region_code,
            department_code=department_code,
            unit_code=unit_code,
        ),
    )
    click.echo(f"已创建用户 {user.username}（{user.display_name}），角色：{_roles_text(user)}")
    if user.region_code or user.department_code or user.unit_code:
        click.echo(
            f"区划：{user.region_code or '不限'}，部门：{user.department_code or '无'}，"
            f"单位：{user.unit_code or '无'}"
        )


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """列出所有用户。"""
    users = list_users(db.session)
    if not users:
        click.echo("还没有用户。可用 zongzhi users create 新建。")
        return
    rows = [("用户名", "姓名", "状态", "区划", "部门", "单位", "角色")]
    rows += [
        (
            u.username,
            u.display_name,
            "启用" if u.active else "停用",
            u.region_code or "不限",
            u.department_code or "-",
            u.unit_code or "-",
            _roles_text(u),
        )
        for u in users
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]))


@users_group.command("grant")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
@with_appcontext
def grant_command(username: str, roles: tuple[str, ...]) -> None:
    """给用户 USERNAME 增加角色 ROLE…。"""
    user = _apply(
        lambda: grant_roles(db.session, username=username, roles=roles),
        action="grant",
        username=username,
    )
    click.echo(f"已更新 {user.username} 的角色：{_roles_text(user)}")


@users_group.command("revoke")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
@with_appcontext
def revoke_command(username: str, roles: tuple[str, ...]) -> None:
    """收回用户 USERNAME 的角色 ROLE…。"""
    user = _apply(
        lambda: revoke_roles(db.session, username=username, roles=roles),
        action="revoke",
        username=username,
    )
    click.echo(f"已更新 {user.username} 的角色：{_roles_text(user)}")


@users_group.command("set")
@click.argument("username")
@click.option("--name", "display_name", help="新的姓名（显示名）。")
@click.option("--region", "region_code", help="所属区划代码。")
@click.option("--no-region", is_flag=True, help="取消区划限制（可看所有区划）。")
@click.option("--department", "department_code", help=_DEPARTMENT_HELP)
@click.option("--no-department", is_flag=True, help="取消所属部门。")
@click.option("--unit", "unit_code", help=_UNIT_HELP)
@click.option("--no-unit", is_flag=True, help="取消所属单位。")
@click.option("--active/--inactive", default=None, help="启用或停用账号（停用后不能登录）。")
@with_appcontext
def set_command(username: str, **options) -> None:
    """修改用户 USERNAME 的姓名、区划、部门、单位或状态（只改给出的项）。

    部门联络人的单位原是其部门时，改部门而不指定 --unit，单位随部门一起改。"""
    changes = _profile_changes(**options)
    if not changes:
        raise click.UsageError(
            "请至少指定一项修改：--name、--region、--department、--unit、--active …"
        )

    user = _apply(
        lambda: change_profile(db.session, username=username, changes=changes),
        action="update",
        username=username,
    )
    click.echo(
        f"已更新 {user.username}（{user.display_name}）：区划 {user.region_code or '不限'}，"
        f"部门 {user.department_code or '无'}，单位 {user.unit_code or '无'}，"
        f"{'启用' if user.active else '停用'}"
    )


@users_group.command("password")
@click.argument("username")
@click.option("--password", help="新密码；不指定时在终端中输入。")
@with_appcontext
def password_command(username: str, password: str | None) -> None:
    """重设用户 USERNAME 的密码。"""
    if password is None:
        password = _prompt_password()
    _apply(
        lambda: reset_password(db.session, username=username, password=password),
        action="reset_password",
        username=username,
    )
    click.echo(f"已重设 {username} 的密码")


@users_group.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_command(username: str) -> None:
    """解除用户 USERNAME 因多次登录失败而被锁定的状态。"""
    if find_user(db.session, username=username) is None:
        raise CliFailure(f"用户不存在：{username}")
    if not lockout.unlock(username):
        click.echo(f"{username} 未被锁定")
        return
    record_lock_change(
        db.session,
        current_engine().record_operation,
        actor=f"cli:{os_user()}",
        action="unlock",
        username=username,
    )
    db.session.commit()
    click.echo(f"已解除 {username} 的登录锁定")


def _profile_changes(
    *,
    display_name: str | None,
    region_code: str | None,
    no_region: bool,
    department_code: str | None,
    no_department: bool,
    unit_code: str | None,
    no_unit: bool,
    active: bool | None,
) -> dict:
    cleared = {"region_code": no_region, "department_code": no_department, "unit_code": no_unit}
    given = {"region_code": region_code, "department_code": department_code, "unit_code": unit_code}
    if any(given[field] and cleared[field] for field in given):
        raise click.UsageError(
            "--region 与 --no-region、--department 与 --no-department、--unit 与 --no-unit 不能同用"
        )
    changes: dict = {"display_name": display_name, "active": active}
    changes |= {field: None if cleared[field] else value for field, value in given.items()}
    return {k: v for k, v in changes.items() if v is not None or cleared.get(k)}


def _apply(change: Callable[[], User], *, action: str, username: str) -> User:
    """Run one account change, log it with the user before and after, and commit it;
    or roll back and fail with its message."""
    try:
        existing = find_user(db.session, username=username)
        if existing is None and action != "create":
            raise AccountError(f"用户不存在：{username}")
        before = user_state(existing) if existing is not None else None
        user = change()
        record_user_change(
            db.session,
            current_engine().record_operation,
            actor=f"cli:{os_user()}",
            action=action,
            user=user,
            before=before,
        )
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    return user


def _prompt_password() -> str:
    try:
        return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码", err=True)
    except click.Abort as exc:
        raise CliFailure("未提供密码：请用 --password 指定，或在终端中运行以输入密码。") from exc


def _roles_text(user: User) -> str:
    order = {role.value: i for i, role in enumerate(Role)}
    return "、".join(sorted(user.roles, key=lambda r: order.get(r, len(order)))) or "（无）"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
