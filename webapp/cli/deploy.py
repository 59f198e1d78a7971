"""``init``, ``deploy`` and ``verify-history``: the commands that set up and check a site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import flask_migrate
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from engine import DeployRejected, DeployResult, EngineError, Problem
from engine.db import db
from engine.history_verify import PART_SIZE
from engine.lanes import parse_option as parse_lane_option
from processes.demo_directory import ensure_demo_units
from processes.models import Case
from processes.reference import ensure_demo_regions

from ..accounts.demo import ensure_demo_directory, ensure_demo_users
from ..attachments.integrity import failure_text, success_text, verify_stored_files
from ..audit.integrity import verify_all, verify_case
from ..deployments import deploy_bundled, deploy_paths
from ..engine_binding import current_engine
from .common import CliFailure, os_user


@click.command("init")
@with_appcontext
@click.option("--demo", is_flag=True, help="同时创建演示账号（每个角色一个，仅供试用）。")
def init_command(demo: bool) -> None:
    """升级数据库到最新结构，并部署自带的流程图与表单。"""
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
    audit = {"actor": "cli:init", "record": current_engine().record_operation}
    regions = ensure_demo_regions(db.session, **audit)
    units = ensure_demo_units(db.session, **audit)
    logins = ensure_demo_users(db.session)  # after regions and units: users get one each
    directory = ensure_demo_directory(db.session, **audit)  # names the demo users
    db.session.commit()
    if regions:
        click.echo(f"已创建 {regions} 个演示区划（甘州区大满镇）。")
    if units or directory:
        click.echo(f"已创建 {units} 个演示单位、{directory} 条调解员名册与部门驻点。")
    click.echo("演示账号（仅供试用，正式环境请勿使用）：")
    for login in logins:
        state = "新建" if login.created else "已存在"
        click.echo(f"  {login.username:<18} 密码 {login.password:<10} {login.role}（{state}）")


@click.command("deploy")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--note", default="", help="版本说明。")
@click.option(
    "--forms",
    "forms_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="表单目录（可多次指定）。",
)
@click.option(
    "--lane",
    "lanes",
    multiple=True,
    metavar="泳道=角色",
    help='把流程图的泳道映射为本系统的角色，如 --lane "Manager=镇综治中心"（可多次指定；'
    '"*=角色" 给不在任何泳道中的人工任务）。',
)
def deploy_command(
    paths: tuple[Path, ...], note: str, forms_dirs: tuple[Path, ...], lanes: tuple[str, ...]
) -> None:
    """把 PATH（.bpmn / .bpmn20.xml / .dmn 文件或目录）作为一个版本部署。"""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    actor = f"cli:{os_user()}"
    lane_map = _lane_map(lanes)
    _report_deploy(
        lambda: deploy_paths(
            app, paths, actor=actor, note=note, forms_dirs=forms_dirs, lane_map=lane_map
        )
    )


def _lane_map(options: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for option in options:
        try:
            lane, role = parse_lane_option(option)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--lane") from None
        if found.get(lane, role) != role:
            raise click.BadParameter(f"泳道「{lane}」映射了两个不同的角色", param_hint="--lane")
        found[lane] = role
    return found


def _report_deploy(action: Callable[[], DeployResult]) -> None:
    try:
        result = action()
    except DeployRejected as exc:
        errors = [p for p in exc.problems if p.severity != "warning"]
        click.echo(f"部署被拒绝，发现 {len(errors)} 个错误：", err=True)
        for problem in exc.problems:
            click.echo(_problem_line(problem), err=True)
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
    for problem in result.warnings:
        click.echo(_problem_line(problem), err=True)


def _problem_line(problem: Problem) -> str:
    where = f"元素 {problem.element}" if problem.element else "整个文件"
    label = "（警告）" if problem.severity == "warning" else ""
    return f"  - {label}文件 {problem.file}，{where}：{problem.message}"


@click.command("verify-history")
@with_appcontext
@click.option("--case", "case_code", default=None, help="只校验这个案件编号的记录。")
@click.option("--files", is_flag=True, help="同时重新计算已存附件的哈希，与历史记录核对。")
def verify_history_command(case_code: str | None, files: bool) -> None:
    """校验历史记录的哈希链（全部，或 --case 指定的案件）；发现篡改或删除时以退出码 1 结束。"""
    engine, actor = current_engine(), f"cli:{os_user()}"
    case = None
    if case_code is None:
        verdict = verify_all(db.session, engine, user=actor, part_size=PART_SIZE)
    else:
        case = db.session.scalars(select(Case).where(Case.code == case_code)).first()
        if case is None:
            raise click.BadParameter(f"没有编号为「{case_code}」的案件", param_hint="--case")
        verdict = verify_case(db.session, engine, case, user=actor)
    db.session.commit()  # the operation-log entry of this verify
    if not verdict.ok:
        bad = verdict.bad
        where = (
            f"（{bad.at:%Y-%m-%d %H:%M:%S}，{bad.what}，案件 {bad.case.code if bad.case else '—'}）"
            if bad
            else ""
        )
        raise CliFailure(
            f"历史记录校验失败：首个异常事件序号 {verdict.first_bad_seq}{where}，"
            f"原因：{verdict.reason}（共检查 {verdict.checked} 条）"
        )
    scope = "历史记录" if case_code is None else f"案件 {case_code} 的历史记录"
    click.echo(f"{scope}完整：已校验 {verdict.checked} 条事件，哈希链无误。")
    if files:
        stored = verify_stored_files(case)
        if not stored.ok:
            raise CliFailure(failure_text(stored))
        click.echo(success_text(stored))
