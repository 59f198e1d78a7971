"""Routes of the supervision blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.calendar import load_calendar
from processes.chase import ChaseRefused
from processes.timer_faults import faulty_timers

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import SUPERVISION_ROLES, current_actor, roles_required
from . import service

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.get("")
@roles_required(SUPERVISION_ROLES)
def board():
    filters = service.BoardFilters.parse(request.args)
    scope = region_scope(db.session, current_user)
    data = service.load_board(
        db.session,
        scope=scope,
        now=current_engine().clock.now(),
        calendar=load_calendar(db.session),
        filters=filters,
    )
    return render_template(
        "supervision/board.html",
        board=data,
        states=service.STATES,
        risks=service.RISKS,
        methods=service.METHOD_LABELS,
        case_link=_case_link,
        faulty_timers=[
            item
            for item in faulty_timers(current_engine(), db.session, region_codes=scope)
            if item.case_id is not None
        ],
    )


def _case_link(case_id: int) -> str | None:
    """The case page's address, once the cases blueprint has it."""
    if "cases.show" not in current_app.view_functions:
        return None
    return url_for("cases.show", case_id=case_id)


@bp.post("/cases/<int:case_id>/chase")
@roles_required(SUPERVISION_ROLES)
def chase(case_id: int):
    method = request.form.get("method", "")
    back = url_for(
        "supervision.board",
        **service.BoardFilters.parse(request.form).query_args(),
        _anchor=f"case-{case_id}",
    )
    try:
        outcome = service.chase(
            current_engine(),
            db.session,
            case_id=case_id,
            method=method,
            note=request.form.get("note", ""),
            scope=region_scope(db.session, current_user),
            actor=current_actor(),
            calendar=load_calendar(db.session),
        )
    except ChaseRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(back)
    db.session.commit()
    label = service.METHOD_LABELS[method]
    if outcome.chased.repeated:
        flash(f"刚刚已记录过{label}，未重复记录：{outcome.code}", "info")
    else:
        flash(f"已记录{label}：{outcome.code}", "info")
    return redirect(back)
