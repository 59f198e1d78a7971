"""``zongzhi senders``: register the outside systems that push matters, list, disable them."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import with_appcontext

from engine.db import db
from processes.handoff import (
    SENDER_CHANNELS,
    HandoffError,
    create_sender,
    disable_sender,
    list_senders,
)
from processes.models import HandoffSender

from ..engine_binding import current_engine
from .common import CliFailure, os_user

SENDER_CHANGED = "sender_changed"
"""History event of a change to a sender (never its token or the token's hash)."""


@click.group("senders")
def senders_group() -> None:
    """管理对接来源单位（法院、公安、信访、12345）及其访问令牌。"""


@senders_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help="来源单位名称，如：甘州区人民法院。")
@click.option(
    "--channel",
    required=True,
    type=click.Choice([str(c) for c in SENDER_CHANNELS]),
    help="来源渠道。",
)
@click.option("--region", "region_code", required=True, help="受理地区划代码（县或镇）。")
@click.option("--callback-url", help="结果推送地址；不指定则只能轮询获取结果。")
@with_appcontext
def create_command(
    code: str, name: str, channel: str, region_code: str, callback_url: str | None
) -> None:
    """登记来源单位 CODE，并生成访问令牌（只显示这一次）。"""
    created: dict[str, str] = {}

    def change() -> HandoffSender:
        sender, created["token"] = create_sender(
            db.session,
            code=code,
            name=name,
            channel=channel,
            region_code=region_code,
            callback_url=callback_url,
        )
        return sender

    sender = _apply(change, action="create")
    click.echo(f"已登记来源单位 {sender.code}（{sender.name}，{sender.channel}）。")
    click.echo(f"访问令牌（只显示这一次，请妥善交给对方系统）：{created['token']}")


@senders_group.command("list")
@with_appcontext
def list_command() -> None:
    """列出所有来源单位。"""
    senders = list_senders(db.session)
    if not senders:
        click.echo("还没有来源单位。可用 zongzhi senders create 登记。")
        return
    for s in senders:
        state = "启用" if s.active else "停用"
        delivery = s.callback_url or "（仅轮询）"
        click.echo(f"{s.code}  {s.name}  {s.channel}  {s.region_code}  {state}  {delivery}")


@senders_group.command("disable")
@click.argument("code")
@with_appcontext
def disable_command(code: str) -> None:
    """停用来源单位 CODE：其令牌立即失效，已产生的结果仍会推送。"""
    sender = _apply(lambda: disable_sender(db.session, code), action="disable")
    click.echo(f"已停用来源单位 {sender.code}（{sender.name}），其令牌已失效。")


def _apply(change: Callable[[], HandoffSender], *, action: str) -> HandoffSender:
    """Run one sender change, log it in the history and commit; or roll back and fail."""
    try:
        sender = change()
        current_engine().record_operation(
            db.session,
            event_type=SENDER_CHANGED,
            actor=f"cli:{os_user()}",
            data={
                "action": action,
                "code": sender.code,
                "name": sender.name,
                "channel": sender.channel,
                "region_code": sender.region_code,
                "callback_url": sender.callback_url,
                "active": sender.active,
            },
        )
        db.session.commit()
    except HandoffError as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    return sender
