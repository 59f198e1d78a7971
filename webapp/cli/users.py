"""``zongzhi users``: create logins, list them, grant and revoke roles."""

from __future__ import annotations

import unicodedata

import click
from flask.cli import with_appcontext

from engine import EventType
from engine.db import db
from processes.roles import Role

from ..accounts.models import User
from ..accounts.service import (
    AccountError,
    create_user,
    find_user,
    grant_roles,
    list_users,
    revoke_roles,
)
from ..engine_binding import current_engine
from .common import CliFailure, os_user

_ROLE_HELP = "角色（可多次指定）：" + "、".join(role.value for role in Role)


@click.group("users")
def users_group() -> None:
    """管理登录用户与角色。"""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="姓名（显示名）。")
@click.option("--password", help="密码；不指定时在终端中输入。")
@click.option("--role", "roles", multiple=True, help=_ROLE_HELP)
@with_appcontext
def create_command(
    username: str, display_name: str, password: str | None, roles: tuple[str, ...]
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
        ),
    )
    click.echo(f"已创建用户 {user.username}（{user.display_name}），角色：{_roles_text(user)}")


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """列出所有用户。"""
    users = list_users(db.session)
    if not users:
        click.echo("还没有用户。可用 zongzhi users create 新建。")
        return
    rows = [("用户名", "姓名", "状态", "角色")]
    rows += [
        (u.username, u.display_name, "启用" if u.active else "停用", _roles_text(u)) for u in users
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[3]]))


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


def _apply(change, *, action: str, username: str) -> User:
    """Run one account change, log it with the roles before and after, and commit it;
    or roll back and fail with its message."""
    try:
        existing = find_user(db.session, username=username)
        before = sorted(existing.roles) if existing is not None else []
        user = change()
        current_engine().record_operation(
            db.session,
            event_type=EventType.USER_CHANGED,
            actor=f"cli:{os_user()}",
            data={
                "action": action,
                "username": username,
                "roles_before": before,
                "roles_after": sorted(user.roles),
            },
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
