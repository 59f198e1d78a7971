"""The ``zongzhi`` command: set up, deploy, check history, run the scheduler and server.

Exit codes: 0 done, 1 failed (message on stderr), 2 wrong usage.
"""

from __future__ import annotations

import getpass
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
import flask_migrate
from flask import current_app
from flask.cli import FlaskGroup
from flask_migrate.cli import db as migrate_group

from engine.errors import DeployRejected, EngineError

from . import create_app
from .accounts.cli import CliFailure, users_group
from .accounts.demo import ensure_demo_users
from .deployments import deploy_bundled, deploy_paths
from .engine_binding import current_engine
from .server import serve_forever

if TYPE_CHECKING:
    from engine import DeployResult

cli = FlaskGroup(
    name="zongzhi",
    help="综治中心工作平台管理命令。",
    create_app=create_app,
    add_default_commands=False,
    add_version_option=False,
)
cli.add_command(migrate_group, "db")
cli.add_command(users_group)


def main() -> None:
    """Console entry point (``zongzhi``)."""
    logging.basicConfig(
        level=os.environ.get("ZONGZHI_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    cli.main(prog_name="zongzhi")


@cli.command("init")
@click.option("--demo", is_flag=True, help="同时创建演示账号（每个角色一个，仅供试用）。")
def init_command(demo: bool) -> None:
    """升级数据库到最新结构并部署自带的流程图。"""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo("正在升级数据库结构……")
    try:
        flask_migrate.upgrade()
    except SystemExit as exc:  # flask_migrate logs the cause, then exits
        if exc.code:
            raise CliFailure("数据库升级失败，原因见上方日志。") from exc
    click.echo("数据库结构已是最新。")
    _report_deploy(lambda: deploy_bundled(app))
    if demo:
        _create_demo_users()


def _create_demo_users() -> None:
    from engine.db import db  # noqa: PLC0415

    logins = ensure_demo_users(db.session)
    db.session.commit()
    click.echo("演示账号（仅供试用，正式环境请勿使用）：")
    for login in logins:
        state = "新建" if login.created else "已存在"
        click.echo(f"  {login.username:<18} 密码 {login.password:<10} {login.role}（{state}）")


@cli.command("deploy")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--note", default="", help="版本说明。")
@click.option(
    "--forms",
    "forms_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="表单目录（可多次指定）。",
)
def deploy_command(paths: tuple[Path, ...], note: str, forms_dirs: tuple[Path, ...]) -> None:
    """把 PATH（.bpmn/.dmn 文件或目录）作为一个新版本部署。"""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    actor = f"cli:{_os_user()}"
    _report_deploy(
        lambda: deploy_paths(app, paths, actor=actor, note=note, forms_dirs=forms_dirs)
    )


def _report_deploy(action: Callable[[], DeployResult]) -> None:
    try:
        result = action()
    except DeployRejected as exc:
        click.echo(f"部署被拒绝，发现 {len(exc.problems)} 个问题：", err=True)
        for p in exc.problems:
            where = f"元素 {p.element}" if p.element else "整个文件"
            click.echo(f"  - 文件 {p.file}，{where}：{p.message}", err=True)
        raise click.exceptions.Exit(1) from exc
    except EngineError as exc:
        raise CliFailure(f"部署失败：{exc}") from exc
    if result.created:
        click.echo(f"已部署新版本 {result.version_id}，内容哈希 {result.content_hash}")
    else:
        click.echo(f"相同内容已部署为版本 {result.version_id}，未创建新版本")
        click.echo(f"内容哈希 {result.content_hash}")
    if result.process_ids:
        click.echo("包含流程：" + "、".join(result.process_ids))


@cli.command("verify-history")
def verify_history_command() -> None:
    """校验历史记录的哈希链，发现篡改或删除时以退出码 1 结束。"""
    report = current_engine().verify_history()
    if not report.ok:
        raise CliFailure(
            f"历史记录校验失败：首个异常事件序号 {report.first_bad_seq}，"
            f"原因：{report.reason}（共检查 {report.checked} 条）"
        )
    click.echo(f"历史记录完整：已校验 {report.checked} 条事件，哈希链无误。")


@cli.command("scheduler")
def scheduler_command() -> None:
    """在前台单独运行定时器调度，直到收到 SIGTERM 或按 Ctrl+C。"""
    from engine.scheduler import run_forever  # noqa: PLC0415 - loads SpiffWorkflow

    poll = current_app.config["ZONGZHI_TIMER_POLL_SECONDS"]
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    click.echo(f"定时器调度已启动（pid {os.getpid()}），每 {poll} 秒检查到期定时器。")
    try:
        run_forever(current_engine(), poll_seconds=poll)
    except KeyboardInterrupt:
        pass
    click.echo("定时器调度已停止。")


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve_command(host: str, port: int, workers: int) -> None:
    """以生产方式运行网站（gunicorn），并在旁运行一个定时器调度进程。"""
    create_app()  # fail fast on bad settings; creates the shared secret key file once
    click.echo(f"网站启动于 http://{host}:{port}/ ，{workers} 个工作进程；按 Ctrl+C 停止。")
    serve_forever(host=host, port=port, workers=workers)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
