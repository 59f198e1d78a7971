"""``zongzhi reports``: issue reports (what is due, or one on demand) and list those issued."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine.db import db
from processes.deadlines import local
from processes.models import Region, ReportSnapshot
from processes.reports.jobs import poll_reports
from processes.reports.periods import Period, PeriodInvalid, PeriodKind
from processes.reports.regions import UnknownRegion
from processes.reports.snapshots import issue_snapshot

from ..engine_binding import current_engine
from .common import CliFailure, os_user

KIND_CHOICE = click.Choice([kind.value for kind in PeriodKind])
PERIOD_HELP = (
    "周期：日 2026-11-23，周 2026-W48，月 2026-11，季 2026-Q4，按需 2026-11-01..2026-11-15。"
)


@click.group("reports")
def reports_group() -> None:
    """统计报表：签发（定时或按需）与查看已签发的报表。"""


@reports_group.command("issue")
@click.option("--kind", type=KIND_CHOICE, help="报表种类：日汇总、周研判、月总结、季汇报、按需。")
@click.option("--region", "region_code", help="区划代码，如 620702。")
@click.option("--period", "period_key", help=PERIOD_HELP)
@with_appcontext
def issue_command(kind: str | None, region_code: str | None, period_key: str | None) -> None:
    """不带参数：补签所有到期未签发的定时报表（并发出风险预警）；
    带 --kind --region --period：按需签发一份报表。"""
    given = [kind, region_code, period_key]
    if not any(given):
        issued = poll_reports(current_engine())
        done = f"已签发 {issued} 份到期的定时报表。"
        click.echo(done if issued else "没有到期未签发的定时报表。")
        return
    if not all(given):
        raise click.UsageError("按需签发须同时给出 --kind、--region 和 --period")
    try:
        period = Period.parse(kind, period_key)
        row = issue_snapshot(
            db.session,
            kind=period.kind,
            region_code=region_code,
            period=period,
            as_of=current_engine().clock.now(),
            issued_by=f"cli:{os_user()}",
            scheduled=False,
            record=current_engine().record_operation,
        )
        db.session.commit()
    except (PeriodInvalid, UnknownRegion) as exc:
        db.session.rollback()
        raise CliFailure(str(exc)) from exc
    name = row.content["region"]["name"]
    click.echo(f"已签发报表 {row.id}：{name} {period.label}（{kind}），内容哈希 {row.content_hash}")


@reports_group.command("list")
@click.option("--kind", type=KIND_CHOICE, help="只列此种报表。")
@click.option("--region", "region_code", help="只列此区划的报表。")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def list_command(kind: str | None, region_code: str | None, limit: int) -> None:
    """列出已签发的报表，最新的在前。"""
    query = select(
        ReportSnapshot.id,
        ReportSnapshot.kind,
        ReportSnapshot.first,
        ReportSnapshot.last,
        ReportSnapshot.issued_at,
        ReportSnapshot.issued_by,
        ReportSnapshot.scheduled,
        ReportSnapshot.content_hash,
        Region.name,
    ).join(Region, Region.code == ReportSnapshot.region_code)
    if kind:
        query = query.where(ReportSnapshot.kind == kind)
    if region_code:
        query = query.where(ReportSnapshot.region_code == region_code)
    query = query.order_by(ReportSnapshot.issued_at.desc(), ReportSnapshot.id.desc()).limit(limit)
    rows = db.session.execute(query).all()
    if not rows:
        click.echo("没有已签发的报表。")
    for row in rows:
        label = Period(PeriodKind(row.kind), row.first, row.last).label
        how = "定时" if row.scheduled else "按需"
        click.echo(
            f"{row.id:>6}  {row.kind}  {row.name}  {label}  {how}  "
            f"{local(row.issued_at):%Y-%m-%d %H:%M}  {row.issued_by}  {row.content_hash[:12]}"
        )
