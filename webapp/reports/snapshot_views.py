"""报表: the issued reports (snapshots: the figures as they were when issued, never
recomputed), one report's page, its workbook and print version, and issuing one on demand.

A snapshot of a region outside the user's scope answers 404, as one that does not exist.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.deadlines import local
from processes.models import ReportSnapshot
from processes.reports.periods import PeriodKind
from processes.reports.snapshots import issue_snapshot

from ..engine_binding import current_engine
from ..scope import may_see, region_scope
from ..security import REPORT_ROLES, roles_required
from .blueprint import bp, local_time
from .choices import KINDS, pick_region, region_options
from .downloads import file_name, xlsx_download
from .generate import GenerateForm
from .page import report_page
from .snapshot_list import KIND_VALUES, SnapshotFilters, list_snapshots
from .workbook import report_workbook


def _index(form: GenerateForm, status: int = 200):
    scope = region_scope(db.session, current_user)
    options = region_options(db.session, scope)
    filters = SnapshotFilters.parse(request.args, options)
    return render_template(
        "reports/index.html",
        listing=list_snapshots(db.session, filters, scope=scope),
        filters=filters,
        options=options,
        kinds=KINDS,
        kind_values=KIND_VALUES,
        form=form,
        today=local(current_engine().clock.now()).date(),
    ), status


@bp.get("/snapshots")
@roles_required(REPORT_ROLES)
def index():
    options = region_options(db.session, region_scope(db.session, current_user))
    own = pick_region(options, None, current_user.region_code)
    today = local(current_engine().clock.now()).date()
    return _index(GenerateForm(region=own.code if own else "", date=today.isoformat()))


@bp.post("/snapshots")
@roles_required(REPORT_ROLES)
def generate():
    engine = current_engine()
    now = engine.clock.now()
    form = GenerateForm.read(request.form)
    options = region_options(db.session, region_scope(db.session, current_user))
    checked = form.check(options, local(now).date())
    if checked is None:
        return _index(form, status=422)
    region_code, period = checked
    snapshot = issue_snapshot(
        db.session,
        kind=period.kind,
        region_code=region_code,
        period=period,
        as_of=now,
        issued_by=current_user.username,
        scheduled=False,
        record=engine.record_operation,
    )
    db.session.commit()
    flash(f"已生成{snapshot.content['region']['name']}{period.label}报表。", "info")
    return redirect(url_for("reports.snapshot", snapshot_id=snapshot.id))


def _snapshot_or_404(snapshot_id: int) -> ReportSnapshot:
    snapshot = db.session.get(ReportSnapshot, snapshot_id)
    if snapshot is None or not may_see(
        region_scope(db.session, current_user), snapshot.region_code
    ):
        abort(404)
    return snapshot


def _about(snapshot: ReportSnapshot) -> list[tuple[str, str]]:
    issued = "定时生成" if snapshot.scheduled else f"按需生成（{snapshot.issued_by}）"
    return [
        ("报表编号", str(snapshot.id)),
        ("生成时间", f"{local_time(snapshot.issued_at, '%Y-%m-%d %H:%M:%S')}（北京时间）"),
        ("生成方式", issued),
        ("内容哈希", snapshot.content_hash),
    ]


def _render(template: str, snapshot: ReportSnapshot):
    scope = region_scope(db.session, current_user)
    return render_template(
        template,
        snapshot=snapshot,
        kind_name=PeriodKind(snapshot.kind).value,
        about=_about(snapshot),
        view=report_page(db.session, snapshot.content, scope=scope),
    )


@bp.get("/snapshots/<int:snapshot_id>")
@roles_required(REPORT_ROLES)
def snapshot(snapshot_id: int):
    return _render("reports/snapshot.html", _snapshot_or_404(snapshot_id))


@bp.get("/snapshots/<int:snapshot_id>/print")
@roles_required(REPORT_ROLES)
def snapshot_print(snapshot_id: int):
    return _render("reports/print.html", _snapshot_or_404(snapshot_id))


@bp.get("/snapshots/<int:snapshot_id>.xlsx")
@roles_required(REPORT_ROLES)
def snapshot_xlsx(snapshot_id: int):
    snapshot = _snapshot_or_404(snapshot_id)
    data = report_workbook(snapshot.content, about=_about(snapshot))
    return xlsx_download(data, file_name(snapshot.content, snapshot.kind))
