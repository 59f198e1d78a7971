"""Routes of the cases blueprint; every route states its roles (``webapp.security``).

A case outside the user's region scope answers 404, as one that does not exist.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engine import ConflictError, FormInvalid
from engine.db import db
from processes.deadlines import local
from processes.enums import CaseStatus, Channel, RiskColour
from processes.models import Case
from processes.risk_colour import RiskChange, change_risk, is_open, needs_leader

from ..engine_binding import current_engine
from ..request_calendar import request_calendar
from ..scope import region_scope
from ..security import (
    CASE_READERS,
    INTAKE_ROLES,
    PERSONAL_DATA_ROLES,
    RISK_ROLES,
    current_actor,
    has_any_role,
    roles_required,
)
from .detail import find_case, record_reveal
from .diagram import diagram_payload
from .documents import case_document
from .page import case_page
from .qr import case_qr
from .service import CaseFilters, search_cases

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"local_time": _local_time, "task_url": _task_url}


def _local_time(moment, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return local(moment).strftime(pattern) if moment is not None else ""


def _task_url(task_id: str) -> str | None:
    """The task page, once the tasks area provides one."""
    if "tasks.show" not in current_app.view_functions:
        return None
    return url_for("tasks.show", task_id=task_id)


def _case_or_404(case_id: int) -> Case:
    case = find_case(db.session, case_id, region_scope(db.session, current_user))
    if case is None:
        abort(404)
    return case


@bp.get("")
@roles_required(CASE_READERS)
def index():
    filters = CaseFilters.from_args(request.args)
    page = search_cases(
        db.session,
        filters,
        scope=region_scope(db.session, current_user),
        now=current_engine().clock.now(),
        calendar=request_calendar(),
    )
    return render_template(
        "cases/index.html",
        page=page,
        filters=filters,
        statuses=list(CaseStatus),
        colours=list(RiskColour),
        channels=list(Channel),
    )


def _render_case(
    case: Case,
    *,
    revealed: bool,
    risk_form: RiskChange | None = None,
    risk_errors: dict[str, list[str]] | None = None,
):
    all_steps = request.args.get("steps") == "all"
    page = case_page(db.session, current_engine(), case, revealed=revealed, all_steps=all_steps)
    code = case.code or ""
    return render_template(
        "cases/show.html",
        case=case,
        page=page,
        detail=page.detail,
        qr=case_qr(code) if code else None,
        may_print_receipt=bool(code) and has_any_role(INTAKE_ROLES),
        all_steps=all_steps,
        may_reveal=has_any_role(PERSONAL_DATA_ROLES),
        may_change_risk=has_any_role(RISK_ROLES) and is_open(case),
        needs_leader=needs_leader(case) and is_open(case),
        risk_form=risk_form or RiskChange(colour=case.risk_colour, reason=""),
        risk_errors=risk_errors or {},
        colours=list(RiskColour),
    )


@bp.get("/<int:case_id>")
@roles_required(CASE_READERS)
def show(case_id: int):
    return _render_case(_case_or_404(case_id), revealed=False)


@bp.post("/<int:case_id>/parties")
@roles_required(PERSONAL_DATA_ROLES)
def reveal(case_id: int):
    """Show the parties in full; the reveal is an operation-log entry."""
    case = _case_or_404(case_id)
    record_reveal(db.session, current_engine(), case, user=current_user.username)
    db.session.commit()
    return _render_case(case, revealed=True)


@bp.post("/<int:case_id>/risk")
@roles_required(RISK_ROLES)
def change_risk_colour(case_id: int):
    """调整风险等级: a new colour with a reason (and a 包案领导 when raised to 红 without
    one), on the case and its running instance; logged and on the timeline."""
    case = _case_or_404(case_id)
    change = RiskChange.from_form(request.form)
    before = case.risk_colour
    try:
        change_risk(current_engine(), case.id, change, actor=current_actor())
    except FormInvalid as invalid:
        return _render_case(case, revealed=False, risk_form=change, risk_errors=invalid.errors), 422
    except ConflictError as conflict:
        flash(f"风险等级未调整：{conflict}", "error")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="risk-title"))
    if change.colour == before:
        flash(f"已指定包案领导：{change.leader}", "info")
    else:
        flash(f"已将风险等级由{before}色调整为{change.colour}色", "info")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="risk-title"))


@bp.get("/<int:case_id>/diagram.json")
@roles_required(CASE_READERS)
def diagram(case_id: int):
    case = _case_or_404(case_id)
    trails = current_engine().instance_trail(case.instance_id) if case.instance_id else []
    response = jsonify(diagram_payload(trails))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:case_id>/documents/<int:record_id>")
@roles_required(CASE_READERS)
def document(case_id: int, record_id: int):
    case = _case_or_404(case_id)
    found = case_document(db.session, case, record_id)
    if found is None:
        abort(404)
    return render_template("cases/document.html", doc=found, case=case)
