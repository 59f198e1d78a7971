"""Routes of the 包案领导 area; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from engine.db import db
from processes.calendar import load_calendar

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import LEADER_ROLES, roles_required
from .service import Leader, leader_cases

bp = Blueprint("leader", __name__, url_prefix="/leader")


@bp.get("")
@roles_required(LEADER_ROLES)
def index():
    """我包案的案件: the cases naming the user 包案领导 or 牵头领导, overdue first."""
    page_arg = request.args.get("page", "1")
    leader = Leader(
        username=current_user.username,
        display_name=current_user.display_name or "",
        scope=region_scope(db.session, current_user),
    )
    page = leader_cases(
        db.session,
        leader,
        page=int(page_arg) if page_arg.isdigit() else 1,
        now=current_engine().clock.now(),
        calendar=load_calendar(db.session),
    )
    return render_template("leader/index.html", page=page)
