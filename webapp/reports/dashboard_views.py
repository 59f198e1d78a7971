"""领导驾驶舱: the figures of a region in the user's scope for a period, computed now
(``build_report`` as of the engine clock), and the same as a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort, render_template, request
from flask_login import current_user

from engine.db import db
from processes.deadlines import local
from processes.reports.report import build_report

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import REPORT_ROLES, roles_required
from .blueprint import bp
from .choices import (
    KIND_LABELS,
    PeriodChoice,
    RegionOption,
    pick_period,
    pick_region,
    region_options,
    shifted,
)
from .downloads import file_name, xlsx_download
from .page import report_page
from .workbook import report_workbook


@dataclass(frozen=True)
class Target:
    """The region and period the dashboard is asked for, with the pickers' choices."""

    options: list[RegionOption]
    region: RegionOption
    choice: PeriodChoice
    scope: frozenset[str] | None
    now: datetime
    today: date

    def args(self, choice: PeriodChoice | None = None) -> dict[str, str]:
        return {"region": self.region.code, **(choice or self.choice).args()}


def _target() -> Target:
    scope = region_scope(db.session, current_user)
    options = region_options(db.session, scope)
    region = pick_region(options, request.args.get("region"), current_user.region_code)
    if region is None:
        abort(404)
    now = current_engine().clock.now()
    today = local(now).date()
    return Target(options, region, pick_period(request.args, today), scope, now, today)


def _report(target: Target) -> dict[str, Any]:
    return build_report(
        db.session, region_code=target.region.code, period=target.choice.period, as_of=target.now
    )


@bp.get("/")
@roles_required(REPORT_ROLES)
def dashboard():
    target = _target()
    report = _report(target)
    earlier = shifted(target.choice, forward=False, today=target.today)
    later = shifted(target.choice, forward=True, today=target.today)
    return render_template(
        "reports/dashboard.html",
        target=target,
        kind_labels=KIND_LABELS,
        view=report_page(db.session, report, scope=target.scope),
        earlier=target.args(earlier),
        later=target.args(later) if later else None,
    )


@bp.get("/export.xlsx")
@roles_required(REPORT_ROLES)
def dashboard_xlsx():
    target = _target()
    report = _report(target)
    about = [("来源", "领导驾驶舱导出（按导出时的数据即时统计）")]
    data = report_workbook(report, about=about)
    return xlsx_download(data, file_name(report, report["period"]["kind"]))
