"""故障定时器: timers whose firing kept failing, parked so they never hold up the others.

The admin reads the error and the element, and after the diagram is fixed retries the
timer, or cancels its instance (its case becomes 已撤销); both are in the history.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine import NotFound
from engine.db import db
from processes.deadlines import local
from processes.timer_faults import cancel_for_fault, faulty_timers

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, current_actor, roles_required
from .views import bp


@bp.get("/timers")
@roles_required(ADMIN_ROLES)
def timers():
    found = faulty_timers(current_engine(), db.session)
    return render_template("admin/timers.html", timers=found, local=local)


def _timer_id() -> int | None:
    raw = request.form.get("timer_id", "").strip()
    return int(raw) if raw.isdigit() else None


@bp.post("/timers/retry")
@roles_required(ADMIN_ROLES)
def retry_timer():
    timer_id = _timer_id()
    reason = request.form.get("reason", "").strip()
    try:
        if timer_id is None:
            raise NotFound("请选择要重试的定时器")
        timer = current_engine().retry_timer(timer_id, actor=current_actor(), reason=reason)
    except NotFound as missing:
        flash(str(missing), "error")
    else:
        flash(f"定时器「{timer.name}」将在下一次检查时重新触发。", "info")
    return redirect(url_for("admin.timers"))


@bp.post("/timers/cancel")
@roles_required(ADMIN_ROLES)
def cancel_timer_instance():
    timer_id = _timer_id()
    try:
        if timer_id is None:
            raise NotFound("请选择要处理的定时器")
        faulty = cancel_for_fault(
            current_engine(),
            db.session,
            timer_id=timer_id,
            actor=current_actor(),
            reason=request.form.get("reason", ""),
        )
    except (NotFound, ValueError) as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("admin.timers"))
    db.session.commit()
    where = faulty.case_code or f"流程实例 {faulty.timer.instance_id}"
    flash(f"已取消 {where} 的流程，案件已撤销。", "info")
    return redirect(url_for("admin.timers"))
