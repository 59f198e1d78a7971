"""``zongzhi timers``: the timers parked as 故障, and what an admin does about them.

A timer whose firing kept failing (a script over its budget, a broken expression) is
parked after its last attempt, so it never holds up the others. After fixing the diagram
(a new version and 迁移), ``retry`` gives it a fresh start; ``cancel`` ends its instance
(its case becomes 已撤销).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engine import Actor, NotFound
from engine.db import db
from processes.deadlines import local
from processes.timer_faults import FaultyTimer, cancel_for_fault, faulty_timers

from ..engine_binding import current_engine
from .common import CliFailure, os_user


@click.group("timers")
def timers_group() -> None:
    """查看和处理故障定时器（多次触发失败而暂停的定时器）。"""


def _admin() -> Actor:
    return Actor.of(f"cli:{os_user()}", ["管理员"])


def _line(faulty: FaultyTimer) -> str:
    timer = faulty.timer
    where = faulty.case_code or f"流程实例 {timer.instance_id}"
    state = (
        f"{local(timer.parked_at):%Y-%m-%d %H:%M} 起暂停"
        if timer.parked_at
        else f"{local(timer.next_try_at):%Y-%m-%d %H:%M} 再试"
        if timer.next_try_at
        else "待重试"
    )
    return (
        f"{timer.timer_id}\t{where}\t{timer.process_id}\t{timer.name}（{timer.element}）\t"
        f"已失败 {timer.attempts} 次，{state}\t{timer.last_error or ''}"
    )


@timers_group.command("parked")
@click.option("--all", "show_all", is_flag=True, help="也列出尚在重试中的失败定时器。")
@with_appcontext
def parked_command(show_all: bool) -> None:
    """列出故障定时器：编号、案件、流程、定时器、失败次数与状态、最近一次错误。"""
    found = faulty_timers(current_engine(), db.session, parked_only=not show_all)
    if not found:
        click.echo("没有故障定时器。" if not show_all else "没有触发失败的定时器。")
        return
    click.echo("编号\t案件\t流程\t定时器\t状态\t错误")
    for faulty in found:
        click.echo(_line(faulty))


@timers_group.command("retry")
@click.argument("timer_id", type=int)
@click.option("--reason", default="", help="重试的原因，如：流程图已修正并迁移。")
@with_appcontext
def retry_command(timer_id: int, reason: str) -> None:
    """让故障定时器 TIMER_ID 重新开始尝试（下一次检查时触发）。"""
    try:
        timer = current_engine().retry_timer(timer_id, actor=_admin(), reason=reason)
    except NotFound as missing:
        raise CliFailure(str(missing)) from None
    click.echo(f"定时器 {timer.timer_id}（{timer.name}）将在下一次检查时重新触发。")


@timers_group.command("cancel")
@click.argument("timer_id", type=int)
@click.option("--reason", required=True, help="取消流程的原因（记入审计）。")
@with_appcontext
def cancel_command(timer_id: int, reason: str) -> None:
    """取消故障定时器 TIMER_ID 所在的流程实例；其案件改为已撤销。"""
    try:
        faulty = cancel_for_fault(
            current_engine(), db.session, timer_id=timer_id, actor=_admin(), reason=reason
        )
    except (NotFound, ValueError) as refused:
        db.session.rollback()
        raise CliFailure(str(refused)) from None
    db.session.commit()
    where = faulty.case_code or f"流程实例 {faulty.timer.instance_id}"
    click.echo(f"已取消 {where} 的流程（定时器 {faulty.timer.name}）。")
